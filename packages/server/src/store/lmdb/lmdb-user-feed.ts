import type { ThreadPosition, ThreadSnapshot, ThreadWrites } from '../chat-store.js'
import { KEY_MAX, type LmdbTables } from './lmdb-layout.js'

/**
 * The user feed: for each user, the threads that changed for them without moving in their
 * `updated_ts` list (they were removed from the thread, it was purged, or their read marker
 * moved), so a resuming thread-list subscriber finds them. Two keys per (user, thread), the
 * newest only: `[user, 'm', ts, thread]` in time order and `[user, 't', thread] → ts` to find
 * it again, so the feed holds at most one entry per thread a user has read or left.
 */
export function recordUserFeed(tables: LmdbTables, threadId: string, snapshot: ThreadSnapshot, writes: ThreadWrites) {
  const before = snapshot.thread
  if (writes.purgeThread) {
    if (!before) return
    for (const user of Object.keys(before.participants)) mark(tables, user, writes.purgedTs ?? before.updated_ts, threadId)
    return
  }
  const after = writes.thread
  if (!after) return
  for (const user of Object.keys(before?.participants ?? {}))
    if (!Object.hasOwn(after.participants, user)) mark(tables, user, after.updated_ts, threadId)
  for (const marker of writes.putReadMarkers ?? [])
    if (Object.hasOwn(after.participants, marker.user)) mark(tables, marker.user, marker.ts, threadId)
}

function mark(tables: LmdbTables, user: string, ts: number, threadId: string) {
  const previous = tables.userFeed.get([user, 't', threadId])
  if (previous !== undefined) tables.userFeed.removeSync([user, 'm', previous, threadId])
  tables.userFeed.putSync([user, 'm', ts, threadId], 1)
  tables.userFeed.putSync([user, 't', threadId], ts)
}

/** Feed entries after `from` (exclusive), oldest first. */
export function listUserFeed(tables: LmdbTables, userId: string, from: ThreadPosition, limit: number): ThreadPosition[] {
  const out: ThreadPosition[] = []
  const range = { start: [userId, 'm', from.ts, from.id], end: [userId, 'm', KEY_MAX] }
  for (const key of tables.userFeed.getKeys(range)) {
    const [, , ts, id] = key as [string, string, number, string]
    if (ts === from.ts && id === from.id) continue
    out.push({ ts, id })
    if (out.length >= limit) break
  }
  return out
}
