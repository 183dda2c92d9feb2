import type { CreateThreadRequest, Thread, UpdateThreadRequest } from '@progressdb/protocol'
import type { ProgressDBClient } from '../client.js'
import { toProgressDBError as toError, type ProgressDBError } from '../errors.js'
import type { ThreadSort } from '../threads-client.js'
import type { ThreadListChange } from '../realtime/thread-list-channel.js'
import { createLiveFirstLoad } from './live-first-load.js'
import { createLiveThreadList } from './live-thread.js'
import { createObservableState, type ReadableStore } from './observable-state.js'
import { afterReachingServer } from './store-error.js'

export interface ThreadsSnapshot {
  /** Newest first by the sort key. */
  readonly threads: readonly Thread[]
  readonly loading: boolean
  readonly loadingOlder: boolean
  readonly hasOlder: boolean
  /**
   * The latest failure; cleared by the next success. A failure to reach the service
   * (`NETWORK_ERROR`, `TIMEOUT`, `CREDENTIALS_UNAVAILABLE`, a 5xx) also clears once the live
   * subscription is back.
   */
  readonly error: ProgressDBError | undefined
}

export interface ThreadsStoreOptions {
  /** Threads per page (default 50). */
  pageSize?: number
  sortBy?: ThreadSort
  /** Only threads whose title contains this (case-insensitive). */
  title?: string
  /**
   * Apply changes to the caller's thread list live while subscribed (default: when the
   * client has a WebSocket, see `client.realtime.available`).
   */
  live?: boolean
}

/** Framework-free state of the caller's thread list; see `createThreadsStore`. */
export interface ThreadsStore extends ReadableStore<ThreadsSnapshot> {
  /** (Re)loads the first page, keeping older pages already shown. Never rejects. */
  load: () => Promise<void>
  /** Appends the next page of older threads. Never rejects. */
  loadOlder: () => Promise<void>
  create: (thread?: CreateThreadRequest) => Promise<Thread>
  update: (threadId: string, patch: UpdateThreadRequest) => Promise<Thread>
  /** Soft-deletes the thread and drops it from the list. */
  remove: (threadId: string) => Promise<void>
}

/**
 * Shown threads updated with fresh copies, newest first by `sortBy`. A fresh copy replaces a
 * shown thread only when it changed, so unchanged threads keep their object identity.
 */
function mergeThreads(shown: readonly Thread[], fresh: Thread[], sortBy: ThreadSort): Thread[] {
  const byId = new Map(shown.map((t) => [t.id, t]))
  for (const t of fresh) {
    const old = byId.get(t.id)
    const same =
      old &&
      old.updated_ts === t.updated_ts &&
      old.unread_count === t.unread_count &&
      old.deleted === t.deleted
    byId.set(t.id, same ? old : t)
  }
  return [...byId.values()].sort((a, b) => b[sortBy] - a[sortBy] || (a.id < b.id ? 1 : -1))
}

/** Whether a thread from the live feed belongs in the shown list (title filter, loaded range). */
function belongs(thread: Thread, shown: ThreadsSnapshot, sortBy: ThreadSort, title?: string) {
  if (thread.deleted) return false
  if (title && !(thread.title ?? '').toLowerCase().includes(title.toLowerCase())) return false
  const oldest = shown.threads.at(-1)
  return !shown.hasOlder || (oldest !== undefined && thread[sortBy] >= oldest[sortBy])
}

/**
 * The caller's threads for a UI, newest first, with changes applied live while subscribed
 * (a new message moves its thread up and updates its unread count); without a WebSocket,
 * `load` again to pick up recent activity. Threads that did not change keep their object
 * identity.
 *
 * @example
 * const threads = createThreadsStore(client, { sortBy: 'updated_ts' })
 * threads.subscribe(() => renderList(threads.getSnapshot().threads))
 */
export function createThreadsStore(
  client: ProgressDBClient,
  options: ThreadsStoreOptions = {},
): ThreadsStore {
  const sortBy = options.sortBy ?? 'updated_ts'
  const query = { limit: options.pageSize ?? 50, sortBy, title: options.title }
  const firstLoad = createLiveFirstLoad<ThreadListChange>(load, (changes) =>
    state.set((s) => ({
      ...s,
      threads: changes.reduce((list, c) => applyChange(s, list, c), s.threads),
    })),
  )
  const applyChange = (
    shown: ThreadsSnapshot,
    list: readonly Thread[],
    change: ThreadListChange,
  ) => {
    const gone = new Set(change.removed)
    const kept = list.filter((t) => !gone.has(t.id))
    const fresh = change.threads.filter((t) => belongs(t, shown, sortBy, options.title))
    const dropped = new Set(change.threads.filter((t) => !fresh.includes(t)).map((t) => t.id))
    return merge(
      kept.filter((t) => !dropped.has(t.id)),
      fresh,
    )
  }
  const live = options.live ?? client.realtime.available
  const liveList = live
    ? createLiveThreadList(client, {
        onThreads: (c) => firstLoad.changes([c]),
        onStatus: (status) => {
          // Heard from the server again: a transport error from the outage is over.
          if (status === 'live')
            state.set((s) => {
              const error = afterReachingServer(s.error)
              return error === s.error ? s : { ...s, error }
            })
          firstLoad.status(status)
        },
      })
    : undefined
  const state = createObservableState<ThreadsSnapshot>(
    { threads: [], loading: true, loadingOlder: false, hasOlder: false, error: undefined },
    () => firstLoad.requested(liveList?.subscription?.status),
    liveList?.activate,
  )
  let beforeAnchor: string | null = null
  let olderInFlight: Promise<void> | undefined

  const patch = (p: Partial<ThreadsSnapshot>) => state.set((s) => ({ ...s, ...p }))
  const merge = (shown: readonly Thread[], fresh: Thread[]) => mergeThreads(shown, fresh, sortBy)
  const run = async <T>(
    op: () => Promise<T>,
    apply: (list: readonly Thread[], result: T) => Thread[],
  ) => {
    try {
      const result = await op()
      state.set((s) => ({ ...s, threads: apply(s.threads, result), error: undefined }))
      return result
    } catch (error) {
      const e = toError(error)
      patch({ error: e })
      throw e
    }
  }

  async function load(): Promise<void> {
    try {
      const page = await client.threads.list(query)
      const first = state.get().threads.length === 0
      if (first) beforeAnchor = page.pagination.before_anchor
      state.set((s) => ({
        ...s,
        threads: merge(s.threads, page.threads),
        hasOlder: first ? page.pagination.has_before : s.hasOlder,
        loading: false,
        error: undefined,
      }))
    } catch (error) {
      patch({ error: toError(error), loading: false })
    }
  }

  async function fetchOlder(): Promise<void> {
    patch({ loadingOlder: true })
    try {
      const page = await client.threads.list({ ...query, before: beforeAnchor ?? undefined })
      beforeAnchor = page.pagination.before_anchor
      state.set((s) => ({
        ...s,
        threads: merge(s.threads, page.threads),
        hasOlder: page.pagination.has_before,
      }))
    } catch (error) {
      patch({ error: toError(error) })
    }
    patch({ loadingOlder: false })
  }

  return {
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    load,
    loadOlder: () => {
      if (!state.get().hasOlder) return Promise.resolve()
      olderInFlight ??= fetchOlder().finally(() => (olderInFlight = undefined))
      return olderInFlight
    },
    create: (thread) =>
      run(
        () => client.threads.create(thread),
        (list, t) => merge(list, [t]),
      ),
    update: (threadId, change) =>
      run(
        () => client.threads.update(threadId, change),
        (list, t) => merge(list, [t]),
      ),
    remove: (threadId) =>
      run(
        () => client.threads.delete(threadId),
        (list) => list.filter((t) => t.id !== threadId),
      ).then(() => undefined),
  }
}
