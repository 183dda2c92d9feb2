import http from 'node:http'
import { parseExposition } from '../metrics/exposition-parser.js'
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

/**
 * The server's /metrics samples, or undefined when it has none (the echo server, `off`). Read
 * with node:http on a connection of its own: the global `fetch` left the load generator ~2 points
 * of a core busier in the runs after it (measured in the create scenario).
 */
export function scrapeMetrics(url: string): Promise<Sample[] | undefined> {
  return new Promise((resolve) => {
    const req = http.get(`${url}/metrics`, { agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        try {
          resolve(
            res.statusCode === 200
              ? parseExposition(Buffer.concat(chunks).toString('utf8'))
              : undefined,
          )
        } catch {
          resolve(undefined)
        }
      })
      res.on('error', () => resolve(undefined))
    })
    req.on('error', () => resolve(undefined))
  })
}

export function figuresBetween(before: readonly Sample[], after: readonly Sample[]): ServerFigures {
  return {
    loopDelayMaxMs: maxBetween(before, after, 'nodejs_eventloop_delay_seconds'),
    gcPauseMaxMs: maxBetween(before, after, 'nodejs_gc_duration_seconds'),
    journalFlushMaxMs: maxBetween(before, after, 'progressdb_journal_flush_duration_seconds'),
    journalFlushes:
      countOf(after, 'progressdb_journal_flush_duration_seconds') -
      countOf(before, 'progressdb_journal_flush_duration_seconds'),
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

function countOf(samples: readonly Sample[], histogram: string): number {
  let n = 0
  for (const s of samples) if (s.name === `${histogram}_count`) n += s.value
  return n
}
