import type { ServerFrame } from '@progressdb/protocol'
import type { Actor } from '../chat/actor.js'
import { isShutdown } from './end-reason.js'
import type { SubscriptionRegistry } from './subscription-registry.js'
import {
  openThreadListSubscription,
  type ThreadListDeps,
  type ThreadListSubscription,
} from './thread-list-subscription.js'

export interface WsThreadListOptions {
  send: (frame: ServerFrame) => void
  /** Whether the socket has more unsent bytes than a subscriber may have. */
  isBacklogged: () => boolean
  /** Closes the socket for a subscriber that does not keep up. */
  closeTooSlow: () => void
}

/**
 * One WebSocket's subscription to its user's thread list (at most one: subscribing again
 * replaces it, e.g. to resume from another cursor).
 */
export function createWsThreadList(deps: ThreadListDeps & { subscriptions: SubscriptionRegistry }, actor: Actor, ws: WsThreadListOptions) {
  let current: { subscription: ThreadListSubscription; unregister: () => void } | undefined
  /** Ends the subscription the client no longer wants; its sink then stays silent. */
  const drop = () => {
    const entry = current
    current = undefined
    entry?.unregister()
    entry?.subscription.close()
  }
  return {
    subscribe(since: number | undefined): void {
      drop()
      const subscription: ThreadListSubscription = openThreadListSubscription(deps, actor, since, {
        send(delta, cursor) {
          if (ws.isBacklogged()) return false
          ws.send({ type: 'threads', threads: delta.threads, removed: delta.removed, cursor })
          return true
        },
        close(reason) {
          // Deliveries are asynchronous, so `current` is assigned by the time this runs.
          if (current?.subscription !== subscription) return // ended by the client
          current.unregister()
          current = undefined
          if (reason.code === 'SUBSCRIBER_TOO_SLOW') ws.closeTooSlow()
          else if (!isShutdown(reason)) ws.send({ type: 'threads_unsubscribed', code: reason.code, message: reason.message })
        },
      })
      current = { subscription, unregister: deps.subscriptions.add(subscription, 'websocket') }
      ws.send({ type: 'threads_subscribed', cursor: subscription.cursor })
    },
    unsubscribe(): void {
      drop()
      ws.send({ type: 'threads_unsubscribed' })
    },
    close: drop,
  }
}
