import type { Pagination } from '@progressdb/protocol'

export type WalkDirection = 'older' | 'newer'

export interface Page<T> {
  items: T[]
  pagination: Pagination
}

/**
 * Yields every item from the page `fetchPage(start)` onwards, following the page anchors in
 * one direction until the server says there is no more. Items come out in the direction of
 * travel: newest first when walking older, oldest first when walking newer. `newestFirst`
 * tells how the server orders items inside a page (messages: false, threads: true). Because
 * anchors are positions, pages neither skip nor repeat items while the data changes.
 */
export async function* walkPages<T>(
  direction: WalkDirection,
  newestFirst: boolean,
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  start?: string,
): AsyncGenerator<T, void, undefined> {
  let page = await fetchPage(start)
  for (;;) {
    const reverse = (direction === 'older') !== newestFirst
    yield* reverse ? [...page.items].reverse() : page.items
    const { has_before, has_after, before_anchor, after_anchor } = page.pagination
    const next =
      direction === 'older' ? (has_before ? before_anchor : null) : has_after ? after_anchor : null
    if (next === null) return
    page = await fetchPage(next)
  }
}
