import type { Key } from 'lmdb'
import type { JournalRecord } from './journal-file.js'
import { TABLES, type LmdbLayout } from './lmdb-layout.js'

const APPLIED_KEY = 'journal.applied'

/** The last journal seq whose writes are in LMDB (0 for a store that never had a journal). */
export const appliedSeq = (layout: LmdbLayout): number => layout.meta.get(APPLIED_KEY) ?? 0

/**
 * Applies journal records to LMDB in one synchronous transaction, recording the last seq as
 * applied in the same commit; it returns once the commit is on disk (a synchronous commit).
 * Ops go through the same typed databases as every other access: lmdb-js mixing raw-bytes and
 * typed handles of one database across threads was measured to lose removals. The journal
 * holds the stored bytes, and ordered-binary writes a Uint8Array key or `ordered` value as its
 * bytes unchanged, so they are handed over as they are, not decoded and encoded again.
 * Replaying a record twice is harmless: every op sets a final value, so applying a suffix of
 * the journal again in order gives the same state.
 */
export function applyRecords(layout: LmdbLayout, records: readonly JournalRecord[]): void {
  if (records.length === 0) return
  layout.root.transactionSync(() => {
    for (const record of records) {
      for (const op of record.ops) {
        const db = layout.raw[TABLES[op.table]!.name]
        const key = op.key as Key
        if (op.value === undefined) db.removeSync(key)
        else db.putSync(key, op.value)
      }
    }
    layout.meta.putSync(APPLIED_KEY, records.at(-1)!.seq)
  })
}
