import type { IncomingMessage } from 'node:http'
import { PassThrough } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { readBody } from './json-body.js'

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
