import fc from 'fast-check'
import { toBufferKey } from 'ordered-binary'
import { describe, expect, it } from 'vitest'
import { sortKeyOf } from './journaled-table.js'

// Keys shaped like the store's: arrays of ids (any Unicode, surrogates included), numbers
// (negative, fractional, huge) and the '\uffff' range bound.
const part = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 70 }),
  fc.string({ maxLength: 5 }),
  fc.constant('\uffff'),
  fc.integer(),
  fc.double({ noNaN: true }),
)
const key = fc.oneof(part, fc.array(part, { minLength: 1, maxLength: 4 }))
const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0)

describe('sort keys', () => {
  it('hold exactly the ordered-binary bytes LMDB stores', () => {
    fc.assert(
      fc.property(key, (k) => {
        expect(Buffer.from(sortKeyOf(k), 'latin1')).toEqual(toBufferKey(k as never))
      }),
      { numRuns: 500 },
    )
  })

  it('compare as strings in the order LMDB compares the bytes', () => {
    fc.assert(
      fc.property(key, key, (a, b) => {
        const x = sortKeyOf(a)
        const y = sortKeyOf(b)
        const byString = x < y ? -1 : x > y ? 1 : 0
        expect(byString).toBe(sign(Buffer.compare(toBufferKey(a as never), toBufferKey(b as never))))
      }),
      { numRuns: 1000 },
    )
  })
})
