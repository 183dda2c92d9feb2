import fs from 'node:fs'
import path from 'node:path'
import { findRecordAfter, listSegments, readRecords, type JournalRecord, type Segment } from './journal-file.js'
import { applyRecords, appliedSeq } from './journal-apply.js'
import type { LmdbLayout } from './lmdb-layout.js'

/** Ops per LMDB commit while replaying. */
const REPLAY_BATCH_OPS = 20_000

/** Where replay had to stop short of records it found: damage, or records missing before some. */
interface Break {
  file: string
  offset: number
  reason: string
}

/**
 * Brings LMDB up to date with the journal after a stop or a crash: applies, in order, every
 * whole record after the applied position, then deletes the segments. Returns the last seq in
 * LMDB. The caller holds the journal lock and no other thread writes meanwhile.
 *
 * Records are numbered without gaps, so replay applies exactly the unbroken run that follows
 * LMDB's position. A tail cut short by a crash ends the run quietly (it was never acknowledged
 * whole). Damage with whole records after it, or a record whose predecessors are missing, also
 * ends it: what lies beyond is not applied, since applying it without what is missing would
 * leave the store inconsistent (a thread's counts ahead of its messages). The server then starts
 * on the consistent prefix, the segments from the break on are moved to `damaged-<time>/` in the
 * journal directory for inspection, and the warning says where and how much was set aside.
 */
export function replayJournal(layout: LmdbLayout, dir: string, warn: (msg: string) => void): number {
  let last = appliedSeq(layout)
  const segments = listSegments(dir)
  let batch: JournalRecord[] = []
  let ops = 0
  let replayed = 0
  let broke: Break | undefined
  let setAside: Segment[] = []
  /**
   * The latest segment whose tail was not zeros: where a break found later began, or, once a
   * later record follows on, damage that lost nothing (then said as a warning).
   */
  let damagedTail: { index: number; file: string; offset: number } | undefined
  for (const [index, segment] of segments.entries()) {
    const bytes = fs.readFileSync(segment.file)
    const { records, validBytes, offsets } = readRecords(bytes)
    for (const [i, record] of records.entries()) {
      if (record.seq <= last) continue
      if (record.seq !== last + 1) {
        const missing = `writes ${last + 1} to ${record.seq - 1} are missing before byte ${offsets[i]} of ${segment.file}`
        // Damage at the end of an earlier segment, seen as a torn tail there, is where they went.
        broke = damagedTail
          ? { file: damagedTail.file, offset: damagedTail.offset, reason: `it is damaged, and ${missing}` }
          : { file: segment.file, offset: offsets[i]!, reason: missing }
        break
      }
      // A record that follows on proves an earlier segment's damaged tail held nothing missing.
      if (damagedTail && damagedTail.index !== index) {
        warn(`journal segment ${damagedTail.file} is damaged after byte ${damagedTail.offset}; nothing in it was missing`)
        damagedTail = undefined
      }
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
    if (!broke && !zerosFrom(bytes, validBytes)) {
      const beyond = findRecordAfter(bytes, validBytes, last)
      if (beyond)
        broke = { file: segment.file, offset: validBytes, reason: `it is damaged, with whole records after the damage (write ${beyond.seq} at byte ${beyond.offset})` }
      else damagedTail = { index, file: segment.file, offset: validBytes }
    }
    if (broke) {
      setAside = segments.slice(broke.file === damagedTail?.file ? damagedTail.index : index)
      break
    }
  }
  applyRecords(layout, batch)
  const kept = broke ? setAsideSegments(dir, setAside) : undefined
  for (const segment of segments) fs.rmSync(segment.file, { force: true })
  if (replayed > 0) warn(`replayed ${replayed} journaled write(s) into LMDB after an unclean stop`)
  if (broke)
    warn(
      `THE JOURNAL IS DAMAGED: replay stopped at byte ${broke.offset} of ${broke.file}: ${broke.reason}. ` +
        `LMDB holds every write up to ${last}; the journal from there on was not applied (applying it ` +
        `without what is missing would leave the store inconsistent) and is kept in ${kept} for inspection. ` +
        'Writes acknowledged after the damage are not in the store: restore them from a backup if you need them.',
    )
  return last
}

/** Moves segments into a fresh `damaged-<time>` directory of the journal; returns its path. */
function setAsideSegments(dir: string, segments: readonly Segment[]): string {
  const target = path.join(dir, `damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`)
  fs.mkdirSync(target, { recursive: true })
  for (const segment of segments) fs.renameSync(segment.file, path.join(target, path.basename(segment.file)))
  return target
}

function zerosFrom(bytes: Uint8Array, from: number): boolean {
  for (let i = from; i < bytes.length; i++) if (bytes[i] !== 0) return false
  return true
}
