import type { ChatStore, ThreadWrites } from '../store/chat-store.js'
import { overrideMutateThread } from '../store/override-mutate-thread.js'
import type { ThreadRecord } from '../store/records.js'
import type { ChangeHub, CommittedChange } from './change-hub.js'
import { threadListAudience } from './thread-list-audience.js'

/** What a commit announces: nothing when it logged no change (an idempotent repeat, a no-op). */
function toCommittedChange(threadId: string, before: ThreadRecord | undefined, writes: ThreadWrites): CommittedChange | undefined {
  if (writes.purgeThread) return { threadId, lastChange: 0, purged: true, listUsers: threadListAudience(before, writes) }
  if (!writes.events?.length || !writes.thread) return undefined
  return { threadId, lastChange: writes.thread.last_change, purged: false, listUsers: threadListAudience(before, writes) }
}

/**
 * Wraps a store so that every mutation that logged changes (or purged a thread) is announced
 * on the hub once it has resolved, i.e. once it is committed (and flushed, for `safe`).
 * Backends stay unaware of realtime; every other method passes straight through.
 */
export function withChangePublishing(store: ChatStore, hub: ChangeHub): ChatStore {
  return overrideMutateThread(store, async (threadId, needs, decide, durability) => {
    // Only captured inside the write transaction; the announcement is worked out after it.
    let decided: { before: ThreadRecord | undefined; writes: ThreadWrites } | undefined
    const result = await store.mutateThread(
      threadId,
      needs,
      (snapshot) => {
        const plan = decide(snapshot)
        decided = { before: snapshot.thread, writes: plan.writes }
        return plan
      },
      durability,
    )
    const change = decided && toCommittedChange(threadId, decided.before, decided.writes)
    if (change) hub.publish(change)
    return result
  })
}
