import type { ChatStore } from '../store/chat-store.js'
import type { ChangeHub, CommittedChange } from './change-hub.js'
import { threadListAudience } from './thread-list-audience.js'

/**
 * Wraps a store so that every mutation that logged changes (or purged a thread) is announced
 * on the hub once it has resolved, i.e. once it is committed (and flushed, for `safe`).
 * Backends stay unaware of realtime; every other method passes straight through.
 */
export function withChangePublishing(store: ChatStore, hub: ChangeHub): ChatStore {
  const mutateThread: ChatStore['mutateThread'] = async (threadId, needs, decide, durability) => {
    let announce: Omit<CommittedChange, 'threadId'> | undefined
    const result = await store.mutateThread(
      threadId,
      needs,
      (snapshot) => {
        const plan = decide(snapshot)
        const { writes } = plan
        const listUsers = () => threadListAudience(snapshot.thread, writes)
        if (writes.purgeThread) announce = { lastChange: 0, purged: true, listUsers: listUsers() }
        else if (writes.events?.length && writes.thread)
          announce = { lastChange: writes.thread.last_change, purged: false, listUsers: listUsers() }
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
