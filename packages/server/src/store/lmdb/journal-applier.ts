import fs from 'node:fs'
import { fileURLToPath } from 'node:url'
import { Worker } from 'node:worker_threads'

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

export type ApplierMessage = { type: 'records'; bytes: Uint8Array } | { type: 'close' }
export type ApplierReport =
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

/**
 * The worker script. Under the test runner this module is TypeScript source, and a worker
 * thread cannot load that: it then runs the build's copy (`npm test` builds first).
 */
function workerScript(): URL {
  const here = import.meta.url
  const url = here.endsWith('.ts')
    ? new URL(here.replace('/src/', '/dist/').replace(/journal-applier\.ts$/, 'journal-applier-worker.js'))
    : new URL('./journal-applier-worker.js', here)
  if (!fs.existsSync(fileURLToPath(url))) throw new Error(`${fileURLToPath(url)} is missing: run npm run build`)
  return url
}

/**
 * The main thread's end of the journal applier: posts each turn's appended records to a worker
 * thread that writes them into LMDB (journal-applier-worker.ts), and hears back what is applied.
 */
export class JournalApplier {
  private readonly worker: Worker
  private closing = false
  private closed: Promise<void>

  constructor(settings: ApplierSettings, events: ApplierEvents) {
    this.worker = new Worker(workerScript(), { workerData: settings })
    // The thread holds nothing the process must wait for at exit: close() drains it.
    this.worker.unref()
    let resolveClosed!: () => void
    this.closed = new Promise((resolve) => (resolveClosed = resolve))
    this.worker.on('message', (report: ApplierReport) => {
      if (report.type === 'applied') events.applied(report.seq)
      else if (report.type === 'failed') events.failed(report.message)
      else resolveClosed()
    })
    this.worker.on('error', (error) => {
      if (!this.closing) events.died(error)
      resolveClosed()
    })
    this.worker.on('exit', (code) => {
      if (!this.closing) events.died(new Error(`the journal applier thread exited (${code})`))
      resolveClosed()
    })
  }

  /** Hands over a batch of whole records (the buffer is transferred, not copied). */
  post(bytes: Uint8Array): void {
    this.worker.postMessage({ type: 'records', bytes } satisfies ApplierMessage, [bytes.buffer as ArrayBuffer])
  }

  /** Applies everything posted, then closes the thread's LMDB handle and stops the thread. */
  async close(): Promise<void> {
    if (!this.closing) {
      this.closing = true
      this.worker.postMessage({ type: 'close' } satisfies ApplierMessage)
    }
    await this.closed
    await this.worker.terminate()
  }
}
