import { asCommitError } from './lmdb-commit.js'
import { TABLES, type LmdbLayout } from './lmdb-layout.js'
import { REMOVED } from './sorted-layer.js'

/** One journaled change as lmdb-js takes it: a decoded key and value, or a removal. */
export interface ApplyOp {
  table: number
  key: unknown
  value: unknown
}

export const APPLIED_KEY = 'journal.applied'

/** The last journal seq whose writes are in LMDB (0 for a store that never had a journal). */
export const appliedSeq = (layout: LmdbLayout): number => layout.meta.get(APPLIED_KEY) ?? 0

/**
 * Applies journaled writes to LMDB in one transaction, recording `seq` as applied in the same
 * commit. The operations are queued for lmdb-js's write thread (`batch`), so the B-tree work
 * happens off the main thread. Replaying a write twice is harmless: every op sets a final
 * value, so applying a suffix of the journal again in order gives the same state.
 */
export async function applyToLmdb(layout: LmdbLayout, ops: readonly ApplyOp[], seq: number): Promise<void> {
  await asCommitError(() =>
    layout.root.batch(() => {
      for (const op of ops) {
        const db = layout.raw[TABLES[op.table]!.name]
        if (op.value === REMOVED) void db.remove(op.key as never)
        else void db.put(op.key as never, op.value)
      }
      void layout.meta.put(APPLIED_KEY, seq)
    }),
  )
}
