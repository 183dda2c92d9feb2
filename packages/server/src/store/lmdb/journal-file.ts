import fs from 'node:fs'
import path from 'node:path'
import { crc32 } from 'node:zlib'

/**
 * The journal's on-disk format: numbered segment files (`<first seq>.log`) of records
 *
 *   u32 payload length | u32 crc32(payload) | payload
 *   payload = f64 seq | u32 op count | ops
 *   op      = u8 table | u8 kind (1 put, 2 remove) | u16 key length | key | u32 value length | value
 *
 * Keys are ordered-binary bytes, values the table's stored encoding (journaled-table.ts). A
 * record is one write, appended with one write(2); a record cut short by a crash fails its
 * length or checksum, and reading stops there: it was never acknowledged.
 */
export interface JournalOp {
  table: number
  key: Buffer
  /** undefined: a removal. */
  value: Buffer | undefined
}

export interface JournalRecord {
  seq: number
  ops: JournalOp[]
}

const HEADER = 8
const PUT = 1
const REMOVE = 2

export function encodeRecord(record: JournalRecord): Buffer {
  let size = HEADER + 12
  for (const op of record.ops) size += 8 + op.key.length + (op.value?.length ?? 0)
  const out = Buffer.allocUnsafe(size)
  let at = HEADER
  out.writeDoubleLE(record.seq, at)
  out.writeUInt32LE(record.ops.length, at + 8)
  at += 12
  for (const op of record.ops) {
    out[at] = op.table
    out[at + 1] = op.value === undefined ? REMOVE : PUT
    out.writeUInt16LE(op.key.length, at + 2)
    at += 4
    at += op.key.copy(out, at)
    out.writeUInt32LE(op.value?.length ?? 0, at)
    at += 4
    if (op.value) at += op.value.copy(out, at)
  }
  out.writeUInt32LE(size - HEADER, 0)
  out.writeUInt32LE(crc32(out.subarray(HEADER)), 4)
  return out
}

/** The whole records of a segment, in order, up to the first torn or corrupt one. */
export function readRecords(bytes: Buffer): { records: JournalRecord[]; validBytes: number } {
  const records: JournalRecord[] = []
  let at = 0
  while (at + HEADER <= bytes.length) {
    const length = bytes.readUInt32LE(at)
    const end = at + HEADER + length
    if (length < 12 || end > bytes.length) break
    const payload = bytes.subarray(at + HEADER, end)
    if (crc32(payload) !== bytes.readUInt32LE(at + 4)) break
    records.push(decodePayload(payload))
    at = end
  }
  return { records, validBytes: at }
}

function decodePayload(payload: Buffer): JournalRecord {
  const seq = payload.readDoubleLE(0)
  const count = payload.readUInt32LE(8)
  const ops: JournalOp[] = []
  let at = 12
  for (let i = 0; i < count; i++) {
    const table = payload[at]!
    const kind = payload[at + 1]
    const keyLength = payload.readUInt16LE(at + 2)
    at += 4
    const key = Buffer.from(payload.subarray(at, at + keyLength))
    at += keyLength
    const valueLength = payload.readUInt32LE(at)
    at += 4
    const value = kind === PUT ? Buffer.from(payload.subarray(at, at + valueLength)) : undefined
    at += valueLength
    ops.push({ table, key, value })
  }
  return { seq, ops }
}

export interface Segment {
  firstSeq: number
  file: string
}

const SEGMENT = /^(\d{16})\.log$/

export const segmentFile = (dir: string, firstSeq: number) =>
  path.join(dir, `${String(firstSeq).padStart(16, '0')}.log`)

/** The segments in a journal directory, oldest first. */
export function listSegments(dir: string): Segment[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .map((name) => SEGMENT.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ firstSeq: Number(match[1]), file: path.join(dir, match[0]) }))
    .sort((a, b) => a.firstSeq - b.firstSeq)
}
