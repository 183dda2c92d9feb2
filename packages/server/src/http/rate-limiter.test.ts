import { describe, expect, it } from 'vitest'
import { AppError } from '../app-error.js'
import { createRateLimiter } from './rate-limiter.js'

function limited(take: () => void): AppError | undefined {
  try {
    take()
    return undefined
  } catch (error) {
    return error as AppError
  }
}

describe('rate limiter', () => {
  it('allows a burst, then limits with Retry-After, then refills with time', () => {
    let now = 0
    const limiter = createRateLimiter({ perSecond: 2, burst: 3 }, () => now)
    for (let i = 0; i < 3; i++) expect(limited(() => limiter.take('alice', 'user'))).toBeUndefined()
    const error = limited(() => limiter.take('alice', 'user'))
    expect(error?.code).toBe('RATE_LIMITED')
    expect(error?.headers?.['retry-after']).toBe('1')
    expect(limited(() => limiter.take('bob', 'user'))).toBeUndefined()
    now += 500
    expect(limited(() => limiter.take('alice', 'user'))).toBeUndefined()
    expect(limited(() => limiter.take('alice', 'user'))?.code).toBe('RATE_LIMITED')
  })

  it('is disabled at 0 per second', () => {
    const limiter = createRateLimiter({ perSecond: 0, burst: 1 }, () => 0)
    for (let i = 0; i < 100; i++) limiter.take('alice', 'user')
    expect(limiter.size()).toBe(0)
  })

  it('forgets callers whose bucket has refilled', () => {
    let now = 0
    const limiter = createRateLimiter({ perSecond: 10, burst: 10 }, () => now)
    limiter.take('alice', 'user')
    limiter.sweep()
    expect(limiter.size()).toBe(1)
    now += 1000
    limiter.sweep()
    expect(limiter.size()).toBe(0)
  })
})
