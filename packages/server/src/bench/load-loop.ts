import { performance } from 'node:perf_hooks'
import type { Dispatcher, Pool } from 'undici'
import { createRecorder, type LatencySummary } from './latency-stats.js'

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
  /** The first few error descriptions, for diagnosis. */
  errorSamples: string[]
}

async function send(pool: Pool, req: BenchRequest): Promise<number> {
  const res = await pool.request({ method: req.method, path: req.path, headers: req.headers, body: req.body })
  await res.body.dump()
  return res.statusCode
}

function tracker() {
  const recorder = createRecorder()
  let errors = 0
  const samples: string[] = []
  return {
    recorder,
    ok: (ms: number) => recorder.add(ms),
    fail: (what: string) => {
      errors++
      if (samples.length < 5) samples.push(what)
    },
    result(startedAt: number): LoadResult {
      const durationS = (performance.now() - startedAt) / 1000
      return {
        requests: recorder.count,
        errors,
        durationS,
        rps: recorder.count / durationS,
        latencyMs: recorder.summary(),
        errorSamples: samples,
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
        const status = await send(pool, next(i++))
        if (status < 400) t.ok(performance.now() - sentAt)
        else t.fail(`HTTP ${status}`)
      } catch (error) {
        t.fail(String(error))
      }
    }
  }
  await Promise.all(Array.from({ length: options.connections }, sender))
  return t.result(start)
}

/**
 * Open loop: requests are scheduled at a fixed rate whatever the server does, and latency is
 * measured from the scheduled send time, so queueing delay is counted rather than hidden
 * (no coordinated omission).
 */
export async function runOpenLoop(
  pool: Pool,
  next: NextRequest,
  options: { ratePerS: number; durationMs: number },
): Promise<LoadResult> {
  const t = tracker()
  const start = performance.now()
  const total = Math.floor((options.ratePerS * options.durationMs) / 1000)
  const intervalMs = 1000 / options.ratePerS
  const inFlight = new Set<Promise<void>>()
  let scheduled = 0
  while (scheduled < total) {
    const now = performance.now()
    while (scheduled < total && start + scheduled * intervalMs <= now) {
      const due = start + scheduled * intervalMs
      const p = send(pool, next(scheduled)).then(
        (status) => (status < 400 ? t.ok(performance.now() - due) : t.fail(`HTTP ${status}`)),
        (error: unknown) => t.fail(String(error)),
      )
      inFlight.add(p)
      void p.finally(() => inFlight.delete(p))
      scheduled++
    }
    await new Promise((resolve) => setImmediate(resolve))
  }
  await Promise.all(inFlight)
  return t.result(start)
}
