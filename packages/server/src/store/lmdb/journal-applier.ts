import { Worker } from 'node:worker_threads'
import { workerScript } from '../../worker-script.js'

/** What the applier thread is started with. */
export interface ApplierSettings {
  dataDir: string
  /** Least time between two LMDB commits: fewer, larger commits and flushes. */
  minIntervalMs: number
  /** Most journal bytes applied in one commit. */
  batchBytes: number
  /** Wait before retrying a commit LMDB refused. */
  retryMs: number
}

export type ApplierMessage = { type: 'records'; batches: Uint8Array[] } | { type: 'close' }
export type ApplierReport =
  | { type: 'ready' }
  | { type: 'applied'; seq: number }
  | { type: 'failed'; message: string }
  | { type: 'closed' }

export interface ApplierEvents {
  /** Every record up to `seq` is committed to LMDB, on disk. */
  applied(seq: number): void
  /** A commit failed (it is retried); `message` says why. */
  failed(message: string): void
  /** The thread stopped without being asked to (a bug): nothing more will be applied. */
  died(error: unknown): void
}

const POST_INTERVAL_MS = 1

/**
 * The main thread's end of the journal applier: posts each turn's appended records to a worker
 * thread that writes them into LMDB (journal-applier-worker.ts), and hears back what is applied.
 */
export class JournalApplier {
  private readonly worker: Worker
  /** Batches waiting for the next hand-over (one message per POST_INTERVAL_MS, not per turn). */
  private unposted: Uint8Array[] = []
  private postTimer: NodeJS.Timeout | undefined
  private closing = false
  private readonly closed: Promise<void>
  /** Settles once the thread has LMDB open (or failed to start). */
  readonly ready: Promise<void>

  constructor(settings: ApplierSettings, events: ApplierEvents) {
    this.worker = new Worker(workerScript(import.meta.url, './journal-applier-worker.js'), { workerData: settings })
    // The thread holds nothing the process must wait for at exit: close() drains it.
    this.worker.unref()
    let resolveClosed!: () => void
    this.closed = new Promise((resolve) => (resolveClosed = resolve))
    let started!: () => void
    let failedToStart!: (error: unknown) => void
    this.ready = new Promise((resolve, reject) => {
      started = resolve
      failedToStart = reject
    })
    this.ready.catch(() => {})
    let isReady = false
    const stopped = (error: unknown) => {
      if (!isReady) failedToStart(error)
      else if (!this.closing) events.died(error)
      resolveClosed()
    }
    this.worker.on('message', (report: ApplierReport) => {
      if (report.type === 'ready') {
        isReady = true
        started()
      } else if (report.type === 'applied') events.applied(report.seq)
      else if (report.type === 'failed') events.failed(report.message)
      else resolveClosed()
    })
    this.worker.on('error', stopped)
    this.worker.on('exit', (code) => stopped(new Error(`the journal applier thread exited (${code})`)))
  }

  /**
   * Queues a batch of whole records for the thread. Batches are handed over together at most
   * every POST_INTERVAL_MS (the buffers are transferred, not copied): a message costs tens of
   * microseconds of the event loop, too much to pay for every turn at thousands of turns a
   * second, and the thread commits only every few milliseconds anyway.
   */
  post(bytes: Uint8Array): void {
    this.unposted.push(bytes)
    this.postTimer ??= setTimeout(() => this.handOver(), POST_INTERVAL_MS)
  }

  private handOver(): void {
    clearTimeout(this.postTimer)
    this.postTimer = undefined
    if (this.unposted.length === 0) return
    const batches = this.unposted
    this.unposted = []
    this.worker.postMessage(
      { type: 'records', batches } satisfies ApplierMessage,
      batches.map((batch) => batch.buffer as ArrayBuffer),
    )
  }

  /** Applies everything posted, then closes the thread's LMDB handle and stops the thread. */
  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true
      this.handOver()
      this.worker.postMessage({ type: 'close' } satisfies ApplierMessage)
    }
    await this.closed
    await this.worker.terminate()
  }
}
