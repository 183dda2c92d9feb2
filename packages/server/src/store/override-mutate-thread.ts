import type { ChatStore } from './chat-store.js'

/**
 * A store whose `mutateThread` is replaced and whose other members pass straight through to
 * `store`: the shape of every write-path decorator (realtime announcements, the webhook outbox).
 */
export function overrideMutateThread(store: ChatStore, mutateThread: ChatStore['mutateThread']): ChatStore {
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'mutateThread') return mutateThread
      const value: unknown = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}
