import { AppError } from '../app-error.js'
import { assertCanRead, assertCanWrite, requireMessage } from './access.js'
import type { Actor } from './actor.js'
import type { ChatContext, WriteOptions } from './chat-context.js'
import { ownValue, withKey, withoutKey } from './own-keys.js'
import { liveThread } from './threads.js'
import { messageChangePlan } from './thread-change.js'
import { toWireJson } from './wire.js'

/**
 * Adds or removes the caller's reaction. Reactions are not edits (no new version); adding one
 * twice or removing one that is absent changes nothing and logs nothing.
 */
export async function setReaction(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  messageId: string,
  change: { emoji: string; present: boolean },
  options: WriteOptions,
): Promise<Buffer> {
  const now = ctx.clock.now()
  const record = await ctx.store.mutateThread(threadId, { messageIds: [messageId] }, (snap) => {
    const current = liveThread(snap.thread)
    assertCanRead(current, actor)
    const message = requireMessage(snap.messages.get(messageId))
    assertCanWrite(current, actor)
    if (message.deleted) throw new AppError('MESSAGE_DELETED', 'The message is deleted; restore it first.')
    const users = ownValue(message.reactions, change.emoji) ?? []
    const has = users.includes(actor.userId)
    if (has === change.present) return { writes: {}, result: message }
    const next = change.present ? [...users, actor.userId] : users.filter((u) => u !== actor.userId)
    const reactions =
      next.length > 0 ? withKey(message.reactions, change.emoji, next) : withoutKey(message.reactions, change.emoji)
    const type = change.present ? ('reaction.added' as const) : ('reaction.removed' as const)
    const drafts = [{ type, message_id: messageId, emoji: change.emoji, user: actor.userId }]
    return messageChangePlan(current, { ...message, reactions }, drafts, actor.userId, now)
  }, options.durability)
  return toWireJson(record)
}
