import { parentPort, workerData } from 'node:worker_threads'
import { applyRecords } from './journal-apply.js'
import { readRecords, type JournalRecord } from './journal-file.js'
import type { ApplierMessage, ApplierReport, ApplierSettings } from './journal-applier.js'
import { openLmdbLayout } from './lmdb-layout.js'

/**
 * The journal applier's thread: takes batches of journal records from the main thread and
 * writes them into LMDB with synchronous commits, so the B-tree work and the commit's flushes
 * never hold up the event loop that answers requests (journal-applier.ts).
 */
const settings = workerData as ApplierSettings
const port = parentPort!
const layout = openLmdbLayout(settings.dataDir)
const report = (message: ApplierReport) => port.postMessage(message)

report({ type: 'ready' })

let queue: Uint8Array[] = []
let scheduled = false
let closing = false
let lastCommit = 0

port.on('message', (message: ApplierMessage) => {
  if (message.type === 'records') for (const batch of message.batches) queue.push(batch)
  else closing = true
  schedule(0)
})

function schedule(delayMs: number): void {
  if (scheduled) return
  scheduled = true
  const wait = closing ? 0 : Math.max(delayMs, lastCommit + settings.minIntervalMs - Date.now())
  if (wait > 0) setTimeout(run, wait)
  else setImmediate(run)
}

function run(): void {
  scheduled = false
  if (queue.length > 0 && !applyNext()) {
    if (!closing) return schedule(settings.retryMs)
    // Closing: give up; what is left stays in the journal for the next start to replay.
    queue = []
  }
  if (queue.length > 0) schedule(0)
  else if (closing) void layout.root.close().finally(() => report({ type: 'closed' }))
}

/** Commits the oldest batches in one transaction; false if LMDB refused it. */
function applyNext(): boolean {
  let take = 0
  let bytes = 0
  while (take < queue.length && bytes < settings.batchBytes) bytes += queue[take++]!.length
  const records: JournalRecord[] = []
  for (let i = 0; i < take; i++) for (const record of readRecords(queue[i]!, false).records) records.push(record)
  try {
    applyRecords(layout, records)
  } catch (error) {
    report({ type: 'failed', message: error instanceof Error ? error.message : String(error) })
    return false
  }
  lastCommit = Date.now()
  queue = queue.slice(take)
  report({ type: 'applied', seq: records.at(-1)!.seq })
  return true
}
