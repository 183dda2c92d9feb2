import type { ProgressDBClient } from '../client.js'
import type {
  SubscribeOptions,
  SubscriptionStatus,
  ThreadSubscription,
} from '../realtime/thread-channel.js'
import type {
  SubscribeThreadsOptions,
  ThreadListSubscription,
} from '../realtime/thread-list-channel.js'

/** See `createLiveSubscription`. */
export interface LiveSubscription<S> {
  /** Opens the subscription (resuming where a previous one stopped); returns how to close it. */
  activate: () => () => void
  /** Opens it again from the start if the server ended it (e.g. the thread did not exist yet). */
  reopen: () => void
  readonly subscription: S | undefined
}

interface Resumable {
  readonly status: SubscriptionStatus
  close(): void
}

/**
 * A store's subscription: open while the store has listeners, closed when the last one
 * leaves, and resumed from the position the previous one reached when listeners come back
 * (e.g. a React component remounted), so nothing in between is missed. `onStatus` hears
 * the subscription's own changes, not the close that deactivating asked for.
 */
function createLiveSubscription<S extends Resumable>(
  open: (since: number | undefined, onStatus: (status: SubscriptionStatus) => void) => S,
  positionOf: (subscription: S) => number | undefined,
  onStatus: ((status: SubscriptionStatus) => void) | undefined,
): LiveSubscription<S> {
  let subscription: S | undefined
  let resumeAfter: number | undefined
  const start = (since: number | undefined) => {
    const mine: S = open(since, (status) => {
      if (subscription === mine) onStatus?.(status)
    })
    subscription = mine
  }
  return {
    activate() {
      start(resumeAfter)
      return () => {
        const closing = subscription
        subscription = undefined
        if (closing) resumeAfter = positionOf(closing) ?? resumeAfter
        closing?.close()
      }
    },
    reopen() {
      if (subscription?.status === 'closed') start(resumeAfter ?? 0)
    },
    get subscription() {
      return subscription
    },
  }
}

const withSince = (since: number | undefined) => (since === undefined ? {} : { since })

/** A store's subscription to one thread; see `createLiveSubscription`. */
export type LiveThread = LiveSubscription<ThreadSubscription>

export function createLiveThread(
  client: ProgressDBClient,
  threadId: string,
  handlers: Omit<SubscribeOptions, 'since'>,
): LiveThread {
  return createLiveSubscription(
    (since, onStatus) => client.subscribe(threadId, { ...handlers, ...withSince(since), onStatus }),
    (s) => s.lastChange,
    handlers.onStatus,
  )
}

/** A store's subscription to the caller's thread list; see `createLiveSubscription`. */
export function createLiveThreadList(
  client: ProgressDBClient,
  handlers: Omit<SubscribeThreadsOptions, 'since'>,
): LiveSubscription<ThreadListSubscription> {
  return createLiveSubscription(
    (since, onStatus) => client.subscribeThreads({ ...handlers, ...withSince(since), onStatus }),
    (s) => s.cursor,
    handlers.onStatus,
  )
}
