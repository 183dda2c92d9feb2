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
 * the subscription's own changes, not the close that deactivating asked for. `watch`, while
 * active, tells when to `reopen` (the thread was just created through the client).
 */
function createLiveSubscription<S extends Resumable>(
  open: (since: number | undefined, onStatus: (status: SubscriptionStatus) => void) => S,
  positionOf: (subscription: S) => number | undefined,
  onStatus: ((status: SubscriptionStatus) => void) | undefined,
  watch?: (reopen: () => void) => () => void,
): LiveSubscription<S> {
  let subscription: S | undefined
  let resumeAfter: number | undefined
  /** A reopen came while the server had not answered: its refusal may predate the create. */
  let reopenOnClose = false
  const start = (since: number | undefined) => {
    reopenOnClose = false
    const mine: S = open(since, (status) => {
      if (subscription !== mine) return
      if (status === 'live') reopenOnClose = false
      if (status === 'closed' && reopenOnClose)
        queueMicrotask(() => {
          if (subscription === mine) start(resumeAfter ?? 0)
        })
      onStatus?.(status)
    })
    subscription = mine
  }
  /**
   * Opens it again from the start if the server ended it (e.g. the thread did not exist yet),
   * or once it ends, if it is still waiting for the server's answer.
   */
  const reopen = () => {
    const status = subscription?.status
    if (status === 'closed') start(resumeAfter ?? 0)
    else if (status !== undefined && status !== 'live') reopenOnClose = true
  }
  return {
    activate() {
      start(resumeAfter)
      const unwatch = watch?.(reopen)
      return () => {
        unwatch?.()
        const closing = subscription
        subscription = undefined
        if (closing) resumeAfter = positionOf(closing) ?? resumeAfter
        closing?.close()
      }
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
    (reopen) =>
      client.onThreadCreated((created) => {
        if (created === threadId) reopen()
      }),
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
