import type { ProgressDBClient } from '../client.js'
import { toProgressDBError } from '../errors.js'
import type { ChatEvent } from '@progressdb/protocol'
import type { ChatBody, Message, MessagePatch, NewMessage } from '../message-types.js'
import { applyMessageEvent, upsertMessage } from './live-messages.js'
import { createLiveFirstLoad } from './live-first-load.js'
import { createLiveThread } from './live-thread.js'
import { merge } from './message-list.js'
import {
  apply,
  fail,
  patch,
  reachedServer,
  type Messages,
  type MessagesSnapshot,
  type StoreContext,
} from './messages-context.js'
import { createObservableState, type ReadableStore } from './observable-state.js'
import { afterReachingServer } from './store-error.js'
import { createUnsentMessages } from './unsent-messages.js'

export type { SendState, StoreMessage } from './message-list.js'
export type { MessagesSnapshot } from './messages-context.js'

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
  /**
   * Optimistic: shows the message at once (`pending`, `sendState: 'sending'`), then the
   * stored one. A refusal (a 4xx) removes it again; an unknown outcome (no response, a
   * timeout, a 5xx) keeps it as `sendState: 'failed'` with its client id until the stored
   * message arrives, `retry` or `discard`. Either way the promise rejects with the error.
   */
  create: (message: NewMessage<TBody>) => Promise<Message<TBody>>
  /**
   * Sends a failed create again with the same client id, so a message that was stored after
   * all comes back once, never twice. Resolves with the stored message.
   * @example await store.retry(m.id) // m.sendState === 'failed'
   */
  retry: (clientId: string) => Promise<Message<TBody>>
  /**
   * Drops a failed create from the list (only this store forgets it: if the lost create was
   * stored after all, the message shows up when it arrives).
   */
  discard: (clientId: string) => void
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

/**
 * Who asked for a load: the user (`load()`), whose success clears any error, or the store
 * itself (the first page, again once live), whose success ends only a transport error.
 */
type LoadCause = 'user' | 'store'

const errorAfterLoad = <TBody>(s: MessagesSnapshot<TBody>, by: LoadCause) =>
  by === 'user' ? undefined : afterReachingServer(s.error)

async function loadFirstPage<TBody>(ctx: StoreContext<TBody>, by: LoadCause): Promise<void> {
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
      error: errorAfterLoad(s, by),
    }))
  } catch (error) {
    const e = toProgressDBError(error)
    // A thread that does not exist yet is an empty one: its first create makes it (and the
    // store goes live then). Once the thread was seen, its disappearance is an error.
    if (e.code === 'THREAD_NOT_FOUND' && !seenThread)
      ctx.state.set((s) => ({
        ...s,
        hasOlder: false,
        loading: false,
        error: errorAfterLoad(s, by),
      }))
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
  if (ctx.anchors.after === null) return loadFirstPage(ctx, 'user')
  try {
    const page = await ctx.api.list({ limit: ctx.pageSize, after: ctx.anchors.after })
    ctx.anchors.after = page.pagination.after_anchor
    apply(ctx, (list) => merge(list, page.messages))
  } catch (error) {
    fail(ctx, error)
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
 * reconciled by their client id (a create whose outcome is unknown stays as
 * `sendState: 'failed'` until the stored message arrives, `retry` or `discard`). Works with `useSyncExternalStore`, or any `subscribe`.
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
    () => loadFirstPage(ctx, 'store'),
    (events) =>
      ctx.state.set((s) => ({
        ...s,
        messages: events.reduce((list, e) => applyMessageEvent(list, e, ctx.live), s.messages),
      })),
  )
  const liveThread = live
    ? createLiveThread(client, threadId, {
        onEvents: firstLoad.changes,
        onStatus: (status) => {
          if (status === 'live') reachedServer(ctx)
          firstLoad.status(status)
        },
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
  const unsent = createUnsentMessages(ctx, client.userId)
  let olderInFlight: Promise<void> | undefined
  return {
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    load: () => loadFirstPage(ctx, 'user'),
    loadOlder: () => {
      if (!state.get().hasOlder) return Promise.resolve()
      olderInFlight ??= loadOlderPage(ctx).finally(() => (olderInFlight = undefined))
      return olderInFlight
    },
    loadNewer: () => loadNewerPage(ctx),
    // The create may have created the thread: the subscription then starts over by itself
    // (see `client.onThreadCreated`), and so do the other stores of this thread.
    create: unsent.create,
    retry: unsent.retry,
    discard: unsent.discard,
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
