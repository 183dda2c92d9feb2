import {
  createMessagesStore,
  type ChatBody,
  type Message,
  type MessagePatch,
  type NewMessage,
  type ProgressDBError,
  type StoreMessage,
} from '@progressdb/js'
import { useMemo } from 'react'
import { useStore } from './use-store.js'

export interface UseMessagesOptions {
  /** Messages per page (default 50). */
  pageSize?: number
}

export interface UseMessagesResult<TBody = ChatBody> {
  /** Chronological, pending creates last; unchanged messages keep their identity across renders. */
  messages: readonly StoreMessage<TBody>[]
  /** Shows the message at once (`pending: true`), then the stored one; rolls back and rejects on error. */
  create: (message: NewMessage<TBody>) => Promise<Message<TBody>>
  update: (messageId: string, patch: MessagePatch<TBody>) => Promise<Message<TBody>>
  /** Soft-deletes the message; it leaves the list. */
  remove: (messageId: string) => Promise<void>
  /** Adds the caller's reaction, or removes it with `{ remove: true }`. */
  react: (
    messageId: string,
    emoji: string,
    options?: { remove?: boolean },
  ) => Promise<Message<TBody>>
  /** Prepends the previous page; shown messages are neither refetched nor replaced. */
  loadOlder: () => Promise<void>
  /** Appends messages that arrived since the last load (until realtime subscriptions land). */
  loadNewer: () => Promise<void>
  /** Loads the newest page again. */
  reload: () => Promise<void>
  hasOlder: boolean
  /** True until the first page has arrived. */
  loading: boolean
  loadingOlder: boolean
  /** The latest failure (loading or a change); cleared by the next success. */
  error: ProgressDBError | undefined
}

/**
 * The messages of one thread: newest page first, older pages on demand, optimistic sends.
 * Switching `threadId` starts from an empty, loading list: never the previous thread's messages.
 *
 * @example
 * const { messages, create, loadOlder, hasOlder } = useMessages(threadId)
 * await create({ body: { text }, role: 'user' })
 * messages.map((m) => <Bubble key={m.id} pending={m.pending} text={m.body.text} />)
 */
export function useMessages<TBody = ChatBody>(
  threadId: string,
  options: UseMessagesOptions = {},
): UseMessagesResult<TBody> {
  const { store, snapshot } = useStore(
    (client) => createMessagesStore<TBody>(client, threadId, options),
    [threadId, options.pageSize],
  )
  return useMemo(
    () => ({
      messages: snapshot.messages,
      create: store.create,
      update: store.update,
      remove: store.remove,
      react: store.react,
      loadOlder: store.loadOlder,
      loadNewer: store.loadNewer,
      reload: store.load,
      hasOlder: snapshot.hasOlder,
      loading: snapshot.loading,
      loadingOlder: snapshot.loadingOlder,
      error: snapshot.error,
    }),
    [store, snapshot],
  )
}
