import type { AttemptOutcome, DeliveryRecord } from '../store/webhook-store.js'

export interface RetryPolicy {
  initialDelayMs: number
  maxDelayMs: number
  maxAgeMs: number
}

/** What one attempt came back with: an HTTP status, or an error before any status. */
export type AttemptResult =
  { statusCode: number; error: null } | { statusCode: null; error: string }

/**
 * Exponential backoff with full jitter: the n-th retry waits a uniform random time below
 * min(maxDelayMs, initialDelayMs * 2^(n-1)), so receivers that failed together do not get
 * their retries together. `random` is in [0, 1).
 */
export function backoffMs(attempts: number, policy: RetryPolicy, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** Math.min(attempts - 1, 52))
  return Math.floor(random() * cap)
}

/** 2xx delivers; anything else is retried until the next attempt would be past the max age. */
export function outcomeOf(
  delivery: DeliveryRecord,
  result: AttemptResult,
  now: number,
  policy: RetryPolicy,
  random: () => number,
): AttemptOutcome {
  const { statusCode } = result
  if (statusCode !== null && statusCode >= 200 && statusCode < 300)
    return { kind: 'delivered', statusCode }
  const error = result.error ?? `HTTP ${statusCode}`
  const nextAttemptTs = now + backoffMs(delivery.attempts, policy, random)
  if (nextAttemptTs - delivery.created_ts > policy.maxAgeMs)
    return {
      kind: 'failed',
      statusCode,
      error: `${error}; gave up after ${delivery.attempts} attempts`,
    }
  return { kind: 'retry', statusCode, error, nextAttemptTs }
}
