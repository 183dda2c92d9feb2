import type { ChatStore } from '../store/chat-store.js'
import { overrideMutateThread } from '../store/override-mutate-thread.js'
import { toOutboxEntries } from './outbox-entries.js'
import type { WebhookRegistry } from './webhook-registry.js'

export interface OutboxDeps {
  registry: WebhookRegistry
  /** Delivery ids: unique and time-ordered across processes. */
  newId: () => string
  /** Called after a commit that enqueued deliveries (the dispatcher wakes up). */
  onEnqueued: () => void
}

/**
 * A transactional outbox: wraps a store so that a mutation's webhook deliveries are written in
 * the same transaction as the change itself. A change that commits always has its deliveries;
 * one that fails (decide throws, the commit aborts) has none. With no endpoint registered the
 * mutation passes through untouched. chat/ stays unaware of webhooks.
 */
export function withWebhookOutbox(store: ChatStore, deps: OutboxDeps): ChatStore {
  return overrideMutateThread(store, async (threadId, needs, decide, durability) => {
    if (!deps.registry.hasAny()) return store.mutateThread(threadId, needs, decide, durability)
    let enqueued = false
    const result = await store.mutateThread(
      threadId,
      needs,
      (snapshot) => {
        const plan = decide(snapshot)
        const outbox = toOutboxEntries(threadId, snapshot, plan.writes, deps.registry, deps.newId)
        enqueued = outbox.length > 0
        // Object.assign, not a spread given a new key (docs/performance.md, session 7).
        return enqueued ? { ...plan, writes: Object.assign({}, plan.writes, { outbox }) } : plan
      },
      durability,
    )
    if (enqueued) deps.onEnqueued()
    return result
  })
}
