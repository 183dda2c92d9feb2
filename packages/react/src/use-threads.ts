import {
  createThreadsStore,
  type CreateThreadRequest,
  type ProgressDBError,
  type Thread,
  type ThreadSort,
  type UpdateThreadRequest,
} from '@progressdb/js'
import { useMemo } from 'react'
import { useStore } from './use-store.js'

export interface UseThreadsOptions {
  /** Threads per page (default 50). */
  pageSize?: number
  /** `updated_ts` (recent activity, default) or `created_ts`. */
  sortBy?: ThreadSort
  /** Only threads whose title contains this (case-insensitive). */
  title?: string
  /** Apply changes live (default: when the client has a WebSocket). */
  live?: boolean
}

export interface UseThreadsResult {
  /** Newest first by `sortBy`. */
  threads: readonly Thread[]
  create: (thread?: CreateThreadRequest) => Promise<Thread>
  update: (threadId: string, patch: UpdateThreadRequest) => Promise<Thread>
  /** Soft-deletes the thread; it leaves the list. */
  remove: (threadId: string) => Promise<void>
  /** Appends the next page of older threads. */
  loadOlder: () => Promise<void>
  /** Fetches the first page again (needed only when not live). */
  reload: () => Promise<void>
  hasOlder: boolean
  loading: boolean
  loadingOlder: boolean
  error: ProgressDBError | undefined
}

/**
 * The caller's threads, newest first, updated live (activity moves a thread up, unread
 * counts follow, new threads appear).
 *
 * @example
 * const { threads, create } = useThreads({ sortBy: 'updated_ts' })
 * threads.map((t) => <ThreadRow key={t.id} title={t.title} unread={t.unread_count} />)
 */
export function useThreads(options: UseThreadsOptions = {}): UseThreadsResult {
  const { pageSize, sortBy, title, live } = options
  const { store, snapshot } = useStore(
    (client) => createThreadsStore(client, { pageSize, sortBy, title, live }),
    [pageSize, sortBy, title, live],
  )
  return useMemo(
    () => ({
      threads: snapshot.threads,
      create: store.create,
      update: store.update,
      remove: store.remove,
      loadOlder: store.loadOlder,
      reload: store.load,
      hasOlder: snapshot.hasOlder,
      loading: snapshot.loading,
      loadingOlder: snapshot.loadingOlder,
      error: snapshot.error,
    }),
    [store, snapshot],
  )
}
