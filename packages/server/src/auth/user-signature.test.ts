import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { signUser, verifyUserSignature } from './user-signature.js'

const NOW = 1_800_000_000_000

describe('user signatures', () => {
  it('plain signatures are the hex HMAC-SHA256 of the user id (ProgressDB 0.2 compatible)', () => {
    const expected = createHmac('sha256', 's1').update('alice').digest('hex')
    expect(signUser('s1', 'alice')).toBe(expected)
    expect(verifyUserSignature(['s1'], 'alice', expected, NOW)).toBe('valid')
    expect(verifyUserSignature(['s1'], 'alice', expected.toUpperCase(), NOW)).toBe('valid')
  })

  it('accepts a signature under any configured secret (rotation) and rejects others', () => {
    const sig = signUser('old', 'alice')
    expect(verifyUserSignature(['new', 'old'], 'alice', sig, NOW)).toBe('valid')
    expect(verifyUserSignature(['new'], 'alice', sig, NOW)).toBe('invalid')
    expect(verifyUserSignature(['old'], 'bob', sig, NOW)).toBe('invalid')
  })

  it('expiring signatures are valid until their expiry, then expired', () => {
    const exp = NOW / 1000 + 60
    const sig = signUser('s1', 'alice', exp)
    expect(sig).toMatch(/^e\.\d+\.[0-9a-f]{64}$/)
    expect(verifyUserSignature(['s1'], 'alice', sig, NOW)).toBe('valid')
    expect(verifyUserSignature(['s1'], 'alice', sig, exp * 1000)).toBe('expired')
  })

  it('a changed expiry or user invalidates an expiring signature', () => {
    const exp = NOW / 1000 + 60
    const [, , mac] = signUser('s1', 'alice', exp).split('.')
    expect(verifyUserSignature(['s1'], 'alice', `e.${exp + 3600}.${mac}`, NOW)).toBe('invalid')
    expect(verifyUserSignature(['s1'], 'bob', `e.${exp}.${mac}`, NOW)).toBe('invalid')
  })

  it('an expired signature with a bad MAC is invalid, not expired (no oracle)', () => {
    expect(verifyUserSignature(['s1'], 'alice', `e.1.${'0'.repeat(64)}`, NOW)).toBe('invalid')
  })

  it('rejects malformed signatures', () => {
    for (const bad of ['', 'zz', 'e.', 'e.x.abc', `e.1.2.${'a'.repeat(64)}`, 'a'.repeat(63), 'g'.repeat(64)])
      expect(verifyUserSignature(['s1'], 'alice', bad, NOW)).toBe('invalid')
  })
})
