import { describe, expect, it } from 'vitest'
import { restartDelay } from './worker-pool.js'

describe('restartDelay', () => {
  it('backs off while replacements die young, up to half a minute, and restarts at once after a healthy run', () => {
    let delay = 0
    const seen: number[] = []
    for (let i = 0; i < 10; i++) seen.push((delay = restartDelay(delay, 1_000)))
    expect(seen).toEqual([250, 500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000])
    expect(restartDelay(delay, 60_000)).toBe(0)
    expect(restartDelay(0, 59_999)).toBe(250)
  })
})
