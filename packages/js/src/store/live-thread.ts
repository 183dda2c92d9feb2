import type { ProgressDBClient } from '../client.js'
import type { SubscribeOptions, ThreadSubscription } from '../realtime/thread-channel.js'

/** See `createLiveThread`. */
export interface LiveThread {
  /** Opens the subscription (resuming after the last change a previous one delivered); returns how to close it. */
  activate: () => () => void
  /** Opens it again from the start of the log if it ended (e.g. the thread did not exist yet). */
  reopen: () => void
  readonly subscription: ThreadSubscription | undefined
}

/**
 * A store's thread subscription: open while the store has listeners, closed when the last
 * one leaves, and resumed from the last change delivered when listeners come back (e.g. a
 * React component remounted), so nothing in between is missed.
 */
export function createLiveThread(
  client: ProgressDBClient,
  threadId: string,
  handlers: Omit<SubscribeOptions, 'since'>,
): LiveThread {
  let subscription: ThreadSubscription | undefined
  let resumeAfter: number | undefined
  const open = (since: number | undefined) => {
    const mine = client.subscribe(threadId, {
      ...handlers,
      ...(since === undefined ? {} : { since }),
      // Only the subscription's own changes: not the close that deactivating asked for.
      onStatus: (status) => {
        if (subscription === mine) handlers.onStatus?.(status)
      },
    })
    subscription = mine
  }
  return {
    activate() {
      open(resumeAfter)
      return () => {
        const closing = subscription
        subscription = undefined
        resumeAfter = closing?.lastChange ?? resumeAfter
        closing?.close()
      }
    },
    reopen() {
      if (subscription?.status === 'closed') open(resumeAfter ?? 0)
    },
    get subscription() {
      return subscription
    },
  }
}
