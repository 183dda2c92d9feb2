import type { ChatEvent } from '@progressdb/protocol'
import { AppError } from '../app-error.js'
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
  checkResumePoint(thread, query.since)
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

/**
 * Refuses a position past the thread's newest change. Change numbers start again at 1 when a
 * thread is purged and made again under its id, so such a position belongs to the thread
 * before (or was never issued): resuming from it would silently skip the changes up to it.
 */
export function checkResumePoint(thread: Pick<ThreadRecord, 'last_change'>, since: number): void {
  if (since > thread.last_change)
    throw new AppError(
      'STALE_CURSOR',
      `since ${since} is past this thread's newest change (${thread.last_change}): reload the thread and resume from its last_change.`,
    )
}

async function hydrate(ctx: ChatContext, thread: ThreadRecord, record: ChangeRecord): Promise<ChatEvent> {
  const message =
    record.message_id !== undefined && eventCarriesMessage(record.type)
      ? await ctx.store.getMessage(thread.id, record.message_id)
      : undefined
  return toWireEvent(thread, record, message)
}
