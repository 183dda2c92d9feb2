import { describe, expect, it } from 'vitest'
import { ProgressDBError } from './errors.js'
import { DEFAULT_RETRY, isRetryable, retryDelayMs } from './retry-policy.js'

const error = (status: number, code: string, retryAfterS?: number) =>
  new ProgressDBError({ status, code: code as never, message: code, retryAfterS })

describe('retry policy', () => {
  it('retries lost connections, timeouts, 429 and 502/503/504 of repeatable requests only', () => {
    expect(isRetryable(error(0, 'NETWORK_ERROR'), true)).toBe(true)
    expect(isRetryable(error(0, 'TIMEOUT'), true)).toBe(true)
    expect(isRetryable(error(0, 'ABORTED'), true)).toBe(false)
    for (const code of ['CREDENTIALS_UNAVAILABLE', 'BAD_REQUEST_BODY'])
      expect(isRetryable(error(0, code), true)).toBe(false)
    for (const status of [429, 502, 503, 504])
      expect(isRetryable(error(status, 'X'), true)).toBe(true)
    for (const status of [400, 401, 403, 404, 409, 413, 500, 507])
      expect(isRetryable(error(status, 'X'), true)).toBe(false)
  })

  it('retries only a 429 of a request that is not safe to repeat', () => {
    expect(isRetryable(error(429, 'RATE_LIMITED'), false)).toBe(true)
    for (const e of [
      error(0, 'NETWORK_ERROR'),
      error(0, 'TIMEOUT'),
      error(502, 'X'),
      error(503, 'X'),
    ])
      expect(isRetryable(e, false)).toBe(false)
  })

  it('backs off exponentially with jitter, capped at maxDelayMs', () => {
    const e = error(503, 'SHUTTING_DOWN')
    expect(retryDelayMs(e, 1, DEFAULT_RETRY, () => 0)).toBe(125)
    expect(retryDelayMs(e, 1, DEFAULT_RETRY, () => 1)).toBe(250)
    expect(retryDelayMs(e, 3, DEFAULT_RETRY, () => 1)).toBe(1000)
    expect(retryDelayMs(e, 20, DEFAULT_RETRY, () => 1)).toBe(DEFAULT_RETRY.maxDelayMs)
  })

  it('honours Retry-After, unless it is longer than maxRetryAfterMs', () => {
    expect(retryDelayMs(error(429, 'RATE_LIMITED', 2), 1, DEFAULT_RETRY)).toBe(2000)
    expect(retryDelayMs(error(429, 'RATE_LIMITED', 120), 1, DEFAULT_RETRY)).toBeUndefined()
  })
})
