import type { ChatEvent } from '@progressdb/protocol'
import type { ChangeRecord, ThreadRecord } from '../store/records.js'
import type { Actor } from './actor.js'
import type { ChatContext } from './chat-context.js'
import { readableThread } from './threads.js'
import { toWireMessage, toWireThread } from './wire.js'

/**
 * The thread's change log after `since`, ascending. Entries are stored as ids; message and
 * thread events are hydrated with the item's current state, so a client that applies them in
 * order converges on what is stored (a hard-deleted message arrives as its id only).
 */
export async function listChanges(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  query: { since: number; limit?: number },
): Promise<{ events: ChatEvent[]; next_since: number; has_more: boolean }> {
  const thread = await readableThread(ctx, actor, threadId, { includeDeleted: true })
  const limit = Math.min(query.limit ?? ctx.limits.eventsPageMax, ctx.limits.eventsPageMax)
  const records = await ctx.store.listChanges(threadId, query.since, limit + 1)
  const page = records.slice(0, limit)
  const events = await Promise.all(page.map((r) => hydrate(ctx, thread, r)))
  return {
    events,
    next_since: page[page.length - 1]?.change ?? query.since,
    has_more: records.length > limit,
  }
}

async function hydrate(ctx: ChatContext, thread: ThreadRecord, record: ChangeRecord): Promise<ChatEvent> {
  const envelope = { change: record.change, thread_id: thread.id, ts: record.ts, actor: record.actor }
  const messageId = record.message_id ?? ''
  const message = async () => {
    const found = await ctx.store.getMessage(thread.id, messageId)
    return found ? { message: toWireMessage(found) } : {}
  }
  switch (record.type) {
    case 'thread.created':
    case 'thread.updated':
      return { type: record.type, ...envelope, thread: toWireThread(thread) }
    case 'thread.deleted':
      return { type: record.type, ...envelope, hard: record.hard ?? false }
    case 'message.created':
    case 'message.finalized':
      return { type: record.type, ...envelope, message_id: messageId, ...(await message()) }
    case 'message.appended':
      return { type: record.type, ...envelope, message_id: messageId, ...record.append }
    case 'message.updated':
      return { type: record.type, ...envelope, message_id: messageId, version: record.version ?? 1, ...(await message()) }
    case 'message.deleted':
      return { type: record.type, ...envelope, message_id: messageId, hard: record.hard ?? false }
    case 'reaction.added':
    case 'reaction.removed':
      return { type: record.type, ...envelope, message_id: messageId, emoji: record.emoji ?? '', user: record.user ?? '' }
    case 'participant.added':
      return { type: record.type, ...envelope, user: record.user ?? '', role: record.role ?? 'member' }
    case 'participant.removed':
      return { type: record.type, ...envelope, user: record.user ?? '' }
    case 'read.updated':
      return { type: record.type, ...envelope, user: record.user ?? '', message_id: messageId }
  }
}
