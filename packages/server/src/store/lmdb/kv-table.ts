/**
 * The part of an lmdb-js database the LMDB backend uses: point reads, ordered ranges and
 * synchronous writes inside a write. Both a raw lmdb-js `Database` (direct writes) and a
 * journaled table view (journaled-table.ts) provide it, so the store's logic is written once.
 *
 * Ranges follow lmdb-js: `start` is inclusive, `end` exclusive, in key order or, with
 * `reverse`, from `start` down to `end`.
 */
export interface KvRange<K> {
  /** A key or a prefix of one (ranges over array keys usually bound by prefixes). */
  start?: K | readonly unknown[]
  end?: K | readonly unknown[]
  reverse?: boolean
  limit?: number
}

export interface KvTable<V, K> {
  get(key: K): V | undefined
  getKeys(range: KvRange<K>): Iterable<K>
  getRange(range: KvRange<K>): Iterable<{ key: K; value: V }>
  /** Only inside a write (LmdbWriter.write). */
  putSync(key: K, value: V): unknown
  /** Only inside a write (LmdbWriter.write). */
  removeSync(key: K): unknown
}

/** A table of byte values, with lmdb-js's zero-copy read (valid until the next read). */
export interface KvBinaryTable<K> extends KvTable<Buffer, K> {
  getBinaryFast(key: K): Uint8Array | undefined
}

/** How a table stores values: bytes as they are, or ordered-binary primitives. */
export type ValueKind = 'binary' | 'ordered'
