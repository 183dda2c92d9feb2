import fs from 'node:fs'
import { readRecords, listSegments, type JournalRecord } from './journal-file.js'
import { applyRecords, appliedSeq } from './journal-apply.js'
import type { LmdbLayout } from './lmdb-layout.js'

/** Ops per LMDB commit while replaying. */
const REPLAY_BATCH_OPS = 20_000

/**
 * Brings LMDB up to date with the journal after a stop or a crash: applies every whole record
 * after the applied position (synchronous commits, so it is on disk after), then deletes the
 * segments. Returns the last seq in LMDB. The caller holds the journal lock and no other thread
 * writes meanwhile.
 */
export function replayJournal(layout: LmdbLayout, dir: string, warn: (msg: string) => void): number {
  let last = appliedSeq(layout)
  const segments = listSegments(dir)
  let batch: JournalRecord[] = []
  let ops = 0
  let replayed = 0
  /** Segments with something other than zeros after their records, said once a later one has records. */
  const damaged: string[] = []
  for (const segment of segments) {
    const bytes = fs.readFileSync(segment.file)
    const { records, validBytes } = readRecords(bytes)
    // Zeros are a spare's (journal-segments.ts), and the tail of the segment being written when
    // a crash came may be a record cut short; only such a tail before later records is damage.
    if (records.length > 0) for (const message of damaged.splice(0)) warn(message)
    if (!zerosFrom(bytes, validBytes))
      damaged.push(`journal segment ${segment.file} is damaged after byte ${validBytes}; later records of it are skipped`)
    for (const record of records) {
      if (record.seq <= last) continue
      batch.push(record)
      ops += record.ops.length
      last = record.seq
      replayed++
      if (ops >= REPLAY_BATCH_OPS) {
        applyRecords(layout, batch)
        batch = []
        ops = 0
      }
    }
  }
  applyRecords(layout, batch)
  for (const segment of segments) fs.rmSync(segment.file, { force: true })
  if (replayed > 0) warn(`replayed ${replayed} journaled write(s) into LMDB after an unclean stop`)
  return last
}

function zerosFrom(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false
  return true
}
