import type { Pagination } from '@progressdb/protocol'
import { AppError } from '../app-error.js'
import type { Direction } from '../store/chat-store.js'
import type { MessageJson } from '../store/message-json.js'
import type { Actor } from './actor.js'
import type { ChatContext } from './chat-context.js'
import { assertOneCursor, pageLimit, type PageCursor } from './page-size.js'
import { readableThread } from './threads.js'

export interface MessagePageQuery extends PageCursor {
  limit?: number
  includeDeleted: boolean
  /** Ephemeral messages are hidden unless asked for. */
  includeEphemeral?: boolean
}

/**
 * A page of messages in chronological order. Cursors are message ids resolved to their
 * never-reused `seq`, so pages stay gap-free while messages are added, edited and deleted
 * (a hard-deleted id still resolves to the position it had). Messages come as their stored
 * wire JSON, which the response splices in unparsed.
 */
export async function listMessagePage(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  query: MessagePageQuery,
): Promise<{ messages: MessageJson[]; pagination: Pagination }> {
  assertOneCursor(query)
  await readableThread(ctx, actor, threadId)
  const limit = pageLimit(ctx.limits, query.limit)
  const scan = (direction: Direction, fromSeq: number | undefined, n: number) =>
    ctx.store.listMessageJson(threadId, {
      direction,
      fromSeq,
      limit: n,
      includeDeleted: query.includeDeleted,
      includeEphemeral: query.includeEphemeral ?? false,
    })
  const exists = async (direction: Direction, fromSeq: number) => (await scan(direction, fromSeq, 1)).length > 0

  let items: MessageJson[]
  let hasBefore: boolean
  let hasAfter: boolean
  const cursorId = query.before ?? query.after ?? query.anchor
  if (cursorId === undefined) {
    const newest = await scan('older', undefined, limit + 1)
    hasBefore = newest.length > limit
    items = newest.slice(0, limit).reverse()
    hasAfter = false
  } else {
    const seq = await ctx.store.resolveSeq(threadId, cursorId)
    if (seq === undefined) throw new AppError('INVALID_CURSOR', 'The cursor names no message of this thread.')
    if (query.before !== undefined) {
      const older = await scan('older', seq, limit + 1)
      hasBefore = older.length > limit
      items = older.slice(0, limit).reverse()
      hasAfter = await exists('newer', items[items.length - 1]?.seq ?? seq - 1)
    } else if (query.after !== undefined) {
      const newer = await scan('newer', seq, limit + 1)
      hasAfter = newer.length > limit
      items = newer.slice(0, limit)
      hasBefore = await exists('older', items[0]?.seq ?? seq + 1)
    } else {
      ;({ items, hasBefore, hasAfter } = await anchorPage(scan, seq, limit))
    }
  }
  const first = items[0]
  const last = items[items.length - 1]
  return {
    messages: items,
    pagination: {
      before_anchor: first?.id ?? cursorId ?? null,
      after_anchor: last?.id ?? cursorId ?? null,
      has_before: hasBefore,
      has_after: hasAfter,
      count: items.length,
    },
  }
}

type Scan = (direction: Direction, fromSeq: number | undefined, n: number) => Promise<MessageJson[]>

/**
 * The anchor message (when visible) with about half a page on each side of it; near an end of
 * the thread, the side that runs short leaves its share to the other, so the page stays full.
 * Each side is read for its share (and one more, to tell whether the page ends there); the
 * older side reads on only when the newer one ran short, so a page reads about `limit` messages,
 * not two pages' worth.
 */
async function anchorPage(scan: Scan, seq: number, limit: number) {
  const olderShare = Math.floor((limit - 1) / 2)
  const withAnchor = await scan('older', seq + 1, olderShare + 2)
  const anchorVisible = withAnchor[0]?.seq === seq
  const middle = anchorVisible ? [withAnchor[0]!] : []
  let older = anchorVisible ? withAnchor.slice(1) : withAnchor
  const room = limit - middle.length
  const newerWanted = room - Math.min(older.length, olderShare)
  const newer = await scan('newer', seq, newerWanted + 1)
  const newerCount = Math.min(newer.length, newerWanted)
  // The newer side ran short: the older side takes its room, read on from where it stopped.
  const olderWanted = room - newerCount
  const olderExhausted = withAnchor.length < olderShare + 2
  if (!olderExhausted && older.length <= olderWanted)
    older = older.concat(await scan('older', older[older.length - 1]!.seq, olderWanted + 1 - older.length))
  const olderCount = Math.min(older.length, olderWanted)
  return {
    items: [...older.slice(0, olderCount).reverse(), ...middle, ...newer.slice(0, newerCount)],
    hasBefore: older.length > olderCount,
    hasAfter: newer.length > newerCount,
  }
}
