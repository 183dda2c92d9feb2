import { describe, expect, it } from 'vitest'
import { createAuth, signatureExpiryMs } from './credentials.js'

const HEX = 'ab'.repeat(32)
const expiringAt = (seconds: number) => `e.${seconds}.${HEX}`

/** An auth over a `getUserSignature` that answers from a script, with a clock the test moves. */
function scripted(answers: (() => string)[], startMs = 1_000_000_000_000) {
  const clock = { ms: startMs }
  let calls = 0
  const auth = createAuth(
    {
      frontendKey: 'pk',
      userId: 'u',
      getUserSignature: () => {
        const answer = answers[Math.min(calls, answers.length - 1)]!
        calls += 1
        return answer()
      },
    },
    () => clock.ms,
  )
  const signature = async () => (await auth.headers()).headers['x-user-signature']
  return { auth, clock, signature, calls: () => calls }
}

const down = () => {
  throw new Error('the signing backend is down')
}
/** Lets the background renewal (a few promise hops) finish. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0))

describe('signatureExpiryMs', () => {
  it('reads the expiry of an expiring signature; a plain one has none', () => {
    expect(signatureExpiryMs(expiringAt(1_767_225_600))).toBe(1_767_225_600_000)
    expect(signatureExpiryMs(HEX)).toBeUndefined()
    expect(signatureExpiryMs('e.soon.abc')).toBeUndefined()
  })
})

describe('getUserSignature credentials', () => {
  it('keep a valid signature when renewing it fails, and try again later', async () => {
    const start = 1_000_000_000_000
    const first = expiringAt(start / 1000 + 3600)
    const renewed = expiringAt(start / 1000 + 7200)
    const steps = [() => first, down, () => renewed]
    const { clock, signature, calls } = scripted(steps, start)
    expect(await signature()).toBe(first)
    expect(calls()).toBe(1)
    // Within a minute of its expiry: a renewal starts, fails, and the held one still serves.
    clock.ms = start + 3600_000 - 30_000
    expect(await signature()).toBe(first)
    await settle()
    expect(calls()).toBe(2)
    expect(await signature()).toBe(first) // no new attempt right after a failure
    expect(calls()).toBe(2)
    clock.ms += 5_000
    expect(await signature()).toBe(first) // renewing again, in the background
    await settle()
    expect(calls()).toBe(3)
    expect(await signature()).toBe(renewed)
  })

  it('fail only when no usable signature is held: an expired one is not sent', async () => {
    const start = 1_000_000_000_000
    const { clock, signature, calls } = scripted([() => expiringAt(start / 1000 + 60), down], start)
    await signature()
    clock.ms = start + 61_000
    await expect(signature()).rejects.toThrow('the signing backend is down')
    await expect(signature()).rejects.toThrow('the signing backend is down') // asks each time
    expect(calls()).toBe(3)
  })

  it('drop a signature the server rejected, once for requests that failed together', async () => {
    const { auth, signature, calls } = scripted([() => HEX, () => 'cd'.repeat(32)])
    const used = await auth.headers()
    expect(await auth.refresh(used.generation)).toBe(true)
    expect(await auth.refresh(used.generation)).toBe(true)
    expect(await Promise.all([signature(), signature()])).toEqual([
      'cd'.repeat(32),
      'cd'.repeat(32),
    ])
    expect(calls()).toBe(2)
    // A late report about the old signature does not drop the new one.
    await auth.refresh(used.generation)
    expect(await signature()).toBe('cd'.repeat(32))
    expect(calls()).toBe(2)
  })

  it('a plain signature is kept however much time passes', async () => {
    const { clock, signature, calls } = scripted([() => HEX, down])
    await signature()
    clock.ms += 365 * 24 * 3600_000
    expect(await signature()).toBe(HEX)
    expect(calls()).toBe(1)
  })
})
