import type { Clock } from '../chat/clock.js'
import type { Logger } from '../logging/logger.js'
import type { AttemptOutcome, DeliveryRecord, WebhookStore } from '../store/webhook-store.js'
import { outcomeOf, type RetryPolicy } from './retry-policy.js'
import type { WebhookRegistry } from './webhook-registry.js'
import { sendAttempt } from './webhook-sender.js'

export interface DispatcherSettings extends RetryPolicy {
  timeoutMs: number
  concurrency: number
  endpointConcurrency: number
  pollIntervalMs: number
  logRetentionMs: number
}

export interface DispatcherDeps {
  store: WebhookStore
  registry: WebhookRegistry
  clock: Clock
  log: Logger
  settings: DispatcherSettings
  /** In [0, 1); the backoff jitter. */
  random?: () => number
}

export interface DispatcherStats {
  delivered: number
  retried: number
  failed: number
  in_flight: number
}

export interface WebhookDispatcher {
  /** Starts the timers: due deliveries are sent as they come due, pruning runs now and then. */
  start(): void
  /** Looks for due deliveries at once (a local commit has just enqueued some); once started. */
  wake(): void
  /** One pass without timers: sends everything due now and waits for those attempts. */
  runDue(): Promise<number>
  stats(): DispatcherStats
  /**
   * Stops claiming; attempts in flight may finish for `graceMs`, then are aborted and given
   * back (due again at once, for a restart or another process).
   */
  stop(graceMs: number): Promise<void>
}

const PRUNE_EVERY_MS = 60_000
const PRUNE_BATCH = 1000

/**
 * Sends what the outbox holds. Attempts are claimed in a write transaction with a lease, so
 * processes sharing the store never run the same attempt at once and a claim whose process
 * dies is taken up again when its lease ends. Deliveries are independent: a slow endpoint
 * holds at most its own slots of `concurrency`.
 */
export function createWebhookDispatcher(deps: DispatcherDeps): WebhookDispatcher {
  const { store, registry, clock, log, settings } = deps
  const random = deps.random ?? Math.random
  // An attempt is aborted at timeoutMs; the margin covers the writes around it. A lease that
  // runs out early only costs a duplicate attempt, which receivers de-duplicate.
  const leaseMs = settings.timeoutMs * 2 + 1000
  const shutdown = new AbortController()
  const inFlight = new Set<Promise<void>>()
  const busy = new Map<string, number>()
  const counts = { delivered: 0, retried: 0, failed: 0 }
  let started = false
  let stopped = false
  let pumping = false
  let pumpAgain = false
  let timer: NodeJS.Timeout | undefined
  let maintenance: NodeJS.Timeout | undefined
  let lastPruneTs = 0
  let maintaining: Promise<void> = Promise.resolve()

  const attempt = async (delivery: DeliveryRecord): Promise<void> => {
    const endpoint = await registry.find(delivery.webhook_id)
    let outcome: AttemptOutcome
    if (!endpoint) {
      outcome = { kind: 'failed', statusCode: null, error: 'the endpoint no longer exists' }
    } else {
      const signal = AbortSignal.any([AbortSignal.timeout(settings.timeoutMs), shutdown.signal])
      const result = await sendAttempt(endpoint, delivery, clock.now(), signal)
      // Cut off by shutdown: not the receiver's failure. An answer that did arrive counts.
      outcome =
        result.statusCode === null && shutdown.signal.aborted
          ? { kind: 'released' }
          : outcomeOf(delivery, result, clock.now(), settings, random)
    }
    if (!(await store.completeAttempt(delivery, outcome, clock.now()))) return
    record(delivery, outcome)
  }

  const record = (delivery: DeliveryRecord, outcome: AttemptOutcome) => {
    const fields = {
      webhook_id: delivery.webhook_id,
      delivery_id: delivery.id,
      event_type: delivery.event_type,
      attempts: delivery.attempts,
    }
    if (outcome.kind === 'delivered') counts.delivered++
    else if (outcome.kind === 'retry') {
      counts.retried++
      log.warn('webhook attempt failed; will retry', {
        ...fields,
        status_code: outcome.statusCode,
        error: outcome.error,
        next_attempt_ts: outcome.nextAttemptTs,
      })
    } else if (outcome.kind === 'failed') {
      counts.failed++
      log.warn('webhook delivery failed for good', {
        ...fields,
        status_code: outcome.statusCode,
        error: outcome.error,
      })
    }
  }

  const track = (delivery: DeliveryRecord) => {
    const endpointId = delivery.webhook_id
    busy.set(endpointId, (busy.get(endpointId) ?? 0) + 1)
    const running: Promise<void> = attempt(delivery)
      .catch((error: unknown) =>
        log.error('webhook attempt could not be recorded', {
          delivery_id: delivery.id,
          err: error,
        }),
      )
      .finally(() => {
        inFlight.delete(running)
        const left = (busy.get(endpointId) ?? 1) - 1
        if (left > 0) busy.set(endpointId, left)
        else busy.delete(endpointId)
        wake()
      })
    inFlight.add(running)
    return running
  }

  /** Claims what is due, holding each endpoint to its share of the attempts in flight. */
  const claim = (limit: number) => {
    const picked = new Map<string, number>()
    return store.claimDueDeliveries(clock.now(), leaseMs, limit, (endpointId) => {
      const taken = picked.get(endpointId) ?? 0
      if ((busy.get(endpointId) ?? 0) + taken >= settings.endpointConcurrency) return false
      picked.set(endpointId, taken + 1)
      return true
    })
  }

  const schedule = async () => {
    const next = await store.nextDueTs()
    // Due already but not claimed: its endpoint is at its share; a finishing attempt wakes us.
    const now = clock.now()
    const wait =
      next === undefined || next <= now
        ? settings.pollIntervalMs
        : Math.min(next - now, settings.pollIntervalMs)
    clearTimeout(timer)
    if (!stopped) timer = setTimeout(wake, wait).unref()
  }

  const pump = async () => {
    for (;;) {
      const free = settings.concurrency - inFlight.size
      if (stopped || free <= 0) return
      // Nothing due: a read says so, with no write transaction (an idle process writes nothing).
      const next = await store.nextDueTs()
      if (next === undefined || next > clock.now()) return schedule()
      const claimed = await claim(free)
      for (const delivery of claimed) void track(delivery)
      if (claimed.length < free) return schedule()
    }
  }

  function wake(): void {
    if (!started || stopped) return
    if (pumping) {
      pumpAgain = true
      return
    }
    pumping = true
    void (async () => {
      do {
        pumpAgain = false
        await pump().catch((error: unknown) => log.error('webhook dispatch failed', { err: error }))
      } while (pumpAgain && !stopped)
      pumping = false
    })()
  }

  const maintain = async () => {
    await registry.reload()
    const now = clock.now()
    if (now - lastPruneTs < PRUNE_EVERY_MS) return
    lastPruneTs = now
    // In batches, each its own transaction, until the log is within its retention.
    let removed = PRUNE_BATCH
    while (removed === PRUNE_BATCH && !stopped)
      removed = await store.pruneDeliveries(now - settings.logRetentionMs, PRUNE_BATCH)
  }

  return {
    start() {
      started = true
      maintenance = setInterval(() => {
        maintaining = maintaining
          .then(maintain)
          .catch((error: unknown) => log.error('webhook maintenance failed', { err: error }))
        wake()
      }, settings.pollIntervalMs).unref()
      wake()
    },
    wake,
    async runDue() {
      let sent = 0
      while (!stopped) {
        const claimed = await claim(settings.concurrency)
        if (claimed.length === 0) break
        sent += claimed.length
        await Promise.all(claimed.map(track))
      }
      return sent
    },
    stats: () => ({ ...counts, in_flight: inFlight.size }),
    async stop(graceMs) {
      stopped = true
      clearTimeout(timer)
      clearInterval(maintenance)
      // A pass already claiming finishes first, so that its claims are tracked below.
      while (pumping) await new Promise((resolve) => setImmediate(resolve))
      await maintaining
      const all = Promise.all([...inFlight])
      let graceTimer: NodeJS.Timeout | undefined
      const grace = new Promise<void>((resolve) => (graceTimer = setTimeout(resolve, graceMs)))
      await Promise.race([all, grace])
      clearTimeout(graceTimer)
      shutdown.abort()
      await Promise.all([...inFlight])
    },
  }
}
