import fs from 'node:fs'
import type { StoreObserver } from '../store-observer.js'
import { toBufferKey } from 'ordered-binary'
import type { Durability } from '../chat-store.js'
import { StoreCommitError } from '../store-commit-error.js'
import { JournalApplier } from './journal-applier.js'
import { RecordBuffer, listSegments } from './journal-file.js'
import { claimJournal } from './journal-lock.js'
import { SegmentFiles, removeLegacySpare } from './journal-segments.js'
import { replayJournal } from './journal-replay.js'
import { JournaledTable, type WriteScope } from './journaled-table.js'
import { TABLES, type LmdbLayout, type LmdbTables } from './lmdb-layout.js'
import type { LmdbWriter } from './lmdb-writer.js'
import { REMOVED } from './sorted-layer.js'

export interface JournalOptions {
  /** How often `fast` writes are flushed to disk. */
  flushIntervalMs: number
  warn: (msg: string) => void
  /** Where a segment is closed and a new one started (`storage.journalSegmentBytes`; default SEGMENT_BYTES). */
  segmentBytes?: number
  /** Told each write's latency and each group flush's (for /metrics). */
  observer?: StoreObserver
}

const SEGMENT_BYTES = 64 << 20
/** Writes wait for the applier when this much is acknowledged but not yet in LMDB. */
const BACKLOG_BYTES = 64 << 20
/**
 * The applier's commits: at most one per this many ms, at most this many journal bytes each.
 * Shorter is better for latency, as applied writes leave the in-memory layers (and the young
 * generation) sooner, and smaller commits flush sooner: measured in 10 s open-loop runs, five
 * each, p90 at 3,000 fast creates/s 3.05 ms (5 ms), 2.71 (2 ms), 2.34 (1 ms); at 1,000 safe
 * creates/s 1.71, 1.43, 1.49 ms. Closed-loop throughput is the same; each halving costs server
 * CPU at 3,000/s (88 %, 92 %, 97 %) and doubles LMDB's flushes (docs/performance.md).
 */
const APPLY_INTERVAL_MS = 2
const APPLY_BATCH_BYTES = 16 << 20
const RETRY_MS = 1000

interface Deferred {
  promise: Promise<void>
  resolve: () => void
  reject: (error: unknown) => void
}

function deferred(): Deferred {
  let resolve!: () => void
  let reject!: (error: unknown) => void
  const promise = new Promise<void>((res, rej) => {
    resolve = res
    reject = rej
  })
  // A turn nobody awaits any more (its writers gave up) must not be an unhandled rejection.
  promise.catch(() => {})
  return { promise, resolve, reject }
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
    const last = replayJournal(layout, dir, options.warn)
    const writer = new JournaledWriter(layout, dir, last, options, () => claim.release())
    await writer.started()
    return writer
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
    removeLegacySpare(dir)
    replayJournal(layout, dir, warn)
  } finally {
    claim.release()
  }
}

/**
 * The write path of a single-process store. A write's body runs against the tables, its changes
 * land in their `pending` layers and are encoded as one journal record; at the end of the
 * event-loop turn every record of the turn is appended with one write(2) (a group append), the
 * turn's changes move to the `overlay` layers, `fast` writes are acknowledged and `safe` ones
 * wait for the group fdatasync. The appended bytes go to the applier thread, which commits them
 * to LMDB; the overlay drops them once they are there.
 */
class JournaledWriter implements LmdbWriter {
  readonly tables: LmdbTables
  private readonly all: JournaledTable<unknown, unknown>[]
  private readonly scope: WriteScope = { active: false, changes: [] }

  /** This turn's records, not yet appended; `turn` settles when they are. */
  private readonly records = new RecordBuffer()
  private turn: Deferred | undefined
  private readonly turnTables = new Set<JournaledTable<unknown, unknown>>()

  private readonly segments: SegmentFiles
  private readonly segmentLimit: number
  private fd: number
  private file: string
  private segmentBytes = 0
  /** Closed segments and the last seq each holds (deleted once LMDB holds everything in them). */
  private closedSegments: { lastSeq: number; file: string }[] = []
  /** The last seq given to a write, appended to the journal, flushed, applied to LMDB. */
  private lastSeq: number
  private appendedSeq: number
  private syncedSeq: number
  private appliedSeq: number
  private syncing = false
  private syncWaiters: { seq: number; resolve: () => void; reject: (error: unknown) => void }[] = []
  /** Closed segments' descriptors, closed once a flush has covered their records. */
  private unflushed: number[] = []
  private broken: unknown

  private readonly applier: JournalApplier
  /** Appended batches not yet applied: their last seq and size. */
  private backlog: { seq: number; bytes: number }[] = []
  private backlogBytes = 0
  private applyWaiters: (() => void)[] = []
  private applyFailure: string | undefined
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
    this.lastSeq = this.appendedSeq = this.syncedSeq = this.appliedSeq = last
    this.segmentLimit = options.segmentBytes ?? SEGMENT_BYTES
    this.segments = new SegmentFiles(dir, this.segmentLimit, options.warn)
    ;({ fd: this.fd, file: this.file } = this.segments.open())
    this.applier = new JournalApplier(
      { dataDir: layout.dataDir, minIntervalMs: APPLY_INTERVAL_MS, batchBytes: APPLY_BATCH_BYTES, retryMs: RETRY_MS },
      {
        applied: (seq) => this.onApplied(seq),
        failed: (message) => {
          this.applyFailure = message
          this.wakeApplyWaiters()
          if (!this.closed) options.warn(`applying the journal to LMDB failed, retrying: ${message}`)
        },
        died: (error) => {
          this.broken ??= error
          this.applyFailure = String(error)
          this.wakeApplyWaiters()
          options.warn(`the journal applier stopped; writes are refused until a restart replays the journal: ${String(error)}`)
        },
      },
    )
    this.flushTimer = setInterval(() => {
      if (this.appendedSeq > this.syncedSeq) this.requestSync()
    }, options.flushIntervalMs)
    this.flushTimer.unref()
  }

  /** Resolves once the applier thread is up; if it cannot start, undoes the opening and throws. */
  async started(): Promise<void> {
    try {
      await this.applier.ready
    } catch (error) {
      this.closed = true
      clearInterval(this.flushTimer)
      fs.closeSync(this.fd)
      throw error
    }
  }

  async write<T>(body: () => T, durability: Durability): Promise<T> {
    if (this.closed) throw new StoreCommitError('the store is closed')
    while (this.backlogBytes > BACKLOG_BYTES && this.broken === undefined) {
      // LMDB keeps refusing the applier's commits: refuse writes rather than hold them forever.
      if (this.applyFailure !== undefined) throw new StoreCommitError(this.applyFailure)
      await new Promise<void>((resolve) => this.applyWaiters.push(resolve))
    }
    if (this.broken !== undefined) throw new StoreCommitError(this.broken)
    const started = performance.now()
    const { scope } = this
    let result: T
    scope.active = true
    try {
      result = body()
      if (scope.changes.length > 0) this.record(this.lastSeq + 1)
    } catch (error) {
      for (let i = scope.changes.length - 1; i >= 0; i--) scope.changes[i]!.table.undo(scope.changes[i]!)
      throw error
    } finally {
      scope.active = false
      scope.changes.length = 0
    }
    if (this.records.length === 0) return result
    const seq = this.lastSeq
    if (!this.turn) {
      // The turn's first record: append them all once this turn's other requests have run.
      this.turn = deferred()
      setImmediate(() => this.appendTurn())
    }
    await this.turn.promise
    if (durability === 'safe') await this.synced(seq)
    this.options.observer?.committed(durability, (performance.now() - started) / 1000)
    return result
  }

  /** Encodes the open write as journal record `seq`; its changes then belong to it. */
  private record(seq: number): void {
    const { records } = this
    records.begin(seq)
    try {
      for (const { table, entry } of this.scope.changes)
        records.op(table.index, entry.sortKey, entry.value === REMOVED ? undefined : journalValue(table, entry.value))
    } catch (error) {
      records.discard()
      throw error
    }
    records.end()
    for (const { table, entry } of this.scope.changes) {
      entry.seq = seq
      this.turnTables.add(table)
    }
    this.lastSeq = seq
  }

  /** Appends the turn's records, then makes them visible and acknowledges them. */
  private appendTurn(): void {
    // A turn exists only once a write has recorded into it, so there is something to append.
    const turn = this.turn!
    this.turn = undefined
    const bytes = this.records.take()
    try {
      this.append(bytes)
    } catch (error) {
      // Nothing of the turn was acknowledged or seen outside its writes: drop it all, on disk
      // too, where a partial write may have left its first records whole (a replay would apply
      // writes that were refused, and the next turn reuses their numbers).
      this.dropPartialAppend()
      for (const table of this.turnTables) table.pending.clear()
      this.turnTables.clear()
      this.lastSeq = this.appendedSeq
      turn.reject(new StoreCommitError(error))
      return
    }
    this.appendedSeq = this.lastSeq
    for (const table of this.turnTables) {
      for (const entry of table.pending.all()) table.overlay.set(entry)
      table.pending.clear()
    }
    this.turnTables.clear()
    this.backlog.push({ seq: this.appendedSeq, bytes: bytes.length })
    this.backlogBytes += bytes.length
    this.applier.post(bytes)
    turn.resolve()
  }

  /**
   * Cuts the current segment back to its last appended byte after a failed append. If even that
   * fails, the journal on disk may hold refused writes: writes are refused until a restart.
   */
  private dropPartialAppend(): void {
    try {
      fs.ftruncateSync(this.fd, this.segmentBytes)
    } catch (error) {
      this.broken ??= error
      this.options.warn(
        `could not cut a failed append out of the journal (${String(error)}); writes are refused until a restart`,
      )
    }
  }

  /**
   * Writes at the segment's end with write(2). A write that fails is cut off again
   * (`dropPartialAppend`), so the journal holds only whole, acknowledged turns.
   */
  private append(bytes: Uint8Array): void {
    if (this.segmentBytes > 0 && this.segmentBytes + bytes.length > this.segmentLimit) this.rotate()
    for (let at = 0; at < bytes.length; )
      at += fs.writeSync(this.fd, bytes, at, bytes.length - at, this.segmentBytes + at)
    this.segmentBytes += bytes.length
    if (this.segmentBytes > this.segmentLimit / 2) void this.segments.prepareSpare()
  }

  /**
   * Starts a new segment. The old one is flushed by the next group flush, with the new one, and
   * closed after: nothing waits for a disk here (a flush of its own took 1-5 ms of the event
   * loop at each switch under load, docs/performance.md session 9).
   */
  private rotate(): void {
    // Opened first: if that throws, the segment being written stays the current one, untouched.
    const next = this.segments.open()
    this.closedSegments.push({ lastSeq: this.appendedSeq, file: this.file })
    this.unflushed.push(this.fd)
    this.fd = next.fd
    this.file = next.file
    this.segmentBytes = 0
  }

  private synced(seq: number): Promise<void> {
    if (this.syncedSeq >= seq) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.syncWaiters.push({ seq, resolve, reject })
      this.requestSync()
    })
  }

  /**
   * Group flush: one fdatasync covers every record appended before it started (after a segment
   * switch, one per segment still unflushed, in parallel).
   */
  private requestSync(): void {
    if (this.syncing) return
    this.syncing = true
    const started = performance.now()
    const target = this.appendedSeq
    const closing = this.unflushed.splice(0)
    let waiting = closing.length + 1
    let failure: NodeJS.ErrnoException | null = null
    const done = (error: NodeJS.ErrnoException | null) => {
      failure ??= error
      if (--waiting > 0) return
      this.syncing = false
      if (failure) {
        // Flushed again next time: a segment is closed only once a flush has covered it.
        this.unflushed.unshift(...closing)
        for (const waiter of this.syncWaiters.splice(0)) waiter.reject(new StoreCommitError(failure))
        return
      }
      this.options.observer?.journalFlushed((performance.now() - started) / 1000)
      for (const fd of closing) fs.close(fd, () => {})
      this.syncedSeq = Math.max(this.syncedSeq, target)
      this.settleSyncWaiters()
      if (this.syncWaiters.length > 0) this.requestSync()
    }
    for (const fd of closing) fs.fdatasync(fd, done)
    fs.fdatasync(this.fd, done)
  }

  private settleSyncWaiters(): void {
    const waiting: typeof this.syncWaiters = []
    for (const waiter of this.syncWaiters) {
      if (waiter.seq <= this.syncedSeq) waiter.resolve()
      else waiting.push(waiter)
    }
    this.syncWaiters = waiting
  }

  /** LMDB holds (on disk) every write up to `seq`: reads go to it, the overlay lets them go. */
  private onApplied(seq: number): void {
    this.appliedSeq = seq
    this.applyFailure = undefined
    // This thread's lmdb-js read snapshot may predate the applier's commit: start a new one.
    this.layout.root.resetReadTxn()
    for (const table of this.all) if (table.overlay.size > 0) table.overlay.dropThrough(seq)
    let done = 0
    while (done < this.backlog.length && this.backlog[done]!.seq <= seq) this.backlogBytes -= this.backlog[done++]!.bytes
    this.backlog = this.backlog.slice(done)
    this.checkpoint(seq)
    this.wakeApplyWaiters()
  }

  private wakeApplyWaiters(): void {
    for (const resolve of this.applyWaiters.splice(0)) resolve()
  }

  /** Deletes the closed segments LMDB now holds on disk. */
  private checkpoint(durableSeq: number): void {
    const keep: typeof this.closedSegments = []
    for (const segment of this.closedSegments) {
      if (segment.lastSeq <= durableSeq) fs.rm(segment.file, { force: true }, () => {})
      else keep.push(segment)
    }
    this.closedSegments = keep
  }

  /** Resolves once every write so far is appended (the current turn included). */
  private async appended(): Promise<void> {
    if (this.turn) await this.turn.promise.catch(() => {})
  }

  async flush(): Promise<void> {
    await this.appended()
    await this.synced(this.appendedSeq)
  }

  async settle(): Promise<void> {
    await this.appended()
    const seq = this.appendedSeq
    while (this.appliedSeq < seq && this.applyFailure === undefined && this.broken === undefined)
      await new Promise<void>((resolve) => this.applyWaiters.push(resolve))
  }

  /** What a close that could not apply everything says (the applier may have told why since). */
  private unappliedAtClose(): string {
    const why = this.applyFailure === undefined ? '' : ` (${this.applyFailure})`
    return (
      `${this.appendedSeq - this.appliedSeq} acknowledged writes could not be applied to LMDB before stopping${why}; ` +
      'they stay in the journal and are applied at the next start'
    )
  }

  /** Applies everything to LMDB and removes the journal; a failure leaves it for replay. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    clearInterval(this.flushTimer)
    await this.appended()
    await this.synced(this.appendedSeq)
    this.applyFailure = undefined
    await this.applier.close()
    for (const fd of this.unflushed.splice(0)) fs.closeSync(fd)
    fs.closeSync(this.fd)
    await this.segments.close()
    if (this.appliedSeq >= this.appendedSeq)
      for (const segment of listSegments(this.dir)) fs.rmSync(segment.file, { force: true })
    else this.options.warn(this.unappliedAtClose())
    this.release()
    await this.layout.root.close()
  }
}

function journalValue(table: JournaledTable<unknown, unknown>, value: unknown): Uint8Array {
  return table.valueKind === 'ordered' ? toBufferKey(value as never) : (value as Uint8Array)
}
