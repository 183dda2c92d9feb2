import type { Database, Key } from 'lmdb'
import { writeKey } from 'ordered-binary'
import type { KvRange, KvTable, ValueKind } from './kv-table.js'
import { REMOVED, SortedLayer, type LayerEntry } from './sorted-layer.js'

/** A key the open write set: its entry in `pending`, and what that replaced (undone on a throw). */
export interface WriteChange {
  table: JournaledTable<unknown, unknown>
  entry: LayerEntry<unknown, unknown>
  previous: LayerEntry<unknown, unknown> | undefined
}

/** The write in progress (if any) across every table of one journaled store. */
export interface WriteScope {
  active: boolean
  /** Each key the open write set, once, in the order first set. */
  changes: WriteChange[]
}

/** Where keys are encoded; larger than any key LMDB accepts (its limit is under 2 KB). */
const keyScratch = Buffer.allocUnsafeSlow(8192)

/** A key's ordered-binary bytes as a latin1 string, the layers' sort key (sorted-layer.ts). */
export function sortKeyOf(key: unknown): string {
  const end = writeKey(key as never, keyScratch, 0)
  if (end > keyScratch.length) throw new Error(`Key was too large, max key size is ${keyScratch.length}`)
  return keyScratch.toString('latin1', 0, end)
}

/**
 * One LMDB database seen through the journal, in three layers: `pending`, the writes of the
 * current event-loop turn not yet appended to the journal (the open write's own changes among
 * them); `overlay`, writes in the journal not yet applied to LMDB; then LMDB itself. Point reads
 * take the first layer that holds the key; ranges merge the layers in key order, the upper layer
 * winning ties and tombstones hiding what is below. Only a write's body sees `pending` (it must
 * build on the writes before it); any other read sees appended writes only, so nothing is read
 * before it can be acknowledged. With the layers empty (the usual case for anything not written
 * in the last moments) every call goes straight to lmdb-js.
 */
export class JournaledTable<V, K> implements KvTable<V, K> {
  readonly pending = new SortedLayer<V, K>()
  readonly overlay = new SortedLayer<V, K>()

  constructor(
    readonly index: number,
    readonly name: string,
    readonly valueKind: ValueKind,
    readonly base: Database<V, Key>,
    private readonly scope: WriteScope,
  ) {}

  /** Whether reads now include `pending`: inside a write's body. */
  private get seesPending(): boolean {
    return this.scope.active && this.pending.size > 0
  }

  private held(key: K): LayerEntry<V, K> | undefined {
    const pending = this.seesPending
    if (!pending && this.overlay.size === 0) return undefined
    const sortKey = sortKeyOf(key)
    return (pending ? this.pending.get(sortKey) : undefined) ?? this.overlay.get(sortKey)
  }

  get(key: K): V | undefined {
    const entry = this.held(key)
    if (!entry) return this.base.get(key as Key)
    return entry.value === REMOVED ? undefined : entry.value
  }

  getBinaryFast(key: K): Uint8Array | undefined {
    const entry = this.held(key)
    if (!entry) return this.base.getBinaryFast(key as Key)
    return entry.value === REMOVED ? undefined : (entry.value as Uint8Array)
  }

  getRange(range: KvRange<K>): Iterable<{ key: K; value: V }> {
    const layers = this.layersIn(range)
    if (layers.length === 0) return this.base.getRange(range as never) as Iterable<{ key: K; value: V }>
    const { limit, ...unlimited } = range
    const base = this.base.getRange(unlimited as never) as Iterable<{ key: K; value: V }>
    return merge(layers, base, range.reverse === true, limit ?? Infinity)
  }

  getKeys(range: KvRange<K>): Iterable<K> {
    const layers = this.layersIn(range)
    if (layers.length === 0) return this.base.getKeys(range as never) as Iterable<K>
    const { limit, ...unlimited } = range
    const base = mapIterable(this.base.getKeys(unlimited as never) as Iterable<K>, (key) => ({ key, value: undefined as V }))
    return mapIterable(merge(layers, base, range.reverse === true, limit ?? Infinity), (entry) => entry.key)
  }

  private layersIn(range: KvRange<K>): LayerEntry<V, K>[][] {
    const pending = this.seesPending
    if (!pending && this.overlay.size === 0) return []
    const bounds = {
      start: range.start === undefined ? undefined : sortKeyOf(range.start),
      end: range.end === undefined ? undefined : sortKeyOf(range.end),
      reverse: range.reverse,
    }
    const layers = pending ? [this.pending.range(bounds), this.overlay.range(bounds)] : [this.overlay.range(bounds)]
    return layers.filter((layer) => layer.length > 0)
  }

  putSync(key: K, value: V): void {
    this.write(key, value)
  }

  removeSync(key: K): void {
    this.write(key, REMOVED)
  }

  private write(key: K, value: V | typeof REMOVED): void {
    if (!this.scope.active) throw new Error(`write to ${this.name} outside a journaled write`)
    const sortKey = sortKeyOf(key)
    // Refused now, as LMDB would: a journaled write LMDB cannot take would stall the applier.
    const max = (this.base as { maxKeySize?: number }).maxKeySize ?? 1978
    if (sortKey.length > max) throw new Error(`Key was too large, max key size is ${max}`)
    const previous = this.pending.get(sortKey)
    if (previous && previous.seq === 0) {
      // Set before by this same write: its change is already recorded.
      previous.value = value
      return
    }
    const entry: LayerEntry<V, K> = { sortKey, key, value, seq: 0 }
    this.pending.set(entry)
    this.scope.changes.push({ table: this, entry, previous })
  }

  /** Undoes one change of a write that threw. */
  undo(change: WriteChange): void {
    if (change.previous) this.pending.set(change.previous as LayerEntry<V, K>)
    else this.pending.delete(change.entry.sortKey)
  }
}

function* mapIterable<A, B>(source: Iterable<A>, map: (a: A) => B): Iterable<B> {
  for (const item of source) yield map(item)
}

interface Head<V, K> {
  sortKey: string
  key: K
  value: V | typeof REMOVED
}

/**
 * Merges layer slices (highest priority first) with an LMDB range in the same direction. An
 * LMDB key is encoded only to compare it, and only while some layer still has entries left.
 */
function* merge<V, K>(
  layers: LayerEntry<V, K>[][],
  base: Iterable<{ key: K; value: V }>,
  reverse: boolean,
  limit: number,
): Iterable<{ key: K; value: V }> {
  const at = layers.map(() => 0)
  const iterator = base[Symbol.iterator]()
  let baseHead: Head<V, K> | undefined
  const advanceBase = () => {
    const next = iterator.next()
    baseHead = next.done ? undefined : { sortKey: sortKeyOf(next.value.key), key: next.value.key, value: next.value.value }
  }
  advanceBase()
  const before = (a: string, b: string) => (reverse ? a > b : a < b)
  let emitted = 0
  try {
    while (emitted < limit) {
      let best: Head<V, K> | undefined
      for (let i = 0; i < layers.length; i++) {
        const head = layers[i]![at[i]!]
        if (head && (!best || before(head.sortKey, best.sortKey))) best = head
      }
      if (!best) {
        // Every layer is spent: the rest of the range is LMDB's alone, no encoding needed.
        if (!baseHead) return
        yield { key: baseHead.key, value: baseHead.value as V }
        for (let next = iterator.next(); !next.done && ++emitted < limit; next = iterator.next()) yield next.value
        return
      }
      if (baseHead && before(baseHead.sortKey, best.sortKey)) best = baseHead
      // The highest layer holding this key decides; every source at this key moves on.
      let winner: Head<V, K> | undefined
      for (let i = 0; i < layers.length; i++) {
        const head = layers[i]![at[i]!]
        if (head && head.sortKey === best.sortKey) {
          winner ??= head
          at[i]!++
        }
      }
      if (baseHead && baseHead.sortKey === best.sortKey) {
        winner ??= baseHead
        advanceBase()
      }
      if (winner!.value === REMOVED) continue
      emitted++
      yield { key: winner!.key, value: winner!.value }
    }
  } finally {
    iterator.return?.()
  }
}
