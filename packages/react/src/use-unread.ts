import { createThreadStore } from '@progressdb/js'
import { useStore } from './use-store.js'

/**
 * The caller's unread count of a thread (messages by others after their read marker), kept
 * up to date as messages arrive and as the marker moves (from any of their devices).
 * 0 while loading.
 *
 * @example
 * const unread = useUnread(threadId)
 * return unread > 0 ? <Badge>{unread}</Badge> : null
 */
export function useUnread(threadId: string): number {
  const { snapshot } = useStore((client) => createThreadStore(client, threadId), [threadId])
  return snapshot.item?.unread_count ?? 0
}
