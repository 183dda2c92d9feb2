import type { ReadableStore } from '../src/index.js'

/** Subscribes like a UI would and records every snapshot it is shown. */
export function watch<S>(store: ReadableStore<S>) {
  const seen: S[] = [store.getSnapshot()]
  const stop = store.subscribe(() => seen.push(store.getSnapshot()))
  return { seen, stop, now: () => store.getSnapshot() }
}
