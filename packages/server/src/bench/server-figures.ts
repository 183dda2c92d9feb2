import http from 'node:http'
import https from 'node:https'
import { parseExposition, sumOf } from '../metrics/exposition-parser.js'
import type { Sample } from '../metrics/metrics-registry.js'

/**
 * What a ProgressDB server's /metrics says of one measured run: the greatest event-loop lateness
 * (runtime-metrics.ts: blocks over 20 ms show whole, less 20 ms), the longest GC pause and
 * journal flush within it, each as the upper bound of the histogram bucket it fell
 * in (ms; Infinity past the last bound). Read from two scrapes, before and after the run.
 */
export interface ServerFigures {
  loopDelayMaxMs: number
  gcPauseMaxMs: number
  journalFlushMaxMs: number
  journalFlushes: number
}

/** A scrape of /metrics: its samples, or why there are none (said once per server by the bench). */
export type Scrape = { samples: Sample[] } | { missing: string }

/**
 * Reads the server's /metrics (with `adminKey` as a bearer token when given, for
 * `server.metrics: admin`). Read with node:http(s) on a connection of its own: the global
 * `fetch` left the load generator ~2 points of a core busier in the runs after it (measured in
 * the create scenario).
 */
export function scrapeMetrics(url: string, adminKey?: string): Promise<Scrape> {
  return new Promise((resolve) => {
    const target = new URL('/metrics', url)
    const get = target.protocol === 'https:' ? https.get : http.get
    const headers = adminKey ? { authorization: `Bearer ${adminKey}` } : {}
    const req = get(target, { agent: false, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        if (res.statusCode !== 200) return resolve({ missing: `/metrics answered ${res.statusCode}` })
        try {
          resolve({ samples: parseExposition(Buffer.concat(chunks).toString('utf8')) })
        } catch (error) {
          resolve({ missing: `/metrics could not be parsed: ${(error as Error).message}` })
        }
      })
      res.on('error', (error) => resolve({ missing: `/metrics: ${error.message}` }))
    })
    req.on('error', (error) => resolve({ missing: `/metrics: ${error.message}` }))
  })
}

export function figuresBetween(before: readonly Sample[], after: readonly Sample[]): ServerFigures {
  return {
    loopDelayMaxMs: maxBetween(before, after, 'nodejs_eventloop_delay_seconds'),
    gcPauseMaxMs: maxBetween(before, after, 'nodejs_gc_duration_seconds'),
    journalFlushMaxMs: maxBetween(before, after, 'progressdb_journal_flush_duration_seconds'),
    journalFlushes:
      sumOf(after, 'progressdb_journal_flush_duration_seconds_count') -
      sumOf(before, 'progressdb_journal_flush_duration_seconds_count'),
  }
}

/**
 * The upper bound (ms) of the highest bucket that gained an observation between the scrapes,
 * over every series of the histogram (all GC kinds, all workers); 0 when none did.
 */
function maxBetween(
  before: readonly Sample[],
  after: readonly Sample[],
  histogram: string,
): number {
  const gained = new Map<string, number>()
  const add = (samples: readonly Sample[], sign: number) => {
    for (const s of samples)
      if (s.name === `${histogram}_bucket`)
        gained.set(s.labels.le!, (gained.get(s.labels.le!) ?? 0) + sign * s.value)
  }
  add(after, 1)
  add(before, -1)
  // Cumulative counts: the first bound that holds every new observation bounds the largest.
  const bounds = [...gained.entries()]
    .map(([le, n]) => ({ le: le === '+Inf' ? Infinity : Number(le), n }))
    .sort((a, b) => a.le - b.le)
  const total = bounds.at(-1)?.n ?? 0
  if (total === 0) return 0
  return bounds.find((b) => b.n === total)!.le * 1000
}
