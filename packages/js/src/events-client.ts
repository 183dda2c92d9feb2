import type { ChatEvent, EventListResponse } from '@progressdb/protocol'
import { threadPath } from './api-paths.js'
import type { RequestOptions, Transport } from './transport.js'

export interface EventQuery {
  /** The change number to continue after (default 0: from the start). */
  since?: number
  /** Most events per request (server max 1000). */
  limit?: number
}

/** The change log of one thread: `client.events(threadId)`. */
export interface EventsClient {
  /**
   * One batch of changes after `since`, oldest first, with `next_since` to continue.
   * @example const { events, next_since } = await client.events('t1').list({ since: 0 })
   */
  list(query?: EventQuery, options?: RequestOptions): Promise<EventListResponse>
  /**
   * Every change after `since` up to the newest, in change order (catch-up after a reconnect).
   * @example for await (const e of client.events('t1').since(lastChange)) apply(e)
   */
  since(
    change: number,
    options?: RequestOptions & { limit?: number },
  ): AsyncGenerator<ChatEvent, void, undefined>
}

/** Builds `client.events(threadId)` over a transport. */
export function createEventsClient(transport: Transport, threadId: string): EventsClient {
  const list = (query: EventQuery = {}, options?: RequestOptions) =>
    transport.request<EventListResponse>(
      {
        method: 'GET',
        path: `${threadPath(threadId)}/events`,
        query: { since: query.since, limit: query.limit },
      },
      options,
    )
  async function* since(change: number, options: RequestOptions & { limit?: number } = {}) {
    let next = change
    for (;;) {
      const batch = await list({ since: next, limit: options.limit }, options)
      yield* batch.events
      if (!batch.has_more) return
      next = batch.next_since
    }
  }
  return { list, since }
}
