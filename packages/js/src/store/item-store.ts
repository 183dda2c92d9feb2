import type { Thread, UpdateThreadRequest } from '@progressdb/protocol'
import type { ProgressDBClient } from '../client.js'
import { toProgressDBError, type ProgressDBError } from '../errors.js'
import type { ChatBody, Message, MessagePatch } from '../message-types.js'
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

/** One item fetched lazily on first subscribe and replaced by the result of every change. */
function createItemStore<T>(fetchItem: () => Promise<T>): ItemStore<T> {
  const state = createObservableState<ItemSnapshot<T>>(
    { item: undefined, loading: true, error: undefined },
    () => {
      void load()
    },
  )
  async function load(): Promise<void> {
    state.set((s) => (s.loading ? s : { ...s, loading: true }))
    try {
      const item = await fetchItem()
      state.set(() => ({ item, loading: false, error: undefined }))
    } catch (error) {
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
 * One thread (title, metadata, unread count) with its changes applied as they succeed.
 * @example
 * const thread = createThreadStore(client, 'support-42')
 * thread.subscribe(() => setTitle(thread.getSnapshot().item?.title))
 */
export function createThreadStore(client: ProgressDBClient, threadId: string): ThreadStore {
  const store = createItemStore(() => client.threads.get(threadId))
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
): MessageStore<TBody> {
  const api = client.messages<TBody>(threadId)
  const store = createItemStore(() => api.get(messageId, { includeDeleted: true }))
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
