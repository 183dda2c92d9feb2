import type { ProgressDBClient } from '../client.js'
import { newClientId } from '../client-id.js'
import { toProgressDBError as toError, type ProgressDBError } from '../errors.js'
import type { ChatBody, Message, MessagePage, MessagePatch, NewMessage } from '../message-types.js'
import { createObservableState, type ReadableStore } from './observable-state.js'

/** A message as the store shows it: `pending` until the server has confirmed the create. */
export type StoreMessage<TBody = ChatBody> = Message<TBody> & { pending?: true }

export interface MessagesSnapshot<TBody = ChatBody> {
  readonly threadId: string
  /** Chronological; pending creates last. Unchanged messages keep their object identity. */
  readonly messages: readonly StoreMessage<TBody>[]
  /** True until the first page has arrived (or failed). */
  readonly loading: boolean
  readonly loadingOlder: boolean
  readonly hasOlder: boolean
  /** The latest failure of any operation; cleared by the next success. */
  readonly error: ProgressDBError | undefined
}

export interface MessagesStoreOptions {
  /** Messages per page (default 50). */
  pageSize?: number
}

/** Framework-free state of one thread's messages; see `createMessagesStore`. */
export interface MessagesStore<TBody = ChatBody> extends ReadableStore<MessagesSnapshot<TBody>> {
  /** (Re)loads the newest page. Runs by itself on the first `subscribe`. Never rejects. */
  load(): Promise<void>
  /** Prepends the page before the oldest shown message. Never rejects. */
  loadOlder(): Promise<void>
  /** Appends messages newer than the newest loaded page (until realtime lands). Never rejects. */
  loadNewer(): Promise<void>
  /** Optimistic: shows the message at once as `pending`, then the stored one; rolls back on error. */
  create(message: NewMessage<TBody>): Promise<Message<TBody>>
  update(messageId: string, patch: MessagePatch<TBody>): Promise<Message<TBody>>
  /** Soft-deletes the message and drops it from the list. */
  remove(messageId: string): Promise<void>
  /** Adds the caller's reaction, or removes it with `{ remove: true }`. */
  react(messageId: string, emoji: string, options?: { remove?: boolean }): Promise<Message<TBody>>
}

/** Confirmed messages by `seq`, pending ones after them; objects are kept, never copied. */
function ordered<TBody>(list: readonly StoreMessage<TBody>[]): StoreMessage<TBody>[] {
  const confirmed = list.filter((m) => !m.pending).sort((a, b) => a.seq - b.seq)
  return [...confirmed, ...list.filter((m) => m.pending)]
}

/** Adds the messages of a page that are not shown yet; shown ones keep their objects. */
function merge<TBody>(shown: readonly StoreMessage<TBody>[], page: Message<TBody>[]): StoreMessage<TBody>[] {
  const ids = new Set(shown.map((m) => m.id))
  return ordered([...shown, ...page.filter((m) => !ids.has(m.id))])
}

/**
 * The messages of one thread for a UI: the newest page first (chronological), older pages
 * prepended on demand without refetching or replacing what is shown, optimistic creates
 * reconciled by their client id. Works with `useSyncExternalStore`, or any `subscribe`.
 *
 * @example
 * const store = createMessagesStore(client, 'support-42')
 * const stop = store.subscribe(() => render(store.getSnapshot().messages))
 * await store.create({ body: { text: 'Hello' }, role: 'user' })
 */
export function createMessagesStore<TBody = ChatBody>(
  client: ProgressDBClient,
  threadId: string,
  options: MessagesStoreOptions = {},
): MessagesStore<TBody> {
  const api = client.messages<TBody>(threadId)
  const pageSize = options.pageSize ?? 50
  const state = createObservableState<MessagesSnapshot<TBody>>(
    { threadId, messages: [], loading: true, loadingOlder: false, hasOlder: false, error: undefined },
    () => void load(),
  )
  let beforeAnchor: string | null = null
  let afterAnchor: string | null = null
  let olderInFlight: Promise<void> | undefined

  const patch = (p: Partial<MessagesSnapshot<TBody>>) => state.set((s) => ({ ...s, ...p }))
  const setMessages = (f: (list: readonly StoreMessage<TBody>[]) => StoreMessage<TBody>[]) =>
    state.set((s) => ({ ...s, messages: f(s.messages), error: undefined }))
  const replace = (message: Message<TBody>) =>
    setMessages((list) => ordered(list.map((m) => (m.id === message.id ? message : m))))
  const fail = (error: unknown) => {
    const e = toError(error)
    patch({ error: e })
    return e
  }

  async function load(): Promise<void> {
    patch({ loading: true })
    try {
      const page: MessagePage<TBody> = await api.list({ limit: pageSize })
      beforeAnchor = page.pagination.before_anchor
      afterAnchor = page.pagination.after_anchor
      state.set((s) => ({
        ...s,
        messages: merge(s.messages.filter((m) => m.pending), page.messages),
        hasOlder: page.pagination.has_before,
        loading: false,
        error: undefined,
      }))
    } catch (error) {
      fail(error)
      patch({ loading: false })
    }
  }

  async function fetchOlder(): Promise<void> {
    patch({ loadingOlder: true })
    try {
      const page = await api.list({ limit: pageSize, before: beforeAnchor ?? undefined })
      beforeAnchor = page.pagination.before_anchor
      setMessages((list) => merge(list, page.messages))
      patch({ hasOlder: page.pagination.has_before, loadingOlder: false })
    } catch (error) {
      fail(error)
      patch({ loadingOlder: false })
    }
  }

  async function loadNewer(): Promise<void> {
    if (afterAnchor === null) return load()
    try {
      const page = await api.list({ limit: pageSize, after: afterAnchor })
      afterAnchor = page.pagination.after_anchor
      setMessages((list) => merge(list, page.messages))
    } catch (error) {
      fail(error)
    }
  }

  async function create(message: NewMessage<TBody>): Promise<Message<TBody>> {
    const id = message.id ?? newClientId('m')
    const now = Date.now()
    const optimistic: StoreMessage<TBody> = {
      id,
      key: id,
      thread: threadId,
      seq: 0,
      author: client.userId,
      role: message.role ?? 'user',
      body: message.body,
      reply_to: message.reply_to ?? null,
      metadata: message.metadata ?? {},
      reactions: {},
      version: 1,
      status: 'final',
      ephemeral: false,
      expires_ts: null,
      created_ts: now,
      updated_ts: now,
      deleted: false,
      deleted_ts: null,
      pending: true,
    }
    setMessages((list) => [...list, optimistic])
    try {
      const stored = await api.create({ ...message, id })
      replace(stored)
      return stored
    } catch (error) {
      state.set((s) => ({ ...s, messages: s.messages.filter((m) => m !== optimistic) }))
      throw fail(error)
    }
  }

  const confirmed = async (op: () => Promise<Message<TBody>>) => {
    try {
      const message = await op()
      replace(message)
      return message
    } catch (error) {
      throw fail(error)
    }
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
    loadNewer,
    create,
    update: (messageId, change) => confirmed(() => api.update(messageId, change)),
    remove: async (messageId) => {
      try {
        await api.delete(messageId)
        setMessages((list) => list.filter((m) => m.id !== messageId))
      } catch (error) {
        throw fail(error)
      }
    },
    react: (messageId, emoji, { remove = false } = {}) =>
      confirmed(() => (remove ? api.unreact(messageId, emoji) : api.react(messageId, emoji))),
  }
}
