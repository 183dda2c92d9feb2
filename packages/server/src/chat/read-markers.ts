import type { Thread } from '@progressdb/protocol'
import type { ThreadRecord } from '../store/records.js'
import { assertCanRead, requireMessage } from './access.js'
import type { Actor } from './actor.js'
import type { ChatContext, WriteOptions } from './chat-context.js'
import { liveThread } from './threads.js'
import { recordChanges } from './thread-change.js'
import { toWireThread } from './wire.js'

/** Live messages by others after the user's read marker, counted up to the configured cap. */
export async function unreadCountFor(ctx: ChatContext, thread: ThreadRecord, userId: string) {
  const marker = await ctx.store.getReadMarker(thread.id, userId)
  return ctx.store.countUnread(thread.id, marker?.seq ?? 0, userId, ctx.limits.unreadCountMax)
}

/**
 * Moves the caller's read marker to a message. Markers only move forward, so two devices
 * marking different messages end on the newer one; an older message is a no-op. Reading is
 * not activity: `updated_ts` does not move.
 */
export async function markRead(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  messageId: string,
  options: WriteOptions,
): Promise<Thread> {
  const now = ctx.clock.now()
  const record = await ctx.store.mutateThread(
    threadId,
    { messageIds: [messageId], readers: [actor.userId] },
    (snap) => {
      const current = liveThread(snap.thread)
      assertCanRead(current, actor)
      const message = requireMessage(snap.messages.get(messageId))
      const marker = snap.readMarkers.get(actor.userId)
      if (marker && marker.seq >= message.seq) return { writes: {}, result: current }
      const { thread, events } = recordChanges(
        current,
        [{ type: 'read.updated', user: actor.userId, message_id: message.id }],
        actor.userId,
        now,
        { touch: false },
      )
      const putReadMarkers = [{ user: actor.userId, message_id: message.id, seq: message.seq, ts: now }]
      return { writes: { thread, events, putReadMarkers }, result: thread }
    },
    options.durability,
  )
  return toWireThread(record, await unreadCountFor(ctx, record, actor.userId))
}
