/**
 * Writes held in memory above LMDB, in LMDB's own key order: entries are sorted by their
 * ordered-binary key bytes, the encoding lmdb-js stores, so a range of a layer lines up with
 * the same range of the database beneath it. A removal is kept as a tombstone (`REMOVED`),
 * since it must hide the key in the layers below.
 *
 * The bytes are held as a latin1 string (one character per byte, `sortKeyOf`): JavaScript
 * compares strings by code unit, which for latin1 is exactly the bytes' order, shorter prefix
 * first, as LMDB compares them. A string is one small heap object compared in JIT code, where a
 * Buffer is several objects and a native call per comparison.
 */
export const REMOVED: unique symbol = Symbol('removed')

export interface LayerEntry<V, K> {
  /** The key's ordered-binary bytes as a latin1 string: the sort key. */
  sortKey: string
  key: K
  value: V | typeof REMOVED
  /** The journal sequence number of the write that set it (0 while that write is open). */
  seq: number
}

export interface ByteRange {
  start?: string
  end?: string
  reverse?: boolean
}

export class SortedLayer<V, K> {
  private entries: LayerEntry<V, K>[] = []

  get size(): number {
    return this.entries.length
  }

  /** The first index whose key is not below `sortKey`. */
  private lowerBound(sortKey: string): number {
    let lo = 0
    let hi = this.entries.length
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (this.entries[mid]!.sortKey < sortKey) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  get(sortKey: string): LayerEntry<V, K> | undefined {
    const at = this.lowerBound(sortKey)
    const entry = this.entries[at]
    return entry && entry.sortKey === sortKey ? entry : undefined
  }

  set(entry: LayerEntry<V, K>): void {
    const at = this.lowerBound(entry.sortKey)
    const existing = this.entries[at]
    if (existing && existing.sortKey === entry.sortKey) this.entries[at] = entry
    else this.entries.splice(at, 0, entry)
  }

  delete(sortKey: string): void {
    const at = this.lowerBound(sortKey)
    const entry = this.entries[at]
    if (entry && entry.sortKey === sortKey) this.entries.splice(at, 1)
  }

  /** The entries in a range (lmdb-js bounds: start inclusive, end exclusive), in its order. */
  range({ start, end, reverse }: ByteRange): LayerEntry<V, K>[] {
    if (this.entries.length === 0) return []
    if (!reverse) {
      const from = start ? this.lowerBound(start) : 0
      const to = end ? this.lowerBound(end) : this.entries.length
      return from < to ? this.entries.slice(from, to) : []
    }
    // Reverse: keys <= start, > end.
    const to = start ? this.upperBound(start) : this.entries.length
    const from = end ? this.upperBound(end) : 0
    return from < to ? this.entries.slice(from, to).reverse() : []
  }

  /** The first index whose key is above `sortKey`. */
  private upperBound(sortKey: string): number {
    const at = this.lowerBound(sortKey)
    const entry = this.entries[at]
    return entry && entry.sortKey === sortKey ? at + 1 : at
  }

  all(): readonly LayerEntry<V, K>[] {
    return this.entries
  }

  clear(): void {
    this.entries = []
  }

  /** Drops the entries a write up to `seq` set (they are in LMDB now); later ones stay. */
  dropThrough(seq: number): void {
    this.entries = this.entries.filter((entry) => entry.seq > seq)
  }
}
