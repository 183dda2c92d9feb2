import type { SignatureCheck } from './user-signature.js'

/**
 * Remembers signatures that verified, so a user's steady stream of requests costs one HMAC per
 * signing-key set rather than one per request. Only successes are kept (a wrong guess is never
 * cached), keyed by user and signature together, and an expiring signature is only trusted
 * from the cache until its expiry. Bounded: the oldest entries go first.
 */
export function createSignatureCache(capacity: number, verify: (userId: string, signature: string, nowMs: number) => SignatureCheck) {
  const valid = new Map<string, number>()
  return (userId: string, signature: string, nowMs: number): SignatureCheck => {
    const key = `${userId}\n${signature}`
    const until = valid.get(key)
    if (until !== undefined && nowMs < until) return 'valid'
    const check = verify(userId, signature, nowMs)
    if (check === 'valid') {
      if (valid.size >= capacity) valid.delete(valid.keys().next().value!)
      valid.set(key, signature.startsWith('e.') ? Number(signature.split('.')[1]) * 1000 : Infinity)
    }
    return check
  }
}
