import type { ChatEvent, Thread, UpdateThreadRequest } from '@progressdb/protocol'
import type { ProgressDBClient } from '../client.js'
import { toProgressDBError, type ProgressDBError } from '../errors.js'
import type { ChatBody, Message, MessagePatch } from '../message-types.js'
import { applyMessageEvent, type LiveMessages } from './live-messages.js'
import { createLiveThread, type LiveThread } from './live-thread.js'
import { createObservableState, type ReadableStore } from './observable-state.js'

export interface ItemSnapshot<T> {
  /** Undefined until loaded (or when loading failed). */
  readonly item: T | undefined
  readonly loading: boolean
  readonly error: ProgressDBError | undefined
}

interface ItemStore<T> extends ReadableStore<ItemSnapshot<T>> {
  load: () => Promise<void>
  /** Runs a change and shows the item it returns; failures are stored and rethrown. */
  change: (op: () => Promise<T>) => Promise<T>
}

/** What a live item store's subscription may do to the item. */
interface ItemControl<T> {
  /** Replaces the shown item (when there is one) with `update(item)`. */
  edit: (update: (item: T) => T) => void
  /** Fetches the item again without showing `loading`; calls close together coalesce. */
  refresh: () => void
}

/**
 * One item fetched lazily on first subscribe and replaced by the result of every change.
 * `live`, when given, opens a subscription while there are listeners (see `createLiveThread`).
 * While there are listeners, an item that could not be loaded (e.g. its thread did not exist
 * yet) is loaded again when the client creates its thread (`client.onThreadCreated`).
 */
function createItemStore<T>(
  client: ProgressDBClient,
  threadId: string,
  fetchItem: () => Promise<T>,
  live?: (control: ItemControl<T>) => LiveThread,
): ItemStore<T> {
  let refreshing: 'idle' | 'running' | 'again' = 'idle'
  const control: ItemControl<T> = {
    edit: (update) => state.set((s) => (s.item === undefined ? s : { ...s, item: update(s.item) })),
    refresh() {
      if (refreshing !== 'idle') return void (refreshing = 'again')
      refreshing = 'running'
      void fetchItem()
        .then(
          (item) => state.set((s) => ({ ...s, item, error: undefined })),
          (error: unknown) => state.set((s) => ({ ...s, error: toProgressDBError(error) })),
        )
        .finally(() => {
          const again = refreshing === 'again'
          refreshing = 'idle'
          if (again) control.refresh()
        })
    },
  }
  const liveThread = live?.(control)
  const state = createObservableState<ItemSnapshot<T>>(
    { item: undefined, loading: true, error: undefined },
    () => {
      void load()
    },
    () => {
      const closeLive = liveThread?.activate()
      const unwatch = client.onThreadCreated((created) => {
        // A load still under way may have been answered before the thread existed: load again.
        if (created === threadId && state.get().item === undefined) void load()
      })
      return () => {
        unwatch()
        closeLive?.()
      }
    },
  )
  /** Only the newest load is shown, so an older answer arriving late cannot overwrite it. */
  let loads = 0
  async function load(): Promise<void> {
    const mine = ++loads
    state.set((s) => (s.loading ? s : { ...s, loading: true }))
    try {
      const item = await fetchItem()
      if (mine === loads) state.set(() => ({ item, loading: false, error: undefined }))
    } catch (error) {
      if (mine === loads)
        state.set((s) => ({ ...s, loading: false, error: toProgressDBError(error) }))
    }
  }
  return {
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    load,
    async change(op) {
      try {
        const item = await op()
        state.set((s) => ({ ...s, item, error: undefined }))
        return item
      } catch (error) {
        const e = toProgressDBError(error)
        state.set((s) => ({ ...s, error: e }))
        throw e
      }
    },
  }
}

/** One thread for a UI; see `createThreadStore`. */
export interface ThreadStore extends ReadableStore<ItemSnapshot<Thread>> {
  load: () => Promise<void>
  update: (patch: UpdateThreadRequest) => Promise<Thread>
  /** Soft delete: the snapshot then shows the thread with `deleted: true`. */
  remove: () => Promise<Thread>
  restore: () => Promise<Thread>
  /** Moves the caller's read marker; the snapshot gets the new `unread_count`. */
  markRead: (messageId: string) => Promise<Thread>
}

/**
 * One thread (title, metadata, unread count) with its changes applied as they succeed. On a
 * thread that does not exist yet it reports `THREAD_NOT_FOUND` until this client creates the
 * thread; it then subscribes and loads again by itself.
 * @example
 * const thread = createThreadStore(client, 'support-42')
 * thread.subscribe(() => setTitle(thread.getSnapshot().item?.title))
 */
export function createThreadStore(
  client: ProgressDBClient,
  threadId: string,
  options: { live?: boolean } = {},
): ThreadStore {
  const live = options.live ?? client.realtime.available
  const store = createItemStore(
    client,
    threadId,
    () => client.threads.get(threadId),
    live ? (control) => createLiveThread(client, threadId, liveThreadHandlers(control)) : undefined,
  )
  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    load: store.load,
    update: (patch) => store.change(() => client.threads.update(threadId, patch)),
    remove: () => store.change(() => client.threads.delete(threadId)),
    restore: () => store.change(() => client.threads.restore(threadId)),
    markRead: (messageId) => store.change(() => client.markRead(threadId, messageId)),
  }
}

/** One message for a UI; see `createMessageStore`. */
export interface MessageStore<TBody = ChatBody> extends ReadableStore<
  ItemSnapshot<Message<TBody>>
> {
  load: () => Promise<void>
  update: (patch: MessagePatch<TBody>) => Promise<Message<TBody>>
  /** Soft delete: the snapshot then shows the message with `deleted: true`. */
  remove: () => Promise<Message<TBody>>
  restore: () => Promise<Message<TBody>>
  /** Adds the caller's reaction, or removes it with `{ remove: true }`. */
  react: (emoji: string, options?: { remove?: boolean }) => Promise<Message<TBody>>
}

/**
 * One message (e.g. the one a reply points to), soft-deleted ones included so a deletion
 * shows instead of failing.
 * @example
 * const quoted = createMessageStore(client, 'support-42', reply.reply_to!)
 */
export function createMessageStore<TBody = ChatBody>(
  client: ProgressDBClient,
  threadId: string,
  messageId: string,
  options: { live?: boolean } = {},
): MessageStore<TBody> {
  const api = client.messages<TBody>(threadId)
  const live = options.live ?? client.realtime.available
  const store = createItemStore(
    client,
    threadId,
    () => api.get(messageId, { includeDeleted: true }),
    live
      ? (control) =>
          createLiveThread(client, threadId, liveMessageHandlers<TBody>(messageId, control))
      : undefined,
  )
  return {
    subscribe: store.subscribe,
    getSnapshot: store.getSnapshot,
    load: store.load,
    update: (patch) => store.change(() => api.update(messageId, patch)),
    remove: () => store.change(() => api.delete(messageId)),
    restore: () => store.change(() => api.restore(messageId)),
    react: (emoji, { remove = false } = {}) =>
      store.change(() => (remove ? api.unreact(messageId, emoji) : api.react(messageId, emoji))),
  }
}

/** Events that cannot change a thread summary: no refetch for them. */
const SUMMARY_UNCHANGED = new Set(['message.appended', 'reaction.added', 'reaction.removed'])

/**
 * A thread's own events carry its state; the unread count, message count and last message
 * follow from message and read-marker events, so those fetch the summary again (coalesced).
 */
function liveThreadHandlers(control: ItemControl<Thread>) {
  return {
    onEvents(events: readonly ChatEvent[]) {
      let stale = false
      for (const event of events) {
        if ((event.type === 'thread.created' || event.type === 'thread.updated') && event.thread) {
          const fresh = event.thread
          control.edit((shown) => ({ ...fresh, unread_count: shown.unread_count }))
        } else if (!SUMMARY_UNCHANGED.has(event.type)) stale = true
      }
      if (stale) control.refresh()
    },
  }
}

/** Applies the message's own events; a soft delete is fetched to show the deleted state. */
function liveMessageHandlers<TBody>(messageId: string, control: ItemControl<Message<TBody>>) {
  const live: LiveMessages = { inRange: () => false }
  const apply = (shown: Message<TBody>, event: ChatEvent) =>
    applyMessageEvent([shown], event, live)[0] ?? shown
  return {
    onEvents(events: readonly ChatEvent[]) {
      for (const event of events) {
        if (!('message_id' in event) || event.message_id !== messageId) continue
        if (event.type === 'message.deleted') control.refresh()
        else control.edit((shown) => apply(shown, event))
      }
    },
  }
}
