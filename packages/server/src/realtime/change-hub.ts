/** A committed mutation of one thread: the change numbers it added (none for a purge). */
export interface CommittedChange {
  threadId: string
  /** The newest change number after the commit; 0 when the thread was purged. */
  lastChange: number
  purged: boolean
  /**
   * Users whose thread list the commit changed (thread-list-audience.ts): every participant
   * before and after, or only the readers when the commit just moved read markers.
   */
  listUsers: readonly string[]
}

export type ChangeListener = (change: CommittedChange) => void

function addListener(map: Map<string, Set<ChangeListener>>, key: string, listener: ChangeListener): () => void {
  let set = map.get(key)
  if (!set) map.set(key, (set = new Set()))
  set.add(listener)
  return () => {
    set.delete(listener)
    if (set.size === 0) map.delete(key)
  }
}

/**
 * Fan-out of committed changes, by thread and by the users whose thread list they change, to
 * this process's subscribers (and, through `relay`, to the other workers of a `--workers N`
 * cluster). Listeners get notified after the commit (after the flush for `safe` writes), so
 * notifications may arrive out of change order; each subscriber reads what it has not yet
 * sent from the store, which makes delivery gap-free and duplicate-free whatever the order.
 */
export function createChangeHub(relay?: (change: CommittedChange) => void) {
  const byThread = new Map<string, Set<ChangeListener>>()
  const byUser = new Map<string, Set<ChangeListener>>()
  const deliver = (change: CommittedChange) => {
    for (const listener of byThread.get(change.threadId) ?? []) listener(change)
    if (byUser.size === 0) return
    for (const user of change.listUsers) for (const listener of byUser.get(user) ?? []) listener(change)
  }
  return {
    subscribe(threadId: string, listener: ChangeListener): () => void {
      return addListener(byThread, threadId, listener)
    },
    /** Changes of the threads in a user's list (including ones leaving it). */
    subscribeUser(userId: string, listener: ChangeListener): () => void {
      return addListener(byUser, userId, listener)
    },
    /** A commit of this process: delivered here and relayed to the other workers, if any. */
    publish(change: CommittedChange): void {
      deliver(change)
      relay?.(change)
    },
    /** A commit relayed from another worker: delivered here only. */
    deliver,
    subscriberCount(): number {
      let n = 0
      for (const map of [byThread, byUser]) for (const set of map.values()) n += set.size
      return n
    },
  }
}

export type ChangeHub = ReturnType<typeof createChangeHub>
