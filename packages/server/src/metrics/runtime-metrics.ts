import fs from 'node:fs'
import { PerformanceObserver, constants } from 'node:perf_hooks'
import type { MetricsRegistry } from './metrics-registry.js'

/** Upper bounds, in seconds, for pauses of the event loop and of the garbage collector. */
export const PAUSE_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1]

/** How often the event loop's lateness is sampled. */
const LOOP_SAMPLE_MS = 20

const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'minor',
  [constants.NODE_PERFORMANCE_GC_MAJOR]: 'major',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental',
  [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weakcb',
}

/**
 * The process's own figures: CPU, memory (RSS split into anonymous and file-backed, since LMDB's
 * mapped pages count in RSS; docs/operations.md), the event loop's lateness and the garbage
 * collector's pauses. A block of the event loop shows as one late sample, the part of the block
 * after the timer fell due: a block longer than the period shows as at least its length less the
 * period, a shorter one in part or not at all (GC pauses are timed whole by their own
 * histogram). Returns a function that stops the sampling.
 */
export function registerRuntimeMetrics(registry: MetricsRegistry): () => void {
  // Worked out once: from the clock and the uptime, it would move by a rounding each scrape.
  const startedAt = Math.round(Date.now() / 1000 - process.uptime())
  registry.collected(
    'process_cpu_seconds_total',
    'CPU time of this process (user and system), all threads.',
    'counter',
    () => {
      const { user, system } = process.cpuUsage()
      return [{ value: (user + system) / 1e6 }]
    },
  )
  registry.collected(
    'process_resident_memory_bytes',
    'Resident memory of this process, file-backed pages included.',
    'gauge',
    () => [{ value: process.memoryUsage.rss() }],
  )
  if (anonymousRss() !== undefined)
    registry.collected(
      'process_resident_memory_anon_bytes',
      "This process's own resident memory (heap, buffers, stacks): RSS without the file-backed pages.",
      'gauge',
      () => [{ value: anonymousRss() ?? 0 }],
    )
  registry.collected(
    'process_start_time_seconds',
    'When this process started, in seconds since the Unix epoch.',
    'gauge',
    () => [{ value: startedAt }],
  )
  registry.collected('nodejs_heap_used_bytes', 'V8 heap in use.', 'gauge', () => [
    { value: process.memoryUsage().heapUsed },
  ])

  const lateness = registry
    .histogram(
      'nodejs_eventloop_delay_seconds',
      `How late a timer due every ${LOOP_SAMPLE_MS} ms ran: the event loop's blocks (work, GC, a blocking call), each seen from its timer's due time on.`,
      PAUSE_BUCKETS,
    )
    .labels()
  let due = performance.now() + LOOP_SAMPLE_MS
  const sampler = setInterval(() => {
    const now = performance.now()
    lateness.observe(Math.max(0, now - due) / 1000)
    due = now + LOOP_SAMPLE_MS
  }, LOOP_SAMPLE_MS)
  sampler.unref()

  const gc = registry.histogram(
    'nodejs_gc_duration_seconds',
    'Garbage collection pauses, by kind.',
    PAUSE_BUCKETS,
    ['kind'],
  )
  const byKind = new Map(Object.entries(GC_KINDS).map(([k, name]) => [Number(k), gc.labels(name)]))
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      const kind = ((entry as { detail?: unknown }).detail as { kind?: number } | undefined)?.kind
      byKind.get(kind ?? -1)?.observe(entry.duration / 1000)
    }
  })
  observer.observe({ entryTypes: ['gc'] })

  return () => {
    clearInterval(sampler)
    observer.disconnect()
  }
}

/** `RssAnon` of /proc/self/status, in bytes (Linux), or undefined where there is none. */
function anonymousRss(): number | undefined {
  let status: string
  try {
    status = fs.readFileSync('/proc/self/status', 'latin1')
  } catch {
    return undefined
  }
  const match = /^RssAnon:\s+(\d+) kB$/m.exec(status)
  return match ? Number(match[1]) * 1024 : undefined
}
