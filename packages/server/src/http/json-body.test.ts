import type { IncomingMessage } from 'node:http'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { JSON_MAX_DEPTH, parseJson, readBody } from './json-body.js'

/** A request body stream: what readBody reads of an IncomingMessage. */
function fakeRequest(headers: Record<string, string> = {}) {
  return Object.assign(new PassThrough(), { headers }) as unknown as IncomingMessage & PassThrough
}

describe('readBody', () => {
  it('returns the body, and leaves only a no-op error listener on the request once read', async () => {
    const req = fakeRequest()
    const body = readBody(req, 1024)
    req.write('{"text":')
    req.end('"hi"}')
    expect((await body).toString()).toBe('{"text":"hi"}')
    expect(req.listenerCount('data')).toBe(0)
    expect(req.listenerCount('aborted')).toBe(0)
    expect(req.listenerCount('error')).toBe(1)
    // A connection reset after the body was read must not throw out of the request.
    expect(() => req.emit('error', new Error('ECONNRESET'))).not.toThrow()
  })

  it('refuses a body over the limit while it arrives, with 413 PAYLOAD_TOO_LARGE', async () => {
    const req = fakeRequest()
    const body = readBody(req, 4)
    req.end('12345')
    await expect(body).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' })
  })

  it('rejects with BAD_JSON when the request is aborted before its body arrived', async () => {
    const req = fakeRequest()
    const body = readBody(req, 1024)
    req.emit('aborted')
    await expect(body).rejects.toMatchObject({ code: 'BAD_JSON' })
  })
})

describe('parseJson', () => {
  const nested = (levels: number, open = '[', close = ']') =>
    `${open.repeat(levels)}${close.repeat(levels)}`
  const objects = (levels: number) => `${'{"a":'.repeat(levels - 1)}{}${'}'.repeat(levels - 1)}`

  it(`takes documents nested up to ${JSON_MAX_DEPTH} levels and refuses deeper ones with BAD_JSON`, () => {
    expect(parseJson(Buffer.from(nested(JSON_MAX_DEPTH)))).toBeInstanceOf(Array)
    expect(parseJson(Buffer.from(objects(JSON_MAX_DEPTH)))).toBeInstanceOf(Object)
    for (const deep of [
      nested(JSON_MAX_DEPTH + 1),
      objects(JSON_MAX_DEPTH + 1),
      `[1, {"a": ${nested(JSON_MAX_DEPTH)}}]`,
    ])
      expect(() => parseJson(Buffer.from(deep))).toThrow(
        expect.objectContaining({
          code: 'BAD_JSON',
          message: expect.stringMatching(/nested deeper/),
        }),
      )
    // 100,000 levels: refused, not a stack overflow.
    expect(() => parseJson(Buffer.from(nested(100_000)))).toThrow(
      expect.objectContaining({ code: 'BAD_JSON' }),
    )
  })

  it('counts only arrays and objects, not brackets inside strings, and takes wide documents', () => {
    const inString = JSON.stringify({ text: '['.repeat(10_000) + '{'.repeat(10_000) })
    expect(parseJson(Buffer.from(inString))).toEqual({
      text: '['.repeat(10_000) + '{'.repeat(10_000),
    })
    const wide = JSON.stringify(Array.from({ length: 10_000 }, (_, i) => ({ i, tags: [i] })))
    expect(parseJson(Buffer.from(wide))).toHaveLength(10_000)
    expect(parseJson(Buffer.from('"just a string"'))).toBe('just a string')
  })

  it('refuses invalid UTF-8 and invalid JSON with BAD_JSON', () => {
    expect(() => parseJson(Buffer.from([0x22, 0xff, 0x22]))).toThrow(
      expect.objectContaining({ code: 'BAD_JSON' }),
    )
    expect(() => parseJson(Buffer.from('{"a":'))).toThrow(
      expect.objectContaining({ code: 'BAD_JSON' }),
    )
  })
})
