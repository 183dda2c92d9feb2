import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { jsonSizeBound } from './json-size-bound.js'

const utf8Bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value))

describe('jsonSizeBound', () => {
  it('is never below the UTF-8 size of JSON.stringify, for any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        expect(jsonSizeBound(value)).toBeGreaterThanOrEqual(utf8Bytes(value))
      }),
      { numRuns: 2000 },
    )
  })

  it('holds for the widest strings and numbers JSON.stringify writes', () => {
    const widest = ['\u0000\u001f"\\', '\ud800', '\udfff\ud800', '\u{1f600}', 'é€'.repeat(100)]
    const numbers = [-0.0000012345678901234567, -1.7976931348623157e308, -5e-324, -123456789012345680000]
    for (const value of [...widest, ...numbers, { [widest[0]!]: widest, n: numbers }])
      expect(jsonSizeBound(value)).toBeGreaterThanOrEqual(utf8Bytes(value))
  })

  it('stays close enough for a growing text to be checked without serialising it', () => {
    const body = { text: 'token '.repeat(10_000) }
    expect(jsonSizeBound(body)).toBeLessThanOrEqual(6 * utf8Bytes(body) + 32)
    expect(jsonSizeBound('x'.repeat(100_000))).toBeLessThan(1 << 20)
  })
})
