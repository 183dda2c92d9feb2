import type { Durability } from '../store/chat-store.js'
import type { StoreObserver } from '../store/store-observer.js'
import { type Counter, type Histogram, MetricsRegistry } from './metrics-registry.js'
import { registerRuntimeMetrics } from './runtime-metrics.js'

/** Upper bounds, in seconds, for request and write latencies: 0.25 ms to 10 s. */
export const LATENCY_BUCKETS = [
  0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
]

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

/** One method of one route: its latency histogram, and a counter per status seen. */
interface RouteSeries {
  duration: Histogram
  byStatus: Map<number, Counter>
}

/** What http/ reports per request. */
export interface HttpObserver {
  /**
   * A reply sent: `route` is the matched route's path pattern (`/frontend/v1/threads/:threadId`),
   * or `unmatched`, `preflight`; `seconds` from the request's arrival to its reply written, or
   * undefined for a stream (SSE), which is counted but not timed.
   */
  replied(method: string, route: string, status: number, seconds: number | undefined): void
}

/** What the server collects when scraped, besides what is observed as it happens. */
export interface ServerGauges {
  websocketConnections: () => number
  sseStreams: () => number
  subscriptions: () => number
  webhookDeliveries: () => { delivered: number; retried: number; failed: number; in_flight: number }
}

export interface ServerMetrics {
  readonly registry: MetricsRegistry
  readonly http: HttpObserver
  readonly store: StoreObserver
  /** Registers the gauges read at scrape time (they need parts built after the store). */
  collect(gauges: ServerGauges): void
  stop(): void
}

/**
 * The metrics of one server process (docs/operations.md lists them): requests by route, write
 * latency by durability, the journal's flushes, realtime connections, webhook deliveries, and
 * the runtime's own (runtime-metrics.ts).
 */
export function createServerMetrics(): ServerMetrics {
  const registry = new MetricsRegistry()
  const stopRuntime = registerRuntimeMetrics(registry)

  const requests = registry.counter(
    'progressdb_http_requests_total',
    'HTTP requests answered, by method, route and status.',
    ['method', 'route', 'status'],
  )
  const durations = registry.histogram(
    'progressdb_http_request_duration_seconds',
    "From a request's headers read to its reply written, by method and route (streams excluded).",
    LATENCY_BUCKETS,
    ['method', 'route'],
  )
  // Series by route, then method, then status: no key string is built per request. Unknown
  // methods share OTHER's entry, so the maps stay as bounded as the route table.
  const seen = new Map<string, Map<string, RouteSeries>>()
  const http: HttpObserver = {
    replied(method, route, status, seconds) {
      const m = METHODS.has(method) ? method : 'OTHER'
      let byMethod = seen.get(route)
      if (!byMethod) seen.set(route, (byMethod = new Map<string, RouteSeries>()))
      let series = byMethod.get(m)
      if (!series)
        byMethod.set(m, (series = { duration: durations.labels(m, route), byStatus: new Map() }))
      let count = series.byStatus.get(status)
      if (!count) series.byStatus.set(status, (count = requests.labels(m, route, String(status))))
      count.inc()
      if (seconds !== undefined) series.duration.observe(seconds)
    },
  }

  const commits = registry.histogram(
    'progressdb_store_commit_duration_seconds',
    'From a write handed to the store to its acknowledgement, by durability: the journal append (fast), plus its flush (safe).',
    LATENCY_BUCKETS,
    ['durability'],
  )
  const commitsBy: Record<Durability, Histogram> = {
    fast: commits.labels('fast'),
    safe: commits.labels('safe'),
  }
  const flushes = registry
    .histogram(
      'progressdb_journal_flush_duration_seconds',
      'Group flushes (fdatasync) of the write-ahead journal.',
      LATENCY_BUCKETS,
    )
    .labels()
  const store: StoreObserver = {
    committed: (durability, seconds) => commitsBy[durability].observe(seconds),
    journalFlushed: (seconds) => flushes.observe(seconds),
  }

  return {
    registry,
    http,
    store,
    collect(gauges) {
      registry.collected(
        'progressdb_realtime_connections',
        'Open realtime connections, by transport.',
        'gauge',
        () => [
          { labels: { transport: 'websocket' }, value: gauges.websocketConnections() },
          { labels: { transport: 'sse' }, value: gauges.sseStreams() },
        ],
      )
      registry.collected(
        'progressdb_realtime_subscriptions',
        'Open thread subscriptions (WebSocket channels and SSE streams).',
        'gauge',
        () => [{ value: gauges.subscriptions() }],
      )
      registry.collected(
        'progressdb_webhook_deliveries_total',
        'Webhook delivery attempts by outcome, since this process started.',
        'counter',
        () => {
          const d = gauges.webhookDeliveries()
          return [
            { labels: { outcome: 'delivered' }, value: d.delivered },
            { labels: { outcome: 'retried' }, value: d.retried },
            { labels: { outcome: 'failed' }, value: d.failed },
          ]
        },
      )
      registry.collected(
        'progressdb_webhook_deliveries_in_flight',
        'Webhook deliveries being attempted now.',
        'gauge',
        () => [{ value: gauges.webhookDeliveries().in_flight }],
      )
    },
    stop: stopRuntime,
  }
}
