import type { ThreadRangeQuery } from '../chat-store.js'
import type { ThreadRecord } from '../records.js'
import { KEY_MAX, type LmdbTables } from './lmdb-layout.js'

/**
 * Walks a user's thread-list index (one entry per thread and sort key) from an exclusive
 * position, filtering deleted threads and titles as it goes.
 */
export function listUserThreads(
  tables: LmdbTables,
  userId: string,
  query: ThreadRangeQuery,
  readThread: (id: string) => ThreadRecord | undefined,
): ThreadRecord[] {
  const sort = query.sortBy === 'created_ts' ? 'c' : 'u'
  const older = query.direction === 'older'
  const from = query.from ? [userId, sort, query.from.ts, query.from.id] : undefined
  const range = older
    ? { start: from ?? [userId, sort, KEY_MAX], end: [userId, sort], reverse: true }
    : { start: from ?? [userId, sort], end: [userId, sort, KEY_MAX] }
  const needle = query.titleContains?.toLowerCase()
  const out: ThreadRecord[] = []
  for (const key of tables.userThreads.getKeys(range)) {
    const [, , ts, id] = key as [string, string, number, string]
    if (query.from && ts === query.from.ts && id === query.from.id) continue
    const thread = readThread(id)
    if (!thread) continue
    if (thread.deleted && !query.includeDeleted) continue
    if (needle !== undefined && !(thread.title ?? '').toLowerCase().includes(needle)) continue
    out.push(thread)
    if (out.length >= query.limit) break
  }
  return out
}
