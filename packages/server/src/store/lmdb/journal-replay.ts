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
  for (const [i, segment] of segments.entries()) {
    const bytes = fs.readFileSync(segment.file)
    const { records, validBytes } = readRecords(bytes)
    // A segment made from a zero-filled spare ends in zeros: only anything else is damage.
    if (i < segments.length - 1 && !zerosFrom(bytes, validBytes))
      warn(`journal segment ${segment.file} is damaged after byte ${validBytes}; later records of it are skipped`)
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
