import type { ThreadSubscription } from './thread-subscription.js'

/** How a subscriber is connected. */
export type SubscriptionTransport = 'websocket' | 'sse'

/**
 * Open subscriptions of this process, so shutdown can end them instead of waiting on them, and
 * /metrics can count them.
 */
export function createSubscriptionRegistry() {
  const open = new Map<ThreadSubscription, SubscriptionTransport>()
  return {
    add(subscription: ThreadSubscription, transport: SubscriptionTransport): () => void {
      open.set(subscription, transport)
      return () => open.delete(subscription)
    },
    closeAll(): void {
      for (const subscription of [...open.keys()]) subscription.close()
      open.clear()
    },
    /** Open subscriptions, all or over one transport. */
    count(transport?: SubscriptionTransport): number {
      if (transport === undefined) return open.size
      let n = 0
      for (const t of open.values()) if (t === transport) n++
      return n
    },
  }
}

export type SubscriptionRegistry = ReturnType<typeof createSubscriptionRegistry>
