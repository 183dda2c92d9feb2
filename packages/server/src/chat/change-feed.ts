import type { ChatEvent } from '@progressdb/protocol'
import type { ChangeRecord, ThreadRecord } from '../store/records.js'
import type { Actor } from './actor.js'
import type { ChatContext } from './chat-context.js'
import { readableThread } from './threads.js'
import { eventCarriesMessage, toWireEvent } from './wire.js'

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
  const message =
    record.message_id !== undefined && eventCarriesMessage(record.type)
      ? await ctx.store.getMessage(thread.id, record.message_id)
      : undefined
  return toWireEvent(thread, record, message)
}
