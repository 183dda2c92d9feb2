import {
  createMessagesStore,
  type ChatBody,
  type MessagesSnapshot,
  type MessagesStore,
} from '@progressdb/js'
import { useMemo } from 'react'
import { useStore } from './use-store.js'

export interface UseMessagesOptions {
  /** Messages per page (default 50). */
  pageSize?: number
  /** Apply changes live (default: when the client has a WebSocket). */
  live?: boolean
}

/**
 * What `useMessages` returns: the store's snapshot fields and its operations, as one object
 * (the operations and their docs are those of @progressdb/js's `MessagesStore`).
 */
export type UseMessagesResult<TBody = ChatBody> = Omit<MessagesSnapshot<TBody>, 'threadId'> &
  Pick<
    MessagesStore<TBody>,
    'create' | 'retry' | 'discard' | 'update' | 'remove' | 'react' | 'loadOlder' | 'loadNewer'
  > & {
    /** Loads the newest page again. */
    reload: MessagesStore<TBody>['load']
  }

/**
 * The messages of one thread: newest page first, older pages on demand, optimistic sends
 * (one whose outcome is unknown stays as `sendState: 'failed'`: offer `retry(m.id)`, which
 * never duplicates, and `discard(m.id)`), and every change (others' messages, edits, deletes, reactions, a streamed reply growing)
 * applied live while the component is mounted.
 * Switching `threadId` starts from an empty, loading list: never the previous thread's messages.
 *
 * @example
 * const { messages, create, loadOlder, hasOlder } = useMessages(threadId)
 * await create({ body: { text }, role: 'user' })
 * messages.map((m) => <Bubble key={m.id} pending={m.pending} text={m.body.text} />)
 * // m.sendState === 'failed': <button onClick={() => void retry(m.id)}>Retry</button>
 */
export function useMessages<TBody = ChatBody>(
  threadId: string,
  options: UseMessagesOptions = {},
): UseMessagesResult<TBody> {
  const { store, snapshot } = useStore(
    (client) => createMessagesStore<TBody>(client, threadId, options),
    [threadId, options.pageSize, options.live],
  )
  return useMemo(
    () => ({
      messages: snapshot.messages,
      create: store.create,
      retry: store.retry,
      discard: store.discard,
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
