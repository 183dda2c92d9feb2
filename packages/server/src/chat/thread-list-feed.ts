import type { Thread } from '@progressdb/protocol'
import type { ThreadPosition } from '../store/chat-store.js'
import type { ThreadRecord } from '../store/records.js'
import { roleOf } from './access.js'
import type { Actor } from './actor.js'
import type { ChatContext } from './chat-context.js'
import { unreadCountFor } from './read-markers.js'
import { toWireThread } from './wire.js'

/** How a set of threads now stands in the caller's list (GET /frontend/v1/threads). */
export interface ThreadListDelta {
  /** Summaries exactly as the list returns them, with `unread_count`. */
  threads: Thread[]
  /** Threads no longer in the list: purged, soft-deleted, or the caller is no participant. */
  removed: string[]
}

/** Whether a thread belongs in the caller's (default) thread list. */
function isListed(record: ThreadRecord | undefined, actor: Actor): record is ThreadRecord {
  return record !== undefined && !record.deleted && roleOf(record, actor) !== undefined
}

/** The caller's list entries for these threads, read now. */
export async function threadListEntries(ctx: ChatContext, actor: Actor, threadIds: readonly string[]): Promise<ThreadListDelta> {
  const records = await ctx.store.getThreads(threadIds)
  const delta: ThreadListDelta = { threads: [], removed: [] }
  const listed: ThreadRecord[] = []
  records.forEach((record, i) => (isListed(record, actor) ? listed.push(record) : delta.removed.push(threadIds[i]!)))
  delta.threads = await Promise.all(listed.map(async (t) => toWireThread(t, await unreadCountFor(ctx, t, actor.userId))))
  return delta
}

/**
 * A thread-list watermark: every change not yet visible now gets an `updated_ts` (or user-feed
 * time) at or after it. Writes take their timestamp before they queue for the writer and are
 * announced after they commit, so the watermark trails the clock by `slackMs`, which must cover
 * that delay plus the relay to other workers.
 */
export function threadListWatermark(ctx: ChatContext, slackMs: number): number {
  return ctx.clock.now() - slackMs
}

/**
 * What changed in the caller's list from a position on (exclusive; `{ts: since, id: ''}` starts
 * at `since` inclusive), oldest first, at most `limit` threads: threads whose `updated_ts`
 * moved (their list index) and threads in the caller's user feed (left, purged, read).
 * `next` is where the following page starts, absent when this was the last.
 */
export async function threadListChangesSince(
  ctx: ChatContext,
  actor: Actor,
  from: ThreadPosition,
  limit: number,
): Promise<ThreadListDelta & { next?: ThreadPosition }> {
  const [moved, feed] = await Promise.all([
    ctx.store.listThreadsForUser(actor.userId, { sortBy: 'updated_ts', direction: 'newer', from, limit, includeDeleted: true }),
    ctx.store.listUserFeed(actor.userId, from, limit),
  ])
  const positions = [...moved.map((t) => ({ ts: t.updated_ts, id: t.id })), ...feed].sort(
    (a, b) => a.ts - b.ts || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
  )
  const page = positions.slice(0, limit)
  const last = page[page.length - 1]
  const more = moved.length === limit || feed.length === limit || positions.length > limit
  const delta = await threadListEntries(ctx, actor, [...new Set(page.map((p) => p.id))])
  // Object.assign, not a spread given a new key (docs/performance.md, session 7).
  return more && last ? Object.assign({}, delta, { next: last }) : delta
}
