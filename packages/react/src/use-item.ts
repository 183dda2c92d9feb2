import {
  createMessageStore,
  createThreadStore,
  type ChatBody,
  type Message,
  type MessageStore,
  type ProgressDBError,
  type Thread,
  type ThreadStore,
} from '@progressdb/js'
import { useMemo } from 'react'
import { useStore } from './use-store.js'

export interface UseThreadResult extends Omit<ThreadStore, 'subscribe' | 'getSnapshot' | 'load'> {
  /** Undefined while loading or when it failed. */
  thread: Thread | undefined
  loading: boolean
  error: ProgressDBError | undefined
  reload: () => Promise<void>
}

/**
 * One thread: title, metadata, participants, unread count, and its changes.
 *
 * @example
 * const { thread, update, markRead } = useThread(threadId)
 * return <h1 onDoubleClick={() => update({ title: prompt('Title') ?? '' })}>{thread?.title}</h1>
 */
export function useThread(threadId: string): UseThreadResult {
  const { store, snapshot } = useStore((client) => createThreadStore(client, threadId), [threadId])
  return useMemo(
    () => ({
      thread: snapshot.item,
      loading: snapshot.loading,
      error: snapshot.error,
      reload: store.load,
      update: store.update,
      remove: store.remove,
      restore: store.restore,
      markRead: store.markRead,
    }),
    [store, snapshot],
  )
}

export interface UseMessageResult<TBody = ChatBody> extends Omit<
  MessageStore<TBody>,
  'subscribe' | 'getSnapshot' | 'load'
> {
  /** Undefined while loading or when it failed; soft-deleted messages show with `deleted: true`. */
  message: Message<TBody> | undefined
  loading: boolean
  error: ProgressDBError | undefined
  reload: () => Promise<void>
}

/**
 * One message, e.g. the one a reply quotes.
 *
 * @example
 * const { message } = useMessage(threadId, reply.reply_to!)
 * return <blockquote>{message?.deleted ? 'deleted' : message?.body.text}</blockquote>
 */
export function useMessage<TBody = ChatBody>(
  threadId: string,
  messageId: string,
): UseMessageResult<TBody> {
  const { store, snapshot } = useStore(
    (client) => createMessageStore<TBody>(client, threadId, messageId),
    [threadId, messageId],
  )
  return useMemo(
    () => ({
      message: snapshot.item,
      loading: snapshot.loading,
      error: snapshot.error,
      reload: store.load,
      update: store.update,
      remove: store.remove,
      restore: store.restore,
      react: store.react,
    }),
    [store, snapshot],
  )
}
