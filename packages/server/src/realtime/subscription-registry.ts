import type { ThreadSubscription } from './thread-subscription.js'

/** Open subscriptions of this process, so shutdown can end them instead of waiting on them. */
export function createSubscriptionRegistry() {
  const open = new Set<ThreadSubscription>()
  return {
    add(subscription: ThreadSubscription): () => void {
      open.add(subscription)
      return () => open.delete(subscription)
    },
    closeAll(): void {
      for (const subscription of [...open]) subscription.close()
      open.clear()
    },
    size: () => open.size,
  }
}

export type SubscriptionRegistry = ReturnType<typeof createSubscriptionRegistry>
