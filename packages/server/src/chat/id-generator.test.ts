import { isValidId } from '@progressdb/protocol'
import { describe, expect, it } from 'vitest'
import { createIdGenerator } from './id-generator.js'

describe('id generator', () => {
  it('makes unique, valid ids that sort in generation order, even within one millisecond', () => {
    let now = 1_700_000_000_000
    const next = createIdGenerator({ now: () => now })
    const ids: string[] = []
    for (let i = 0; i < 5000; i++) {
      if (i % 1000 === 0) now += 1
      ids.push(next())
    }
    expect(new Set(ids).size).toBe(ids.length)
    expect([...ids].sort()).toEqual(ids)
    expect(ids.every(isValidId)).toBe(true)
    expect(ids[0]).toHaveLength(26)
  })

  it('never goes backwards when the clock does', () => {
    let now = 1_700_000_000_000
    const next = createIdGenerator({ now: () => now })
    const first = next()
    now -= 5000
    expect(next() > first).toBe(true)
  })
})
