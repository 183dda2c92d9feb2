import type { ProgressDBError } from './errors.js'

/**
 * When and how long to wait before sending a request again. A 429 is retried whatever the
 * request (the server refused it before doing anything). After an unknown outcome (no
 * response, a timeout, 502/503/504) only requests that are safe to repeat are: reads, creates
 * that carry a client id (the server answers a repeat with the stored item), and set-like
 * writes (reactions, read markers, participants, signing). The Python SDK follows the same rules.
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

/** Bad gateway, unavailable (shutting down, store busy), gateway timeout: maybe applied. */
const UNKNOWN_OUTCOME_STATUS = new Set([502, 503, 504])

/** Failures before the request left: nothing was sent, so nothing was applied. */
const NOT_SENT_CODES = new Set(['CREDENTIALS_UNAVAILABLE', 'BAD_REQUEST_BODY'])

/**
 * Whether a failed write may have been applied all the same: no response, a timeout, a 5xx
 * (the server or a gateway failed part-way), or a success status whose body was not the API's.
 * (`ABORTED` too: the request may have reached the server before the signal fired.) A 4xx is
 * a refusal (nothing was applied), and so are the failures before anything was sent
 * (`CREDENTIALS_UNAVAILABLE`, `BAD_REQUEST_BODY`).
 *
 * @example if (isUnknownOutcome(error)) keepForRetry(message) // resend with the same client id
 */
export function isUnknownOutcome(error: ProgressDBError): boolean {
  if (error.status === 0) return !NOT_SENT_CODES.has(error.code)
  return error.status < 400 || error.status >= 500
}

/**
 * Whether a failed request is worth another attempt: a 429 always; a lost connection, a
 * timeout or a 502/503/504 only when the request is `repeatable` (safe to apply twice).
 */
export function isRetryable(error: ProgressDBError, repeatable: boolean): boolean {
  if (error.status === 429) return true
  if (!repeatable) return false
  if (error.code === 'NETWORK_ERROR' || error.code === 'TIMEOUT') return true
  return UNKNOWN_OUTCOME_STATUS.has(error.status)
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
