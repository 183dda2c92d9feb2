import cluster, { type Worker } from 'node:cluster'
import os from 'node:os'
import type { Config } from '../config/schema.js'
import type { Logger } from '../logging/logger.js'
import { createMetricsGatherer, isMetricsRelayMessage, type MetricsRelayMessage } from '../metrics/cluster-metrics.js'
import { isChangeRelayMessage, type ChangeRelayMessage } from '../realtime/cluster-relay.js'
import { isPresenceRelayMessage, type PresenceRelayMessage } from '../realtime/presence-relay.js'
import { createPresenceDirectory } from './presence-directory.js'

export type WorkerMessage = { type: 'listening'; url: string } | ChangeRelayMessage | PresenceRelayMessage | MetricsRelayMessage

/**
 * A worker that is exiting (shutdown, crash) can fail a send with EPIPE; what it would have
 * heard no longer matters, and an unhandled 'error' there would take the primary down.
 */
function sendIgnoringExit(worker: Worker, message: WorkerMessage): void {
  worker.send(message, undefined, undefined, () => {})
}

/**
 * When a replacement worker starts: at once for a worker that ran a while, then doubling for
 * each worker that dies young (one that cannot start: a full disk, a broken data directory), so
 * a failure that outlives restarts costs a fork every half minute, not a busy loop.
 */
const RESTART_MIN_MS = 250
const RESTART_MAX_MS = 30_000
/** A worker that ran this long had started fine: the next death restarts at once again. */
const HEALTHY_AFTER_MS = 60_000

export function restartDelay(previousDelayMs: number, livedMs: number): number {
  if (livedMs >= HEALTHY_AFTER_MS) return 0
  return Math.min(RESTART_MAX_MS, Math.max(RESTART_MIN_MS, previousDelayMs * 2))
}

export function workerCount(config: Config): number {
  return config.server.workers === 'auto' ? os.availableParallelism() : config.server.workers
}

/**
 * The primary of `--workers N`: forks N processes that each open the same LMDB environment
 * (LMDB is multi-process safe: one writer at a time, readers never block) and share one port
 * through node:cluster. Resolves with the URL once every worker listens, and rejects if a worker
 * exits before that (it could not start: the directory is in use, the disk is full...; its own
 * error is on stderr), stopping the others; once started, a worker that dies is replaced.
 * SIGTERM/SIGINT stop every worker gracefully, then the primary exits. The primary
 * forwards commit announcements, presence and /metrics snapshots between workers (it holds no
 * data itself).
 */
export function runWorkerPool(count: number, log: Logger): Promise<{ url: string; stop: () => Promise<void> }> {
  let stopping = false
  const urls = new Map<number, string>()
  const presence = createPresenceDirectory()
  const gatherMetrics = createMetricsGatherer(
    () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined),
    sendIgnoringExit,
  )
  const sendToOthers = (from: number, message: WorkerMessage) => {
    for (const other of Object.values(cluster.workers ?? {}))
      if (other && other.id !== from && other.isConnected()) sendIgnoringExit(other, message)
  }
  const started = new Map<number, number>()
  let delayMs = 0
  let ready = false
  let failedToStart: (error: Error) => void = () => {}
  const fork = () => {
    const worker = cluster.fork()
    started.set(worker.id, Date.now())
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'listening') {
        urls.set(worker.id, message.url)
        // Presence shared before this worker could hear it (it starts late or replaces one).
        for (const known of presence.snapshotFor(String(worker.id))) sendIgnoringExit(worker, known)
      }
      // A commit in one worker: every other worker's subscribers must hear of it.
      else if (isChangeRelayMessage(message)) sendToOthers(worker.id, message)
      else if (isPresenceRelayMessage(message) && message.type === 'progressdb.presence')
        sendToOthers(worker.id, presence.update(String(worker.id), message.thread_id, message.part))
      // /metrics asked of one worker: every worker's figures, through here.
      else if (isMetricsRelayMessage(message)) gatherMetrics(worker, message)
    })
    return worker
  }
  cluster.on('exit', (worker: Worker, code, signal) => {
    urls.delete(worker.id)
    // Its connections are gone: the others must stop showing its users and typing indicators.
    sendToOthers(worker.id, presence.drop(String(worker.id)))
    const livedMs = Date.now() - (started.get(worker.id) ?? 0)
    started.delete(worker.id)
    if (stopping) return
    if (!ready) {
      stopping = true
      for (const other of Object.values(cluster.workers ?? {})) other?.process.kill('SIGTERM')
      failedToStart(new Error(`a worker could not start (exit code ${code ?? signal}); its error is above`))
      return
    }
    delayMs = restartDelay(delayMs, livedMs)
    log.error('worker exited; starting a replacement', { worker: worker.id, code, signal, in_ms: delayMs })
    setTimeout(() => {
      if (!stopping) fork()
    }, delayMs)
  })
  for (let i = 0; i < count; i++) fork()

  const stop = async () => {
    stopping = true
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead())
    await Promise.all(
      alive.map(
        (w) =>
          new Promise<void>((resolve) => {
            w.once('exit', () => resolve())
            w.process.kill('SIGTERM')
          }),
      ),
    )
  }
  return new Promise((resolve, reject) => {
    const check = setInterval(() => {
      if (urls.size < count) return
      clearInterval(check)
      ready = true
      resolve({ url: [...urls.values()][0]!, stop })
    }, 20)
    failedToStart = (error) => {
      clearInterval(check)
      reject(error)
    }
  })
}

/** In a worker: tell the primary where this worker listens. */
export function reportListening(url: string): void {
  process.send?.({ type: 'listening', url } satisfies WorkerMessage)
}
