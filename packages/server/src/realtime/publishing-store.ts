import type { ChatStore } from '../store/chat-store.js'
import type { ChangeHub } from './change-hub.js'

/**
 * Wraps a store so that every mutation that logged changes (or purged a thread) is announced
 * on the hub once it has resolved, i.e. once it is committed (and flushed, for `safe`).
 * Backends stay unaware of realtime; every other method passes straight through.
 */
export function withChangePublishing(store: ChatStore, hub: ChangeHub): ChatStore {
  const mutateThread: ChatStore['mutateThread'] = async (threadId, needs, decide, durability) => {
    let announce: { lastChange: number; purged: boolean } | undefined
    const result = await store.mutateThread(
      threadId,
      needs,
      (snapshot) => {
        const plan = decide(snapshot)
        const { writes } = plan
        if (writes.purgeThread) announce = { lastChange: 0, purged: true }
        else if (writes.events?.length && writes.thread)
          announce = { lastChange: writes.thread.last_change, purged: false }
        else announce = undefined
        return plan
      },
      durability,
    )
    if (announce) hub.publish({ threadId, ...announce })
    return result
  }
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'mutateThread') return mutateThread
      const value: unknown = Reflect.get(target, property, receiver)
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value
    },
  })
}
