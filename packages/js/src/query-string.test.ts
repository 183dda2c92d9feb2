import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { queryString } from './query-string.js'

/** Any UTF-16 text, lone surrogates included. */
const anyText = fc
  .array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 24 })
  .map((units) => String.fromCharCode(...units))
const anyValue = fc.oneof(anyText, fc.integer(), fc.double(), fc.boolean(), fc.constant(undefined))

/** What the transport built with URLSearchParams before (the reference output). */
function reference(query: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams()
  for (const [name, value] of Object.entries(query))
    if (value !== undefined) params.set(name, String(value))
  const text = params.toString()
  return text ? `?${text}` : ''
}

describe('queryString', () => {
  it('is byte for byte what URLSearchParams gives', () => {
    fc.assert(
      fc.property(fc.dictionary(anyText, anyValue), (query) => {
        expect(queryString(query)).toBe(reference(query))
      }),
      { numRuns: 2000 },
    )
  })

  it('encodes the characters where the two encodings differ', () => {
    expect(queryString({ title: "a b!'()~*-._", 'x y': true, skip: undefined })).toBe(
      '?title=a+b%21%27%28%29%7E*-._&x+y=true',
    )
    expect(queryString({ t: '\uD800é' })).toBe('?t=%EF%BF%BD%C3%A9')
    // Two names that both become U+FFFD are one parameter, as URLSearchParams#set makes them.
    expect(queryString({ '\uD800': '', '\uDC00': false })).toBe('?%EF%BF%BD=false')
    expect(queryString({})).toBe('')
    expect(queryString(undefined)).toBe('')
  })
})
