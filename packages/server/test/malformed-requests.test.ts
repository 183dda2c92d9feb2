import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectError, isRegisteredError } from './error-assertions.js'
import { KEYS, startTestServer, type TestServer } from './harness.js'
import {
  DEEP_ARRAYS,
  FIELDS,
  INVALID_UTF8,
  KNOWN,
  fuzzRequest,
  type FuzzRequest,
} from './malformed-request-arbitraries.js'
import { rawExchange } from './raw-http.js'

const T = '/frontend/v1/threads'
/** 300 by default; raise it locally to search harder (PROGRESSDB_TEST_FUZZ_RUNS=5000). */
const RUNS = Number(process.env.PROGRESSDB_TEST_FUZZ_RUNS ?? 300)

interface Outcome {
  status: number
  text: string
  body: unknown
}

async function send(base: string, r: FuzzRequest): Promise<Outcome> {
  const res = await fetch(base + r.path, {
    method: r.method,
    headers: r.headers,
    body: r.body as RequestInit['body'],
    signal: AbortSignal.timeout(15_000),
  })
  // A well-formed request for the change stream gets a live SSE stream, which never ends by
  // itself: its status and headers are the outcome; stop reading there.
  if (res.headers.get('content-type')?.startsWith('text/event-stream')) {
    await res.body?.cancel()
    return { status: res.status, text: '', body: undefined }
  }
  const text = await res.text()
  let body: unknown
  try {
    body = JSON.parse(text)
  } catch {
    body = undefined
  }
  return { status: res.status, text, body }
}

/** The invariant of SPEC section 3 for any request: never a 5xx; every 4xx is a registered JSON error. */
function checkOutcome(r: FuzzRequest, o: Outcome) {
  const where = `${r.method} ${r.path.slice(0, 200)} -> ${o.status} ${o.text.slice(0, 200)}`
  expect(o.status, where).toBeLessThan(500)
  // A HEAD response carries no body by definition.
  if (o.status >= 400 && r.method !== 'HEAD')
    expect(isRegisteredError(o.body, o.status), where).toBe(true)
}

describe('malformed requests', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
    const created = await t
      .backend(KNOWN.user)
      .post(`${T}/${KNOWN.thread}/messages`, { id: KNOWN.message, body: 'seed' })
    expect(created.status).toBe(201)
  })
  afterAll(async () => t.close())

  it(
    'answers a few hundred generated malformed requests without a 5xx, each error a registered code',
    async () => {
      await fc.assert(
        fc.asyncProperty(fuzzRequest, async (r) => checkOutcome(r, await send(t.url, r))),
        { numRuns: RUNS },
      )
      expect((await t.raw().get('/readyz')).status).toBe(200)
    },
    20_000 + RUNS * 50,
  )

  it('sends wrong-typed and garbage JSON to every write route without a 5xx', async () => {
    const writes: [string, string][] = [
      ['POST', T],
      ['PUT', `${T}/${KNOWN.thread}`],
      ['PATCH', `${T}/${KNOWN.thread}`],
      ['POST', `${T}/${KNOWN.thread}/messages`],
      ['PUT', `${T}/${KNOWN.thread}/messages/${KNOWN.message}`],
      ['PATCH', `${T}/${KNOWN.thread}/messages/${KNOWN.message}`],
      ['POST', `${T}/${KNOWN.thread}/messages/${KNOWN.message}/reactions`],
      ['DELETE', `${T}/${KNOWN.thread}/messages/${KNOWN.message}/reactions`],
      ['POST', `${T}/${KNOWN.thread}/participants`],
      ['DELETE', `${T}/${KNOWN.thread}/participants`],
      ['POST', `${T}/${KNOWN.thread}/read`],
      ['POST', '/backend/v1/sign'],
    ]
    const bodies = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc
        .dictionary(
          fc.constantFrom(...FIELDS),
          fc.jsonValue({ maxDepth: 2 }),
          { maxKeys: 4 },
        )
        .map((o) => JSON.stringify(o)),
      fc.string({ unit: 'binary', maxLength: 60 }),
    )
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...writes), bodies, async ([method, path], body) => {
        const r = {
          method,
          path,
          body,
          headers: {
            'x-api-key': KEYS.backend,
            'x-user-id': KNOWN.user,
            'content-type': 'application/json',
          },
        }
        checkOutcome(r, await send(t.url, r))
      }),
      { numRuns: 150 },
    )
  })

  it('rejects 100k nested arrays as a 400 BAD_JSON (not a 500) on every route that stores JSON', async () => {
    // Its own thread: the fuzzing above may have deleted the shared one.
    const u = t.backend('deep-user')
    expect((await u.post(`${T}/deep-keep/messages`, { id: 'keep', body: 'kept' })).status).toBe(201)
    const cases: [string, string, string][] = [
      ['POST', `${T}/deep/messages`, `{"body": ${DEEP_ARRAYS}}`],
      ['POST', `${T}/deep/messages`, `{"body": 1, "metadata": {"a": ${DEEP_ARRAYS}}}`],
      ['POST', T, `{"id": "deep-t", "metadata": {"a": ${DEEP_ARRAYS}}}`],
      ['PUT', `${T}/deep-keep/messages/keep`, `{"body": ${DEEP_ARRAYS}}`],
      ['PATCH', `${T}/deep-keep`, `{"metadata": {"a": ${DEEP_ARRAYS}}}`],
      ['POST', `${T}/deep/messages`, `{"body": ${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`],
    ]
    const results = []
    for (const [method, path, body] of cases) {
      const res = await u.request(method, path, body)
      results.push([method, path.slice(T.length), res.status, res.body?.code])
    }
    expect(results).toEqual(
      cases.map(([method, path]) => [method, path.slice(T.length), 400, 'BAD_JSON']),
    )
    expectError(await u.get(`${T}/deep`), 404, 'THREAD_NOT_FOUND')
    expect((await u.get(`${T}/deep-keep/messages/keep`)).body.message).toMatchObject({
      version: 1,
      body: 'kept',
    })
    expect((await u.get(`${T}/deep-keep`)).body.thread.metadata).toEqual({})
    const moderate = await u.post(`${T}/deep-ok/messages`, {
      body: JSON.parse('['.repeat(20) + ']'.repeat(20)),
    })
    expect(moderate.status).toBe(201)
  })

  it('rejects a body that is not valid UTF-8 with BAD_JSON instead of storing replacement characters', async () => {
    const u = t.backend(KNOWN.user)
    expectError(await u.post(`${T}/utf8/messages`, INVALID_UTF8), 400, 'BAD_JSON')
    expectError(await u.get(`${T}/utf8`), 404, 'THREAD_NOT_FOUND')
  })

  it('answers broken HTTP on a raw socket with a 400 or a closed connection', async () => {
    const port = t.server.port
    const broken: (string | Uint8Array)[] = [
      'GARBAGE\r\n\r\n',
      'GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nBad Header Without Colon\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nX Spaced Name: a\r\n\r\n',
      'GET /healthz HTTP/1.1\r\nHost: x\r\nX-Nul: a\u0000b\r\n\r\n',
      'POST /frontend/v1/threads HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n',
      'POST /frontend/v1/threads HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST /frontend/v1/threads HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nabc\r\n',
      'POST /frontend/v1/threads HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab',
      `GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      `GET /healthz HTTP/1.1\r\nHost: x\r\n${'X-A: b\r\n'.repeat(5000)}\r\n`,
      new Uint8Array(Array.from({ length: 2048 }, (_, i) => (i * 7919 + 13) % 256)),
      'GET /healthz HTTP/1.1\nHost: x\n\n\u00ff\u00fe\r\n',
    ]
    for (const request of broken) {
      const res = await rawExchange(port, request)
      const label =
        typeof request === 'string' ? JSON.stringify(request.slice(0, 80)) : 'random bytes'
      expect(res.timedOut, label).toBe(false)
      if (res.status !== null) {
        expect(res.status, label).toBeGreaterThanOrEqual(400)
        expect(res.status, label).toBeLessThan(500)
        expect(isRegisteredError(JSON.parse(res.body), res.status), `${label}: ${res.body}`).toBe(
          true,
        )
      }
    }
    // What node's parser refused still gets its proper status, a code and a real request id.
    const answers: [string, number, string][] = [
      ['FOO /frontend/v1/threads HTTP/1.1\r\nHost: x\r\n\r\n', 400, 'MALFORMED_REQUEST'],
      [`GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
      [`GET /${'a'.repeat(100_000)} HTTP/1.1\r\nHost: x\r\n\r\n`, 431, 'HEADERS_TOO_LARGE'],
    ]
    for (const [request, status, code] of answers) {
      const res = await rawExchange(port, request)
      expect(res.status, request.slice(0, 40)).toBe(status)
      const body = JSON.parse(res.body) as { code: string; request_id: string }
      expect(body.code).toBe(code)
      expect(body.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/)
      expect(res.headers['x-request-id']).toBe(body.request_id)
    }
    const badUserBytes = Buffer.concat([
      Buffer.from(
        `GET ${T} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nX-API-Key: ${KEYS.backend}\r\nX-User-ID: `,
      ),
      Buffer.from([0xff, 0xc3, 0x28, 0xe2, 0x82]),
      Buffer.from('\r\n\r\n'),
    ])
    const res = await rawExchange(port, badUserBytes)
    expect(res.status).toBe(400)
    expect(JSON.parse(res.body).code).toBe('INVALID_ID')
  })

  it('is still alive and serving afterwards', async () => {
    expect((await t.raw().get('/readyz')).status).toBe(200)
    const u = t.user('after-fuzz')
    const created = await u.post(`${T}/after-fuzz/messages`, {
      id: 'ok',
      body: { text: 'still here' },
    })
    expect(created.status).toBe(201)
    const read = await u.get(`${T}/after-fuzz/messages/ok`)
    expect(read.status).toBe(200)
    expect(read.body.message.body).toEqual({ text: 'still here' })
    expect((await t.admin().get('/admin/health')).body.ready).toBe(true)
  })
})
