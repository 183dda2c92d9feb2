import fs from 'node:fs'
import { fromBufferKey } from 'ordered-binary'
import { readRecords, listSegments } from './journal-file.js'
import { applyToLmdb, appliedSeq, type ApplyOp } from './journal-apply.js'
import { TABLES, type LmdbLayout } from './lmdb-layout.js'
import { REMOVED } from './sorted-layer.js'

/** Ops per LMDB commit while replaying. */
const REPLAY_BATCH_OPS = 20_000

/**
 * Brings LMDB up to date with the journal after a stop or a crash: applies every whole record
 * after the applied position, waits for LMDB to flush, then deletes the segments. Returns the
 * last seq in LMDB. The caller holds the journal lock.
 */
export async function replayJournal(layout: LmdbLayout, dir: string, warn: (msg: string) => void): Promise<number> {
  let last = appliedSeq(layout)
  const segments = listSegments(dir)
  let batch: ApplyOp[] = []
  let replayed = 0
  for (const [i, segment] of segments.entries()) {
    const bytes = fs.readFileSync(segment.file)
    const { records, validBytes } = readRecords(bytes)
    if (validBytes < bytes.length && i < segments.length - 1)
      warn(`journal segment ${segment.file} is damaged after byte ${validBytes}; later records of it are skipped`)
    for (const record of records) {
      if (record.seq <= last) continue
      for (const op of record.ops) {
        const values = TABLES[op.table]!.values
        const value =
          op.value === undefined ? REMOVED : values === 'binary' ? op.value : fromBufferKey(op.value)
        batch.push({ table: op.table, key: fromBufferKey(op.key), value })
      }
      last = record.seq
      replayed++
      if (batch.length >= REPLAY_BATCH_OPS) {
        await applyToLmdb(layout, batch, last)
        batch = []
      }
    }
  }
  if (batch.length > 0) await applyToLmdb(layout, batch, last)
  await layout.root.flushed
  for (const segment of segments) fs.rmSync(segment.file, { force: true })
  if (replayed > 0) warn(`replayed ${replayed} journaled write(s) into LMDB after an unclean stop`)
  return last
}
