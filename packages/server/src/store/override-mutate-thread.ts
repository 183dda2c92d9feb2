import type { ChatStore } from './chat-store.js'

/**
 * A store whose `mutateThread` is replaced and whose other members pass straight through to
 * `store`: the shape of every write-path decorator (realtime announcements, the webhook outbox).
 * Methods are bound once, so a read through the decorator costs one map lookup.
 */
export function overrideMutateThread(
  store: ChatStore,
  mutateThread: ChatStore['mutateThread'],
): ChatStore {
  const bound = new Map<PropertyKey, unknown>()
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'mutateThread') return mutateThread
      const cached = bound.get(property)
      if (cached !== undefined) return cached
      const value: unknown = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      const method = (value as (...args: unknown[]) => unknown).bind(target)
      bound.set(property, method)
      return method
    },
  })
}
