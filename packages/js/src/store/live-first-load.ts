import type { SubscriptionStatus } from '../realtime/thread-channel.js'

/** See `createLiveFirstLoad`. */
export interface LiveFirstLoad<E> {
  /** The store got its first listener: load now, or once the subscription has started. */
  requested: (status: SubscriptionStatus | undefined) => void
  /** The subscription's status changed. */
  status: (status: SubscriptionStatus) => void
  /** Live changes: held until the first load is in, then passed to `apply`. */
  changes: (changes: readonly E[]) => void
}

/**
 * The order a live store needs: the first page is read once the subscription has its
 * starting point, so no change can fall between the two; changes arriving before the page
 * are applied on top of it. If the socket fails first (or the thread did not exist yet) the
 * page is read anyway, and read again when the subscription does start, again holding the
 * changes that arrive meanwhile; the same after `waitMs` without a start (a socket stuck
 * connecting). Without a subscription (`status` undefined) the page is read at once.
 */
export function createLiveFirstLoad<E>(
  load: () => Promise<void>,
  apply: (changes: readonly E[]) => void,
  waitMs = 3000,
): LiveFirstLoad<E> {
  let held: E[] | undefined = []
  let loading = 0
  let phase: 'idle' | 'waiting' | 'started' = 'idle'
  let sawLive = false
  let timer: ReturnType<typeof setTimeout> | undefined
  /** Loads the page; changes are held until the last load under way is in, then applied. */
  const loadHolding = () => {
    held ??= []
    loading += 1
    void load().then(() => {
      if (--loading > 0) return
      const changes = held ?? []
      held = undefined
      if (changes.length > 0) apply(changes)
    })
  }
  const start = () => {
    if (phase !== 'waiting') return
    phase = 'started'
    clearTimeout(timer)
    loadHolding()
  }
  return {
    requested(status) {
      phase = 'waiting'
      if (status !== 'connecting') start()
      else timer = setTimeout(start, waitMs)
    },
    status(status) {
      if (status === 'live' && !sawLive) {
        sawLive = true
        if (phase === 'started') loadHolding()
      }
      if (status !== 'connecting') start()
    },
    changes(changes) {
      if (held) held.push(...changes)
      else if (changes.length > 0) apply(changes)
    },
  }
}
