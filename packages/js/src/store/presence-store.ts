import type { ProgressDBClient } from '../client.js'
import type { PresenceState, SubscriptionStatus } from '../realtime/thread-channel.js'
import { createLiveThread } from './live-thread.js'
import { createObservableState, type ReadableStore } from './observable-state.js'

export interface PresenceSnapshot {
  /** Users with the thread open (the caller included), sorted. */
  readonly users: readonly string[]
  /** Other users typing now, sorted (the caller's own indicator is left out). */
  readonly typingUsers: readonly string[]
  readonly status: SubscriptionStatus
}

/** Presence and typing of one thread for a UI; see `createPresenceStore`. */
export interface PresenceStore extends ReadableStore<PresenceSnapshot> {
  /** Call with `true` on each keystroke (throttled) and `false` on send or blur. */
  setTyping: (typing: boolean) => void
}

/**
 * Who has a thread open and who is typing, live while subscribed. Shares the client's
 * subscription to the thread with the other stores; on a thread that does not exist yet the
 * subscription ends (`status: 'closed'`) and starts again once this client creates it.
 *
 * @example
 * const presence = createPresenceStore(client, 'support-42')
 * presence.subscribe(() => renderTyping(presence.getSnapshot().typingUsers))
 * input.addEventListener('input', () => presence.setTyping(true))
 */
export function createPresenceStore(client: ProgressDBClient, threadId: string): PresenceStore {
  const others = (presence: PresenceState) =>
    presence.typingUsers.filter((u) => u !== client.userId)
  const liveThread = createLiveThread(client, threadId, {
    onPresence: (presence) =>
      state.set((s) => ({ ...s, users: presence.users, typingUsers: others(presence) })),
    onStatus: (status) => state.set((s) => ({ ...s, status })),
  })
  const state = createObservableState<PresenceSnapshot>(
    { users: [], typingUsers: [], status: 'connecting' },
    undefined,
    () => {
      const close = liveThread.activate()
      const sub = liveThread.subscription
      if (sub)
        state.set(() => ({
          users: sub.presence.users,
          typingUsers: others(sub.presence),
          status: sub.status,
        }))
      return close
    },
  )
  return {
    subscribe: state.subscribe,
    getSnapshot: state.getSnapshot,
    setTyping: (typing) => liveThread.subscription?.setTyping(typing),
  }
}
