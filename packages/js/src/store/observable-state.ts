/**
 * The contract of every store: React's `useSyncExternalStore` (and most other UI libraries)
 * can consume it directly. `getSnapshot` returns the same object until something changes.
 */
export interface ReadableStore<S> {
  subscribe: (listener: () => void) => () => void
  getSnapshot: () => S
}

export interface ObservableState<S> extends ReadableStore<S> {
  get: () => S
  /** Replaces the snapshot with `update(current)` and notifies subscribers. */
  set: (update: (current: S) => S) => void
}

/**
 * An immutable snapshot plus listeners. `onFirstSubscribe` runs once, when the first listener
 * arrives: stores fetch lazily, so creating one (e.g. during a React render) costs nothing.
 * `onActive` runs whenever listeners appear after there were none (a live subscription
 * opens), and the function it returns when the last one leaves (it closes).
 */
export function createObservableState<S>(
  initial: S,
  onFirstSubscribe?: () => void,
  onActive?: () => () => void,
): ObservableState<S> {
  let snapshot = initial
  let started = false
  let deactivate: (() => void) | undefined
  const listeners = new Set<() => void>()
  return {
    get: () => snapshot,
    getSnapshot: () => snapshot,
    set(update) {
      const next = update(snapshot)
      if (next === snapshot) return
      snapshot = next
      for (const listener of [...listeners]) listener()
    },
    subscribe(listener) {
      listeners.add(listener)
      if (listeners.size === 1 && onActive) deactivate = onActive()
      if (!started) {
        started = true
        onFirstSubscribe?.()
      }
      return () => {
        if (!listeners.delete(listener) || listeners.size > 0) return
        deactivate?.()
        deactivate = undefined
      }
    },
  }
}
