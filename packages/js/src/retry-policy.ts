import type { ProgressDBError } from './errors.js'

/**
 * When and how long to wait before sending a request again. Only requests that are safe to
 * repeat are retried: reads, and creates that carry a client id (the server answers a repeat
 * with the stored item, so nothing is duplicated).
 */
export interface RetryOptions {
  /** Attempts after the first one; 0 disables retries. Default 2. */
  retries: number
  /** Backoff before the first retry, doubled each time (with jitter). Default 250. */
  minDelayMs: number
  /** The longest backoff. Default 8000. */
  maxDelayMs: number
  /** A `Retry-After` longer than this is not waited out: the 429 is thrown. Default 60 000. */
  maxRetryAfterMs: number
}

export const DEFAULT_RETRY: RetryOptions = {
  retries: 2,
  minDelayMs: 250,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
}

/** Rate limited, bad gateway, unavailable (shutting down, store busy), gateway timeout. */
const RETRYABLE_STATUS = new Set([429, 502, 503, 504])

/** Whether an error of a repeatable request is worth another attempt. */
export function isRetryable(error: ProgressDBError): boolean {
  if (error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT') return true
  return RETRYABLE_STATUS.has(error.status)
}

/**
 * Milliseconds to wait before retry number `retry` (1-based), or undefined when the server
 * asked for a longer pause than `maxRetryAfterMs`. A `Retry-After` is honoured as given;
 * otherwise exponential backoff with "equal jitter" (half fixed, half random), so clients that
 * failed together do not come back together.
 */
export function retryDelayMs(
  error: ProgressDBError,
  retry: number,
  options: RetryOptions,
  random: () => number = Math.random,
): number | undefined {
  if (error.retryAfterS !== undefined) {
    const ms = error.retryAfterS * 1000
    return ms > options.maxRetryAfterMs ? undefined : ms
  }
  return backoffDelayMs(retry, options, random)
}

/**
 * Exponential backoff with "equal jitter" (half fixed, half random) before attempt number
 * `attempt` (1-based): retries and WebSocket reconnects share it.
 */
export function backoffDelayMs(
  attempt: number,
  options: { minDelayMs: number; maxDelayMs: number },
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(options.maxDelayMs, options.minDelayMs * 2 ** (attempt - 1))
  return ceiling / 2 + (random() * ceiling) / 2
}
