import { once } from 'node:events'
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import type { Dispatcher, Pool } from 'undici'
import { SERVER_TIMING_HEADER, serverTimingDuration } from '../http/server-timing.js'
import { workerScript } from '../worker-script.js'
import { createRecorder, type LatencySummary } from './latency-stats.js'
import type { TickerSettings } from './open-loop-ticker.js'

/** One request of a scenario: what to send and which statuses count as success. */
export interface BenchRequest {
  method: Dispatcher.HttpMethod
  path: string
  headers: Record<string, string>
  body?: string | Buffer
}

export type NextRequest = (i: number) => BenchRequest

export interface LoadResult {
  requests: number
  errors: number
  durationS: number
  rps: number
  latencyMs: LatencySummary
  /**
   * The server's own time for the successful requests, from its `Server-Timing: app;dur=`
   * header (`server.serverTiming`); absent when no reply carried one.
   */
  serverMs?: LatencySummary
  /** The first few error descriptions, for diagnosis. */
  errorSamples: string[]
  /**
   * CPU the load generator itself used (this process, all its threads; 100 = one core) over
   * the run: on a machine it shares with the server, what the server could not have.
   */
  loadGenCpuPercent: number
}

/**
 * Starts measuring this process's CPU (user + system, all its threads); the function returned
 * gives what it used since, as a percentage of one core over `durationS`.
 */
export function startCpuMeter(): (durationS: number) => number {
  const start = process.cpuUsage()
  return (durationS) => {
    const { user, system } = process.cpuUsage(start)
    return ((user + system) / 1e6 / durationS) * 100
  }
}

/** What came back: the status, and the server's own time from `Server-Timing` (or NaN). */
interface Reply {
  status: number
  serverMs: number
}

/** The `dur` of a `Server-Timing` header among undici's raw headers (name, value, ...), or NaN. */
function serverTimingOf(rawHeaders: Buffer[]): number {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!
    if (name.length === SERVER_TIMING_HEADER.length && name.toString('latin1').toLowerCase() === SERVER_TIMING_HEADER)
      return serverTimingDuration(rawHeaders[i + 1]!.toString('latin1'))
  }
  return NaN
}

/**
 * Sends one request and resolves once the whole response is in. Undici's low-level `dispatch`,
 * the body dropped as it arrives: `request()` builds a readable stream per response, which
 * measured ~1.3x the generator's CPU per request.
 */
function send(pool: Pool, req: BenchRequest): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const reply: Reply = { status: 0, serverMs: NaN }
    pool.dispatch(
      { method: req.method, path: req.path, headers: req.headers, body: req.body },
      // The callback handler Pool's requests are built on in undici 7 (its newer
      // controller-style handler is rejected by Pool.dispatch: "invalid onConnect method").
      {
        onConnect: () => {},
        onHeaders: (statusCode, rawHeaders) => {
          reply.status = statusCode
          reply.serverMs = serverTimingOf(rawHeaders)
          return true
        },
        onData: () => true,
        onComplete: () => resolve(reply),
        onError: reject,
      },
    )
  })
}

function tracker() {
  const cpuPercent = startCpuMeter()
  const recorder = createRecorder()
  const server = createRecorder()
  let errors = 0
  const samples: string[] = []
  return {
    recorder,
    ok: (ms: number, reply: Reply) => {
      recorder.add(ms)
      if (!Number.isNaN(reply.serverMs)) server.add(reply.serverMs)
    },
    fail: (what: string) => {
      errors++
      if (samples.length < 5) samples.push(what)
    },
    result(durationS: number): LoadResult {
      return {
        requests: recorder.count,
        errors,
        durationS,
        rps: recorder.count / durationS,
        latencyMs: recorder.summary(),
        ...(server.count > 0 ? { serverMs: server.summary() } : {}),
        errorSamples: samples,
        loadGenCpuPercent: cpuPercent(durationS),
      }
    },
  }
}

/** Closed loop: `connections` senders, each sending its next request when the last returns. */
export async function runClosedLoop(
  pool: Pool,
  next: NextRequest,
  options: { connections: number; durationMs: number; maxRequests?: number },
): Promise<LoadResult> {
  const t = tracker()
  const start = performance.now()
  const end = start + options.durationMs
  const max = options.maxRequests ?? Infinity
  let i = 0
  const sender = async () => {
    while (performance.now() < end && i < max) {
      const sentAt = performance.now()
      try {
        const reply = await send(pool, next(i++))
        if (reply.status < 400) t.ok(performance.now() - sentAt, reply)
        else t.fail(`HTTP ${reply.status}`)
      } catch (error) {
        t.fail(String(error))
      }
    }
  }
  await Promise.all(Array.from({ length: options.connections }, sender))
  return t.result((performance.now() - start) / 1000)
}

/**
 * Open loop: requests are scheduled at a fixed rate whatever the server does, and latency is
 * measured from the scheduled send time, so queueing delay is counted rather than hidden
 * (no coordinated omission). A ticker thread (open-loop-ticker.ts) wakes this thread when
 * requests fall due, so the generator sleeps between sends instead of spinning a core.
 */
export async function runOpenLoop(
  pool: Pool,
  next: NextRequest,
  options: { ratePerS: number; durationMs: number },
): Promise<LoadResult> {
  const t = tracker()
  const total = Math.floor((options.ratePerS * options.durationMs) / 1000)
  const intervalMs = 1000 / options.ratePerS
  let startNs = 0n
  const sinceStartMs = () => Number(process.hrtime.bigint() - startNs) / 1e6
  const inFlight = new Set<Promise<void>>()
  let scheduled = 0
  const sendDue = (due: number) => {
    for (; scheduled < due; scheduled++) {
      const dueMs = scheduled * intervalMs
      const p = send(pool, next(scheduled)).then(
        (reply) => (reply.status < 400 ? t.ok(sinceStartMs() - dueMs, reply) : t.fail(`HTTP ${reply.status}`)),
        (error: unknown) => t.fail(String(error)),
      )
      inFlight.add(p)
      void p.finally(() => inFlight.delete(p))
    }
  }
  const ticker = new Worker(workerScript(import.meta.url, './open-loop-ticker.js'))
  await once(ticker, 'online')
  startNs = process.hrtime.bigint() + 1_000_000n
  ticker.postMessage({ startNs, intervalNs: BigInt(Math.round(intervalMs * 1e6)), total } satisfies TickerSettings)
  ticker.on('message', (due: number) => sendDue(due))
  // The ticker exits once it has ticked the last request due.
  await once(ticker, 'exit')
  sendDue(total)
  await Promise.all(inFlight)
  return t.result(sinceStartMs() / 1000)
}
