import type { ProgressDBClient, ReadableStore } from '@progressdb/js'
import { useMemo, useSyncExternalStore, type DependencyList } from 'react'
import { useProgressDB } from './provider.js'

type SnapshotOf<T> = T extends ReadableStore<infer S> ? S : never

/**
 * The glue of every hook: one store per (client, deps), read with `useSyncExternalStore`.
 * A new key means a new store whose first snapshot is empty and loading, so a hook never
 * shows data of its previous key (e.g. the previous thread's messages).
 */
export function useStore<T extends ReadableStore<unknown>>(
  create: (client: ProgressDBClient) => T,
  deps: DependencyList,
): { store: T; snapshot: SnapshotOf<T> } {
  const client = useProgressDB()
  const store = useMemo(() => create(client), [client, ...deps])
  const snapshot = useSyncExternalStore(
    store.subscribe,
    store.getSnapshot,
    store.getSnapshot,
  ) as SnapshotOf<T>
  return { store, snapshot }
}
