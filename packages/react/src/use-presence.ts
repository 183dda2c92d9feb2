import { createPresenceStore, type PresenceStore } from '@progressdb/js'
import { useMemo } from 'react'
import { useStore } from './use-store.js'

const usePresenceStore = (threadId: string) =>
  useStore((client) => createPresenceStore(client, threadId), [threadId])

/**
 * Who has the thread open right now (their WebSocket is subscribed to it), the caller
 * included; live, never stored.
 *
 * @example
 * const users = usePresence(threadId)
 * return <small>{users.length} here</small>
 */
export function usePresence(threadId: string): readonly string[] {
  return usePresenceStore(threadId).snapshot.users
}

export interface UseTypingResult {
  /** Other users typing in the thread now (the caller's own indicator is left out). */
  typingUsers: readonly string[]
  /** `true` on each keystroke (throttled, renewed while it continues), `false` on send or blur. */
  setTyping: PresenceStore['setTyping']
}

/**
 * Typing indicators of a thread, and the caller's own.
 *
 * @example
 * const { typingUsers, setTyping } = useTyping(threadId)
 * <input onChange={(e) => { setText(e.target.value); setTyping(e.target.value !== '') }} />
 * {typingUsers.length > 0 && <p>{typingUsers.join(', ')} typing…</p>}
 */
export function useTyping(threadId: string): UseTypingResult {
  const { store, snapshot } = usePresenceStore(threadId)
  return useMemo(
    () => ({ typingUsers: snapshot.typingUsers, setTyping: store.setTyping }),
    [store, snapshot.typingUsers],
  )
}
