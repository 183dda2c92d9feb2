import fs from 'node:fs'
import path from 'node:path'
import { crc32 } from 'node:zlib'

/**
 * The journal's on-disk format: numbered segment files (`<segment number>.log`, numbered in the
 * order they are written, so record seqs rise through them) of records
 *
 *   u32 payload length | u32 crc32(payload) | payload
 *   payload = f64 seq | u32 op count | ops
 *   op      = u8 table | u8 kind (1 put, 2 remove) | u16 key length | key | u32 value length | value
 *
 * Keys are ordered-binary bytes, values the table's stored encoding (journaled-table.ts): the
 * bytes LMDB stores. A record is one write; the records of one event-loop turn are appended
 * with one write(2). A record cut short by a crash fails its length or checksum, and reading
 * stops there: it was never acknowledged.
 */
export interface JournalOp {
  table: number
  key: Uint8Array
  /** undefined: a removal. */
  value: Uint8Array | undefined
}

export interface JournalRecord {
  seq: number
  ops: JournalOp[]
}

const HEADER = 8
const PAYLOAD_HEADER = 12
const OP_HEADER = 8
const PUT = 1
const REMOVE = 2

/**
 * Records encoded back to back into one reused buffer: the writes of one event-loop turn,
 * appended with a single write(2). A record is `begin`, its `op`s, then `end`; `discard` drops a
 * record left unfinished.
 */
export class RecordBuffer {
  private buf = Buffer.allocUnsafeSlow(1 << 16)
  private used = 0
  private recordStart = -1
  private ops = 0

  get length(): number {
    return this.used
  }

  begin(seq: number): void {
    this.reserve(HEADER + PAYLOAD_HEADER)
    this.recordStart = this.used
    this.buf.writeDoubleLE(seq, this.used + HEADER)
    this.used += HEADER + PAYLOAD_HEADER
    this.ops = 0
  }

  /** An op; `key` is its ordered-binary bytes as a latin1 string (sorted-layer.ts). */
  op(table: number, key: string, value: Uint8Array | undefined): void {
    this.reserve(OP_HEADER + key.length + (value?.length ?? 0))
    const { buf } = this
    let at = this.used
    buf[at] = table
    buf[at + 1] = value === undefined ? REMOVE : PUT
    buf.writeUInt16LE(key.length, at + 2)
    at += 4
    at += buf.write(key, at, 'latin1')
    buf.writeUInt32LE(value?.length ?? 0, at)
    at += 4
    if (value) {
      buf.set(value, at)
      at += value.length
    }
    this.used = at
    this.ops++
  }

  end(): void {
    const start = this.recordStart
    this.buf.writeUInt32LE(this.used - start - HEADER, start)
    this.buf.writeUInt32LE(this.ops, start + HEADER + 8)
    this.buf.writeUInt32LE(crc32(this.buf.subarray(start + HEADER, this.used)), start + 4)
    this.recordStart = -1
  }

  discard(): void {
    if (this.recordStart >= 0) this.used = this.recordStart
    this.recordStart = -1
  }

  /** The finished records as their own exact-size copy; the buffer starts over. */
  take(): Uint8Array {
    const out = new Uint8Array(this.used)
    out.set(this.buf.subarray(0, this.used))
    this.used = 0
    // A burst of large writes grew it: do not keep the memory.
    if (this.buf.length > MAX_KEPT_BYTES) this.buf = Buffer.allocUnsafeSlow(1 << 16)
    return out
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.buf.length) return
    const grown = Buffer.allocUnsafeSlow(Math.max(this.buf.length * 2, this.used + bytes))
    this.buf.copy(grown, 0, 0, this.used)
    this.buf = grown
  }
}

const MAX_KEPT_BYTES = 4 << 20

/**
 * The whole records in `bytes`, in order, up to the first torn or corrupt one. Keys and values
 * are views into `bytes`, not copies. `verify: false` skips the checksums, for records that
 * never left memory (the applier's batches, just encoded by RecordBuffer). `offsets[i]` is where
 * record `i` starts.
 */
export function readRecords(
  bytes: Uint8Array,
  verify = true,
): { records: JournalRecord[]; validBytes: number; offsets: number[] } {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const records: JournalRecord[] = []
  const offsets: number[] = []
  let at = 0
  while (at + HEADER <= view.length) {
    const length = view.readUInt32LE(at)
    const end = at + HEADER + length
    if (length < PAYLOAD_HEADER || end > view.length) break
    const payload = view.subarray(at + HEADER, end)
    if (verify && crc32(payload) !== view.readUInt32LE(at + 4)) break
    records.push(decodePayload(payload))
    offsets.push(at)
    at = end
  }
  return { records, validBytes: at, offsets }
}

/**
 * Where the first whole record past `from` starts, if any: one whose length fits, whose seq is a
 * whole number in `(after, after + 1e9]`, and whose checksum holds. A torn tail has none; damage
 * in the middle of the journal has the records written after it. The seq test comes before the
 * checksum so that garbage costs a few reads per byte, not a checksum over each candidate.
 */
export function findRecordAfter(bytes: Uint8Array, from: number, after: number): { offset: number; seq: number } | undefined {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  for (let at = from + 1; at + HEADER + PAYLOAD_HEADER <= view.length; at++) {
    const length = view.readUInt32LE(at)
    if (length < PAYLOAD_HEADER || at + HEADER + length > view.length) continue
    const seq = view.readDoubleLE(at + HEADER)
    if (!Number.isInteger(seq) || seq <= after || seq > after + 1e9) continue
    if (crc32(view.subarray(at + HEADER, at + HEADER + length)) === view.readUInt32LE(at + 4)) return { offset: at, seq }
  }
  return undefined
}

function decodePayload(payload: Buffer): JournalRecord {
  const seq = payload.readDoubleLE(0)
  const count = payload.readUInt32LE(8)
  const ops: JournalOp[] = []
  let at = PAYLOAD_HEADER
  for (let i = 0; i < count; i++) {
    const table = payload[at]!
    const kind = payload[at + 1]
    const keyLength = payload.readUInt16LE(at + 2)
    at += 4
    const key = payload.subarray(at, at + keyLength)
    at += keyLength
    const valueLength = payload.readUInt32LE(at)
    at += 4
    const value = kind === PUT ? payload.subarray(at, at + valueLength) : undefined
    at += valueLength
    ops.push({ table, key, value })
  }
  return { seq, ops }
}

export interface Segment {
  number: number
  file: string
}

const SEGMENT = /^(\d{16})\.log$/

export const segmentFile = (dir: string, number: number) =>
  path.join(dir, `${String(number).padStart(16, '0')}.log`)

/** The segments in a journal directory, oldest first. */
export function listSegments(dir: string): Segment[] {
  if (!fs.existsSync(dir)) return []
  return fs
    .readdirSync(dir)
    .map((name) => SEGMENT.exec(name))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ number: Number(match[1]), file: path.join(dir, match[0]) }))
    .sort((a, b) => a.number - b.number)
}
