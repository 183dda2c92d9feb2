import { isValidId, type Pagination, type Thread } from '@progressdb/protocol'
import { AppError } from '../app-error.js'
import type { Direction, ThreadPosition, ThreadSort } from '../store/chat-store.js'
import type { ThreadRecord } from '../store/records.js'
import type { Actor } from './actor.js'
import type { ChatContext } from './chat-context.js'
import { assertOneCursor, pageLimit } from './page-size.js'
import { unreadCountFor } from './read-markers.js'
import { toWireThread } from './wire.js'

export interface ThreadPageQuery {
  before?: string
  after?: string
  limit?: number
  sortBy: ThreadSort
  includeDeleted: boolean
  title?: string
}

/** Thread-list cursors are `<sort value>.<thread id>`: a position, so a moved thread cannot shift them. */
export function toThreadCursor(thread: ThreadRecord, sortBy: ThreadSort): string {
  return `${thread[sortBy]}.${thread.id}`
}

export function parseThreadCursor(cursor: string): ThreadPosition {
  const dot = cursor.indexOf('.')
  const digits = cursor.slice(0, dot)
  const ts = Number(digits)
  const id = cursor.slice(dot + 1)
  // Digits only, as toThreadCursor writes them: Number() would also take ' 12', '0x10', '1e3'.
  if (dot < 1 || !/^\d+$/.test(digits) || !Number.isSafeInteger(ts) || !isValidId(id))
    throw new AppError('INVALID_CURSOR', 'Thread cursors are the before_anchor/after_anchor values of a page.')
  return { ts, id }
}

/** The caller's threads, newest first by the sort key, with unread counts. */
export async function listThreadPage(
  ctx: ChatContext,
  actor: Actor,
  query: ThreadPageQuery,
): Promise<{ threads: Thread[]; pagination: Pagination }> {
  assertOneCursor(query)
  const limit = pageLimit(ctx.limits, query.limit)
  const scan = (direction: Direction, from: ThreadPosition | undefined, n: number) =>
    ctx.store.listThreadsForUser(actor.userId, {
      sortBy: query.sortBy,
      direction,
      from,
      limit: n,
      includeDeleted: query.includeDeleted,
      titleContains: query.title,
    })
  const position = (t: ThreadRecord) => ({ ts: t[query.sortBy], id: t.id })
  const exists = async (direction: Direction, from: ThreadPosition) => (await scan(direction, from, 1)).length > 0

  let items: ThreadRecord[]
  let hasBefore: boolean
  let hasAfter: boolean
  const cursor = query.before ?? query.after
  const from = cursor === undefined ? undefined : parseThreadCursor(cursor)
  if (query.after !== undefined && from) {
    const newer = await scan('newer', from, limit + 1)
    hasAfter = newer.length > limit
    items = newer.slice(0, limit).reverse()
    const oldest = items[items.length - 1]
    hasBefore = await exists('older', oldest ? position(oldest) : { ts: from.ts, id: from.id + '\0' })
  } else {
    const older = await scan('older', from, limit + 1)
    hasBefore = older.length > limit
    items = older.slice(0, limit)
    const newest = items[0]
    hasAfter = from === undefined ? false : await exists('newer', newest ? position(newest) : from)
  }
  const threads = await Promise.all(
    items.map(async (t) => toWireThread(t, await unreadCountFor(ctx, t, actor.userId))),
  )
  const oldest = items[items.length - 1]
  const newest = items[0]
  return {
    threads,
    pagination: {
      before_anchor: oldest ? toThreadCursor(oldest, query.sortBy) : (cursor ?? null),
      after_anchor: newest ? toThreadCursor(newest, query.sortBy) : (cursor ?? null),
      has_before: hasBefore,
      has_after: hasAfter,
      count: items.length,
    },
  }
}
