import { AppError } from '../app-error.js'

export interface RateLimit {
  perSecond: number
  burst: number
}

interface Bucket {
  tokens: number
  at: number
}

/**
 * Token buckets by name (a user id, a key id). `perSecond: 0` disables the limit. Buckets that
 * have refilled completely carry no information and are dropped by `sweep`, so memory follows
 * the number of recently active callers.
 */
export function createRateLimiter(limit: RateLimit, now: () => number) {
  const buckets = new Map<string, Bucket>()
  const refill = (bucket: Bucket, t: number) => {
    bucket.tokens = Math.min(limit.burst, bucket.tokens + ((t - bucket.at) / 1000) * limit.perSecond)
    bucket.at = t
  }
  return {
    /** Takes one token or throws RATE_LIMITED with the seconds until one is available. */
    take(name: string, what: string): void {
      if (limit.perSecond <= 0) return
      const t = now()
      let bucket = buckets.get(name)
      if (!bucket) buckets.set(name, (bucket = { tokens: limit.burst, at: t }))
      else refill(bucket, t)
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1
        return
      }
      const retryAfterS = Math.max(1, Math.ceil((1 - bucket.tokens) / limit.perSecond))
      throw new AppError('RATE_LIMITED', `Too many requests for this ${what}; retry in ${retryAfterS} s.`, undefined, {
        'retry-after': String(retryAfterS),
      })
    },
    sweep(): void {
      const t = now()
      for (const [name, bucket] of buckets) {
        refill(bucket, t)
        if (bucket.tokens >= limit.burst) buckets.delete(name)
      }
    },
    size: () => buckets.size,
  }
}

export type RateLimiter = ReturnType<typeof createRateLimiter>
