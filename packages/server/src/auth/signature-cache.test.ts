import { describe, expect, it } from 'vitest'
import { createSignatureCache } from './signature-cache.js'
import { signUser, verifyUserSignature, type SignatureCheck } from './user-signature.js'

describe('signature cache', () => {
  const counting = () => {
    let calls = 0
    const verify = (u: string, s: string, now: number): SignatureCheck => {
      calls++
      return verifyUserSignature(['k'], u, s, now)
    }
    return { verify, calls: () => calls }
  }

  it('verifies a valid signature once, and never caches a failure', () => {
    const c = counting()
    const check = createSignatureCache(10, c.verify)
    const sig = signUser('k', 'alice')
    expect(check('alice', sig, 0)).toBe('valid')
    expect(check('alice', sig, 0)).toBe('valid')
    expect(c.calls()).toBe(1)
    expect(check('bob', sig, 0)).toBe('invalid')
    expect(check('bob', sig, 0)).toBe('invalid')
    expect(c.calls()).toBe(3)
  })

  it('stops trusting a cached expiring signature at its expiry', () => {
    const check = createSignatureCache(10, counting().verify)
    const sig = signUser('k', 'alice', 100)
    expect(check('alice', sig, 50_000)).toBe('valid')
    expect(check('alice', sig, 100_000)).toBe('expired')
  })

  it('stays within its capacity', () => {
    const c = counting()
    const check = createSignatureCache(2, c.verify)
    for (const u of ['a', 'b', 'c']) check(u, signUser('k', u), 0)
    check('a', signUser('k', 'a'), 0)
    expect(c.calls()).toBe(4)
  })
})
