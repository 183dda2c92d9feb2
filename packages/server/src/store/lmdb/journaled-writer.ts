import fs from 'node:fs'
import { toBufferKey } from 'ordered-binary'
import type { Durability } from '../chat-store.js'
import { StoreCommitError } from '../store-commit-error.js'
import { encodeRecord, listSegments, segmentFile, type JournalOp } from './journal-file.js'
import { applyToLmdb, type ApplyOp } from './journal-apply.js'
import { claimJournal } from './journal-lock.js'
import { replayJournal } from './journal-replay.js'
import { JournaledTable, type WriteScope } from './journaled-table.js'
import { TABLES, type LmdbLayout, type LmdbTables } from './lmdb-layout.js'
import type { LmdbWriter } from './lmdb-writer.js'
import { REMOVED } from './sorted-layer.js'

export interface JournalOptions {
  /** How often `fast` writes are flushed to disk. */
  flushIntervalMs: number
  warn: (msg: string) => void
}

/** A segment is closed and a new one started past this size. */
const SEGMENT_BYTES = 64 << 20
/** Most ops (and bytes) applied to LMDB in one commit. */
const APPLY_BATCH_OPS = 20_000
const APPLY_BATCH_BYTES = 64 << 20
/** Writes wait for the applier when this much is acknowledged but not yet in LMDB. */
const BACKLOG_BYTES = 256 << 20
const RETRY_MS = 1000

interface Pending {
  seq: number
  ops: ApplyOp[]
  bytes: number
  tables: JournaledTable<unknown, unknown>[]
}

/**
 * Opens the journaled writer for a data directory: replays what an unclean stop left in the
 * journal, then acknowledges each write once it is appended to the journal (and, for `safe`,
 * flushed), applying writes to LMDB behind it (docs/durability.md, ARCHITECTURE.md).
 */
export async function openJournaledWriter(layout: LmdbLayout, dir: string, options: JournalOptions): Promise<LmdbWriter> {
  fs.mkdirSync(dir, { recursive: true })
  const claim = claimJournal(dir)
  try {
    const last = await replayJournal(layout, dir, options.warn)
    return new JournaledWriter(layout, dir, last, options, () => claim.release())
  } catch (error) {
    claim.release()
    throw error
  }
}

/** Applies whatever an earlier journaled process left behind (the primary of `--workers`). */
export async function recoverJournal(layout: LmdbLayout, dir: string, warn: (msg: string) => void): Promise<void> {
  if (listSegments(dir).length === 0) return
  const claim = claimJournal(dir)
  try {
    await replayJournal(layout, dir, warn)
  } finally {
    claim.release()
  }
}

class JournaledWriter implements LmdbWriter {
  readonly tables: LmdbTables
  private readonly all: JournaledTable<unknown, unknown>[]
  private readonly scope: WriteScope = { active: false, touched: new Set() }

  private fd: number
  private currentFirstSeq: number
  private segmentBytes = 0
  /** Closed segments and the last seq each holds (deleted once LMDB has flushed past it). */
  private closedSegments: { lastSeq: number; file: string }[] = []
  private lastSeq: number
  private syncedSeq: number
  private syncing = false
  private syncWaiters: { seq: number; resolve: () => void; reject: (error: unknown) => void }[] = []
  private retiring: number[] = []
  private broken: unknown

  private queue: Pending[] = []
  private backlogBytes = 0
  private applying = false
  private pumpScheduled = false
  private applyWaiters: (() => void)[] = []
  private applyFailure: unknown
  private readonly flushTimer: NodeJS.Timeout
  private closed = false

  constructor(
    private readonly layout: LmdbLayout,
    private readonly dir: string,
    last: number,
    private readonly options: JournalOptions,
    private readonly release: () => void,
  ) {
    this.all = TABLES.map(
      (table, index) =>
        new JournaledTable(index, table.name, table.values, layout.raw[table.name], this.scope),
    )
    this.tables = Object.fromEntries(this.all.map((table) => [table.name, table])) as unknown as LmdbTables
    this.lastSeq = last
    this.syncedSeq = last
    this.currentFirstSeq = last + 1
    this.fd = fs.openSync(segmentFile(dir, last + 1), 'a')
    this.flushTimer = setInterval(() => {
      if (this.lastSeq > this.syncedSeq) this.requestSync()
    }, options.flushIntervalMs)
    this.flushTimer.unref()
  }

  async write<T>(body: () => T, durability: Durability): Promise<T> {
    if (this.closed) throw new StoreCommitError('the store is closed')
    while (this.backlogBytes > BACKLOG_BYTES) await new Promise<void>((resolve) => this.applyWaiters.push(resolve))
    if (this.broken !== undefined) throw new StoreCommitError(this.broken)
    const { scope } = this
    let result: T
    scope.active = true
    try {
      result = body()
    } catch (error) {
      this.discardPending()
      throw error
    } finally {
      scope.active = false
    }
    if (scope.touched.size === 0) return result
    const seq = this.lastSeq + 1
    const journalOps: JournalOp[] = []
    const ops: ApplyOp[] = []
    let bytes = 0
    for (const table of scope.touched) {
      for (const entry of table.pending.all()) {
        const value = entry.value === REMOVED ? undefined : journalValue(table, entry.value)
        journalOps.push({ table: table.index, key: entry.bytes, value })
        ops.push({ table: table.index, key: entry.key, value: entry.value })
        bytes += entry.bytes.length + (value?.length ?? 0)
      }
    }
    try {
      this.append(encodeRecord({ seq, ops: journalOps }))
    } catch (error) {
      this.discardPending()
      throw new StoreCommitError(error)
    }
    this.lastSeq = seq
    const tables = [...scope.touched]
    for (const table of tables) {
      for (const entry of table.pending.all()) table.overlay.set({ ...entry, seq })
      table.pending.clear()
    }
    scope.touched.clear()
    this.queue.push({ seq, ops, bytes, tables })
    this.backlogBytes += bytes
    this.schedulePump()
    if (durability === 'safe') await this.synced(seq)
    return result
  }

  private discardPending(): void {
    for (const table of this.scope.touched) table.pending.clear()
    this.scope.touched.clear()
  }

  /** Appends one record with write(2); a failed append is cut off again so the file stays whole. */
  private append(record: Buffer): void {
    if (this.segmentBytes >= SEGMENT_BYTES) this.rotate()
    try {
      for (let at = 0; at < record.length; ) at += fs.writeSync(this.fd, record, at, record.length - at)
    } catch (error) {
      try {
        fs.ftruncateSync(this.fd, this.segmentBytes)
      } catch (truncateError) {
        this.broken = truncateError
      }
      throw error
    }
    this.segmentBytes += record.length
  }

  /** Starts a new segment; the old one is flushed first, so every record in it is durable. */
  private rotate(): void {
    fs.fdatasyncSync(this.fd)
    this.syncedSeq = this.lastSeq
    this.closedSegments.push({ lastSeq: this.lastSeq, file: segmentFile(this.dir, this.currentFirstSeq) })
    if (this.syncing) this.retiring.push(this.fd)
    else fs.closeSync(this.fd)
    this.fd = fs.openSync(segmentFile(this.dir, this.lastSeq + 1), 'a')
    this.segmentBytes = 0
    this.currentFirstSeq = this.lastSeq + 1
    this.settleSyncWaiters()
  }

  private synced(seq: number): Promise<void> {
    if (this.syncedSeq >= seq) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.syncWaiters.push({ seq, resolve, reject })
      this.requestSync()
    })
  }

  /** Group flush: one fdatasync covers every record appended before it started. */
  private requestSync(): void {
    if (this.syncing) return
    this.syncing = true
    const target = this.lastSeq
    fs.fdatasync(this.fd, (error) => {
      this.syncing = false
      for (const fd of this.retiring.splice(0)) fs.close(fd, () => {})
      if (error) {
        for (const waiter of this.syncWaiters.splice(0)) waiter.reject(new StoreCommitError(error))
        return
      }
      this.syncedSeq = Math.max(this.syncedSeq, target)
      this.settleSyncWaiters()
      if (this.syncWaiters.length > 0) this.requestSync()
    })
  }

  private settleSyncWaiters(): void {
    const waiting: typeof this.syncWaiters = []
    for (const waiter of this.syncWaiters) {
      if (waiter.seq <= this.syncedSeq) waiter.resolve()
      else waiting.push(waiter)
    }
    this.syncWaiters = waiting
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return
    this.pumpScheduled = true
    setImmediate(() => {
      this.pumpScheduled = false
      this.pump()
    })
  }

  /** Applies the oldest acknowledged writes to LMDB, one commit at a time. */
  private pump(): void {
    if (this.applying || this.queue.length === 0) return
    let count = 0
    let bytes = 0
    let take = 0
    while (take < this.queue.length && count < APPLY_BATCH_OPS && bytes < APPLY_BATCH_BYTES) {
      count += this.queue[take]!.ops.length
      bytes += this.queue[take]!.bytes
      take++
    }
    const batch = this.queue.slice(0, take)
    const seq = batch.at(-1)!.seq
    this.applying = true
    applyToLmdb(this.layout, batch.flatMap((item) => item.ops), seq).then(
      () => {
        this.queue.splice(0, take)
        this.backlogBytes -= bytes
        // LMDB now holds these writes (reads see a commit once its promise resolves).
        for (const table of new Set(batch.flatMap((item) => item.tables))) table.overlay.dropThrough(seq)
        this.applying = false
        this.applyFailure = undefined
        for (const resolve of this.applyWaiters.splice(0)) resolve()
        void this.layout.root.flushed.then(() => this.checkpoint(seq))
        this.pump()
      },
      (error: unknown) => {
        this.applying = false
        this.applyFailure = error
        for (const resolve of this.applyWaiters.splice(0)) resolve()
        if (this.closed) return
        this.options.warn(`applying the journal to LMDB failed, retrying: ${error instanceof Error ? error.message : String(error)}`)
        setTimeout(() => this.pump(), RETRY_MS).unref()
      },
    )
  }

  /** Deletes the closed segments LMDB has made durable. */
  private checkpoint(durableSeq: number): void {
    const keep: typeof this.closedSegments = []
    for (const segment of this.closedSegments) {
      if (segment.lastSeq <= durableSeq) fs.rm(segment.file, { force: true }, () => {})
      else keep.push(segment)
    }
    this.closedSegments = keep
  }

  async flush(): Promise<void> {
    await this.synced(this.lastSeq)
  }

  async settle(): Promise<void> {
    const seq = this.lastSeq
    while (this.queue.length > 0 && this.queue[0]!.seq <= seq && this.applyFailure === undefined)
      await new Promise<void>((resolve) => this.applyWaiters.push(resolve))
  }

  /** Applies everything to LMDB, flushes it and removes the journal; a failure leaves it for replay. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.flushTimer)
    await this.synced(this.lastSeq)
    this.applyFailure = undefined
    while (this.queue.length > 0 && this.applyFailure === undefined) {
      if (!this.applying) this.pump()
      await new Promise<void>((resolve) => this.applyWaiters.push(resolve))
    }
    await this.layout.root.flushed
    fs.closeSync(this.fd)
    if (this.queue.length === 0)
      for (const segment of listSegments(this.dir)) fs.rmSync(segment.file, { force: true })
    this.release()
    await this.layout.root.close()
  }
}

function journalValue(table: JournaledTable<unknown, unknown>, value: unknown): Buffer {
  if (table.valueKind === 'ordered') return toBufferKey(value as never)
  const bytes = value as Uint8Array
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
