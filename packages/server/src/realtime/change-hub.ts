/** A committed mutation of one thread: the change numbers it added (none for a purge). */
export interface CommittedChange {
  threadId: string
  /** The newest change number after the commit; 0 when the thread was purged. */
  lastChange: number
  purged: boolean
}

export type ChangeListener = (change: CommittedChange) => void

/**
 * Fan-out of committed changes, by thread, to this process's subscribers (and, through
 * `relay`, to the other workers of a `--workers N` cluster). Listeners get notified after the commit
 * (after the flush for `safe` writes), so notifications may arrive out of change order; each
 * subscriber reads what it has not yet sent from the change log, which makes delivery
 * gap-free and duplicate-free whatever the notification order.
 */
export function createChangeHub(relay?: (change: CommittedChange) => void) {
  const byThread = new Map<string, Set<ChangeListener>>()
  const deliver = (change: CommittedChange) => {
    for (const listener of byThread.get(change.threadId) ?? []) listener(change)
  }
  return {
    subscribe(threadId: string, listener: ChangeListener): () => void {
      let set = byThread.get(threadId)
      if (!set) byThread.set(threadId, (set = new Set()))
      set.add(listener)
      return () => {
        set.delete(listener)
        if (set.size === 0) byThread.delete(threadId)
      }
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
      for (const set of byThread.values()) n += set.size
      return n
    },
  }
}

export type ChangeHub = ReturnType<typeof createChangeHub>
