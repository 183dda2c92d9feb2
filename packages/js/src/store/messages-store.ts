import type { ProgressDBClient } from '../client.js'
import { newClientId } from '../client-id.js'
import { toProgressDBError, type ProgressDBError } from '../errors.js'
import type { ChatEvent } from '@progressdb/protocol'
import type { ChatBody, Message, MessagePatch, NewMessage } from '../message-types.js'
import type { MessagesClient } from '../messages-client.js'
import { applyMessageEvent, upsertMessage, type LiveMessages } from './live-messages.js'
import { createLiveFirstLoad } from './live-first-load.js'
import { createLiveThread } from './live-thread.js'
import { merge, optimisticMessage, type StoreMessage } from './message-list.js'
import {
  createObservableState,
  type ObservableState,
  type ReadableStore,
} from './observable-state.js'

export type { StoreMessage } from './message-list.js'

export interface MessagesSnapshot<TBody = ChatBody> {
  readonly threadId: string
  /** Chronological; pending creates last. Unchanged messages keep their object identity. */
  readonly messages: readonly StoreMessage<TBody>[]
  /**
   * True until the first page has arrived (or failed). A thread that does not exist yet
   * loads as an empty one (no error): its first `create` makes it.
   */
  readonly loading: boolean
  readonly loadingOlder: boolean
  readonly hasOlder: boolean
  /** The latest failure of any operation; cleared by the next success. */
  readonly error: ProgressDBError | undefined
}

export interface MessagesStoreOptions {
  /** Messages per page (default 50). */
  pageSize?: number
  /**
   * Apply the thread's changes live while subscribed (default: when the client has a
   * WebSocket, see `client.realtime.available`).
   */
  live?: boolean
}

/** Framework-free state of one thread's messages; see `createMessagesStore`. */
export interface MessagesStore<TBody = ChatBody> extends ReadableStore<MessagesSnapshot<TBody>> {
  /** (Re)loads the newest page. Runs by itself on the first `subscribe`. Never rejects. */
  load: () => Promise<void>
  /** Prepends the page before the oldest shown message. Never rejects. */
  loadOlder: () => Promise<void>
  /** Appends messages newer than the newest loaded page (for a store that is not live). Never rejects. */
  loadNewer: () => Promise<void>
  /** Optimistic: shows the message at once as `pending`, then the stored one; rolls back on error. */
  create: (message: NewMessage<TBody>) => Promise<Message<TBody>>
  update: (messageId: string, patch: MessagePatch<TBody>) => Promise<Message<TBody>>
  /** Soft-deletes the message and drops it from the list. */
  remove: (messageId: string) => Promise<void>
  /** Adds the caller's reaction, or removes it with `{ remove: true }`. */
  react: (
    messageId: string,
    emoji: string,
    options?: { remove?: boolean },
  ) => Promise<Message<TBody>>
}

/** What the store's operations share. */
interface StoreContext<TBody> {
  api: MessagesClient<TBody>
  state: ObservableState<MessagesSnapshot<TBody>>
  pageSize: number
  /** The page cursors: before the oldest loaded page, after the newest. */
  anchors: { before: string | null; after: string | null }
  live: LiveMessages
  /** Whether a page of the thread was ever read: until then, THREAD_NOT_FOUND means "new". */
  seenThread: boolean
}

type Messages<TBody> = readonly StoreMessage<TBody>[]

const patch = <TBody>(ctx: StoreContext<TBody>, p: Partial<MessagesSnapshot<TBody>>) =>
  ctx.state.set((s) => ({ ...s, ...p }))

/** Applies a successful change to the list (and clears the last error). */
const apply = <TBody>(ctx: StoreContext<TBody>, f: (list: Messages<TBody>) => Messages<TBody>) =>
  ctx.state.set((s) => ({ ...s, messages: f(s.messages), error: undefined }))

/** Records a failure in the snapshot and returns it as a ProgressDBError (to throw). */
function fail<TBody>(
  ctx: StoreContext<TBody>,
  error: unknown,
  p: Partial<MessagesSnapshot<TBody>> = {},
) {
  const e = toProgressDBError(error)
  patch(ctx, { ...p, error: e })
  return e
}

async function loadFirstPage<TBody>(ctx: StoreContext<TBody>): Promise<void> {
  patch(ctx, { loading: true })
  // As of when the page is asked for: a create finishing meanwhile does not make its answer wrong.
  const seenThread = ctx.seenThread
  try {
    const page = await ctx.api.list({ limit: ctx.pageSize })
    ctx.seenThread = true
    ctx.anchors.before = page.pagination.before_anchor
    ctx.anchors.after = page.pagination.after_anchor
    ctx.state.set((s) => ({
      ...s,
      messages: page.messages.reduce<Messages<TBody>>(
        (list, m) => upsertMessage(list, m, ctx.live, 'always'),
        s.messages.filter((m) => m.pending),
      ),
      hasOlder: page.pagination.has_before,
      loading: false,
      error: undefined,
    }))
  } catch (error) {
    const e = toProgressDBError(error)
    // A thread that does not exist yet is an empty one: its first create makes it (and the
    // store goes live then). Once the thread was seen, its disappearance is an error.
    if (e.code === 'THREAD_NOT_FOUND' && !seenThread)
      patch(ctx, { hasOlder: false, loading: false, error: undefined })
    else fail(ctx, e, { loading: false })
  }
}

async function loadOlderPage<TBody>(ctx: StoreContext<TBody>): Promise<void> {
  patch(ctx, { loadingOlder: true })
  try {
    const page = await ctx.api.list({
      limit: ctx.pageSize,
      before: ctx.anchors.before ?? undefined,
    })
    ctx.anchors.before = page.pagination.before_anchor
    apply(ctx, (list) => merge(list, page.messages))
    patch(ctx, { hasOlder: page.pagination.has_before, loadingOlder: false })
  } catch (error) {
    fail(ctx, error, { loadingOlder: false })
  }
}

async function loadNewerPage<TBody>(ctx: StoreContext<TBody>): Promise<void> {
  if (ctx.anchors.after === null) return loadFirstPage(ctx)
  try {
    const page = await ctx.api.list({ limit: ctx.pageSize, after: ctx.anchors.after })
    ctx.anchors.after = page.pagination.after_anchor
    apply(ctx, (list) => merge(list, page.messages))
  } catch (error) {
    fail(ctx, error)
  }
}

/** Shows the message as pending, then the stored one (same id); removes it again on failure. */
async function createOptimistically<TBody>(
  ctx: StoreContext<TBody>,
  author: string,
  message: NewMessage<TBody>,
): Promise<Message<TBody>> {
  const withId = { ...message, id: message.id ?? newClientId('m') }
  const optimistic = optimisticMessage(withId, ctx.api.threadId, author)
  apply(ctx, (list) => [...list, optimistic])
  try {
    const stored = await ctx.api.create(withId)
    ctx.seenThread = true
    apply(ctx, (list) => upsertMessage(list, stored, ctx.live, 'always'))
    return stored
  } catch (error) {
    ctx.state.set((s) => ({ ...s, messages: s.messages.filter((m) => m !== optimistic) }))
    throw fail(ctx, error)
  }
}

/** Runs a server-confirmed change and shows the message it returns. */
async function confirmed<TBody>(
  ctx: StoreContext<TBody>,
  op: () => Promise<Message<TBody>>,
): Promise<Message<TBody>> {
  try {
    const message = await op()
    apply(ctx, (list) => upsertMessage(list, message, ctx.live, 'never'))
    return message
  } catch (error) {
    throw fail(ctx, error)
  }
}

/**
 * The messages of one thread for a UI: the newest page first (chronological), older pages
 * prepended on demand without refetching or replacing what is shown, optimistic creates
 * reconciled by their client id. Works with `useSyncExternalStore`, or any `subscribe`.
 * A thread that does not exist yet shows as empty (no error) until its first create makes
 * it; the store then goes live.
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
  const live = options.live ?? client.realtime.available
  const firstLoad = createLiveFirstLoad<ChatEvent>(
    () => loadFirstPage(ctx),
    (events) =>
      ctx.state.set((s) => ({
        ...s,
        messages: events.reduce((list, e) => applyMessageEvent(list, e, ctx.live), s.messages),
      })),
  )
  const liveThread = live
    ? createLiveThread(client, threadId, {
        onEvents: firstLoad.changes,
        onStatus: firstLoad.status,
      })
    : undefined
  const ctx: StoreContext<TBody> = {
    api: client.messages<TBody>(threadId),
    pageSize: options.pageSize ?? 50,
    anchors: { before: null, after: null },
    seenThread: false,
    live: {
      inRange: (message) => {
        const s = ctx.state.get()
        const oldest = s.messages.find((m) => !m.pending)
        return !s.hasOlder || (oldest !== undefined && message.seq >= oldest.seq)
      },
    },
    state: createObservableState<MessagesSnapshot<TBody>>(
      {
        threadId,
        messages: [],
        loading: true,
        loadingOlder: false,
        hasOlder: false,
        error: undefined,
      },
      () => firstLoad.requested(liveThread?.subscription?.status),
      liveThread?.activate,
    ),
  }
  const { api, state } = ctx
  let olderInFlight: Promise<void> | undefined
  return {
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    load: () => loadFirstPage(ctx),
    loadOlder: () => {
      if (!state.get().hasOlder) return Promise.resolve()
      olderInFlight ??= loadOlderPage(ctx).finally(() => (olderInFlight = undefined))
      return olderInFlight
    },
    loadNewer: () => loadNewerPage(ctx),
    // The create may have created the thread: the subscription then starts over by itself
    // (see `client.onThreadCreated`), and so do the other stores of this thread.
    create: (message) => createOptimistically(ctx, client.userId, message),
    update: (messageId, change) => confirmed(ctx, () => api.update(messageId, change)),
    remove: async (messageId) => {
      try {
        await api.delete(messageId)
        apply(ctx, (list) => list.filter((m) => m.id !== messageId))
      } catch (error) {
        throw fail(ctx, error)
      }
    },
    react: (messageId, emoji, { remove = false } = {}) =>
      confirmed(ctx, () => (remove ? api.unreact(messageId, emoji) : api.react(messageId, emoji))),
  }
}
