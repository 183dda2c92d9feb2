import type {
  CreateThreadRequest,
  Thread,
  ThreadListResponse,
  ThreadResponse,
  UpdateThreadRequest,
} from '@progressdb/protocol'
import { THREADS_PATH, threadPath } from './api-paths.js'
import { newClientId } from './client-id.js'
import { walkPages } from './page-walk.js'
import type { ReadOptions, RequestOptions, Transport } from './transport.js'

export type ThreadSort = 'updated_ts' | 'created_ts'

/** A page of the caller's threads, newest first; at most one of `before`, `after`. */
export interface ThreadListQuery {
  /** Page size (server default 50, max 1000). */
  limit?: number
  /** A page's `before_anchor`: older threads. */
  before?: string
  /** A page's `after_anchor`: newer threads. */
  after?: string
  /** Recent activity (`updated_ts`, the default) or creation time. */
  sortBy?: ThreadSort
  /** Case-insensitive substring of the title. */
  title?: string
  includeDeleted?: boolean
}

export interface ThreadWalkOptions
  extends RequestOptions, Omit<ThreadListQuery, 'limit' | 'before' | 'after'> {
  /** Threads fetched per request (default 100). */
  pageSize?: number
}

/** The caller's threads: `client.threads`. */
export interface ThreadsClient {
  /** @example const { threads, pagination } = await client.threads.list({ limit: 20 }) */
  list(query?: ThreadListQuery, options?: RequestOptions): Promise<ThreadListResponse>
  /**
   * Creates a thread owned by the caller; the SDK picks an `id` when none is given. An
   * existing id the caller can read returns that thread.
   * @example const thread = await client.threads.create({ title: 'Support' })
   */
  create(thread?: CreateThreadRequest, options?: RequestOptions): Promise<Thread>
  /** With the caller's `unread_count`. @example const thread = await client.threads.get('t1') */
  get(threadId: string, options?: ReadOptions): Promise<Thread>
  /** Present fields replace. @example await client.threads.update('t1', { title: 'Renamed' }) */
  update(threadId: string, patch: UpdateThreadRequest, options?: RequestOptions): Promise<Thread>
  /**
   * Soft delete (returns the thread); `{ hard: true }` purges it and everything in it.
   * @example await client.threads.delete('t1')
   */
  delete(threadId: string, options?: RequestOptions & { hard?: false }): Promise<Thread>
  delete(threadId: string, options: RequestOptions & { hard: true }): Promise<void>
  /** Undoes a soft delete. @example await client.threads.restore('t1') */
  restore(threadId: string, options?: RequestOptions): Promise<Thread>
  /**
   * Every thread from the newest (or from before the cursor `before`) to the oldest.
   * @example for await (const t of client.threads.older()) console.log(t.title)
   */
  older(options?: ThreadWalkOptions & { before?: string }): AsyncGenerator<Thread, void, undefined>
  /**
   * Every thread newer than the cursor `after` (a page's `after_anchor`), oldest first.
   * @example for await (const t of client.threads.newer({ after: page.pagination.after_anchor! })) add(t)
   */
  newer(options: ThreadWalkOptions & { after: string }): AsyncGenerator<Thread, void, undefined>
}

/** Builds `client.threads` over a transport; `onCreated` hears of each successful create. */
export function createThreadsClient(
  transport: Transport,
  onCreated?: (threadId: string) => void,
): ThreadsClient {
  const unwrap = async (reply: Promise<ThreadResponse>) => (await reply).thread
  const list = (query: ThreadListQuery = {}, options?: RequestOptions) =>
    transport.request<ThreadListResponse>(
      {
        method: 'GET',
        path: THREADS_PATH,
        query: {
          limit: query.limit,
          before: query.before,
          after: query.after,
          sort_by: query.sortBy,
          title: query.title,
          include_deleted: query.includeDeleted,
        },
      },
      options,
    )
  const pageOf =
    (options: ThreadWalkOptions, cursor: 'before' | 'after') =>
    async (anchor: string | undefined) => {
      const { pageSize, sortBy, title, includeDeleted } = options
      const page = await list(
        { limit: pageSize ?? 100, sortBy, title, includeDeleted, [cursor]: anchor },
        options,
      )
      return { items: page.threads, pagination: page.pagination }
    }

  return {
    list,
    create: async (thread = {}, options) => {
      const created = await unwrap(
        transport.request<ThreadResponse>(
          {
            method: 'POST',
            path: THREADS_PATH,
            body: { ...thread, id: thread.id ?? newClientId('t') },
            idempotent: true,
          },
          options,
        ),
      )
      onCreated?.(created.id)
      return created
    },
    get: (threadId, options = {}) =>
      unwrap(
        transport.request<ThreadResponse>(
          {
            method: 'GET',
            path: threadPath(threadId),
            query: { include_deleted: options.includeDeleted },
          },
          options,
        ),
      ),
    update: (threadId, patch, options) =>
      unwrap(
        transport.request<ThreadResponse>(
          { method: 'PUT', path: threadPath(threadId), body: patch },
          options,
        ),
      ),
    delete: (async (threadId: string, options: RequestOptions & { hard?: boolean } = {}) => {
      const reply = await transport.request<ThreadResponse | undefined>(
        {
          method: 'DELETE',
          path: threadPath(threadId),
          query: { hard: options.hard ? true : undefined },
        },
        options,
      )
      return reply?.thread
    }) as ThreadsClient['delete'],
    restore: (threadId, options) =>
      unwrap(
        transport.request<ThreadResponse>(
          { method: 'POST', path: `${threadPath(threadId)}/restore` },
          options,
        ),
      ),
    older: (options = {}) => walkPages('older', true, pageOf(options, 'before'), options.before),
    newer: (options) => walkPages('newer', true, pageOf(options, 'after'), options.after),
  }
}
