import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, createTransport, isProgressDBError, ProgressDBError } from '../src/index.js'
import { KEYS, startFixtureServer, type FixtureServer } from './fixture.js'

/** The error a promise rejects with; fails the test when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<ProgressDBError> {
  const outcome = await promise.then(
    () => new Error('expected a rejection'),
    (error: unknown) => error,
  )
  if (!isProgressDBError(outcome))
    throw outcome instanceof Error ? outcome : new Error(String(outcome))
  return outcome
}

describe('@progressdb/js typed errors', () => {
  let server: FixtureServer
  beforeAll(async () => {
    server = await startFixtureServer()
  })
  afterAll(async () => server.close())

  it('401: unknown key, bad signature', async () => {
    const badKey = createClient({ ...server.frontend('u1'), frontendKey: 'nope' })
    const e = await rejection(badKey.threads.list())
    expect(e).toBeInstanceOf(ProgressDBError)
    expect([e.name, e.status, e.code]).toEqual(['ProgressDBError', 401, 'INVALID_API_KEY'])
    expect(e.requestId).toMatch(/\S+/)

    const badSig = createClient({
      ...server.frontend('u1'),
      userSignature: server.sign('someone-else'),
    })
    expect(await rejection(badSig.threads.list())).toMatchObject({
      status: 401,
      code: 'INVALID_SIGNATURE',
    })
  })

  it('403: another user’s thread, a frontend key on an admin route', async () => {
    const owner = createClient(server.frontend('owner'))
    await owner.threads.create({ id: 'private' })
    const intruder = createClient(server.frontend('intruder'))
    expect(await rejection(intruder.messages('private').list())).toMatchObject({
      status: 403,
      code: 'THREAD_ACCESS_DENIED',
    })
    const admin = createTransport({ baseUrl: server.url, credentials: { apiKey: KEYS.frontend } })
    expect(await rejection(admin.request({ method: 'GET', path: '/admin/health' }))).toMatchObject({
      status: 403,
      code: 'KEY_NOT_ALLOWED',
    })
  })

  it('404: unknown thread, unknown message', async () => {
    const c = createClient(server.frontend('finder'))
    expect(await rejection(c.threads.get('nowhere'))).toMatchObject({
      status: 404,
      code: 'THREAD_NOT_FOUND',
    })
    await c.messages('somewhere').create({ body: 'x' })
    expect(await rejection(c.messages('somewhere').get('missing'))).toMatchObject({
      status: 404,
      code: 'MESSAGE_NOT_FOUND',
    })
  })

  it('409: stale if_version, writing to a deleted thread', async () => {
    const c = createClient(server.frontend('conflicts'))
    await c.messages('c1').create({ id: 'x', body: 1 })
    await c.messages('c1').update('x', { body: 2 })
    expect(await rejection(c.messages('c1').update('x', { body: 3, if_version: 1 }))).toMatchObject(
      {
        status: 409,
        code: 'VERSION_CONFLICT',
      },
    )
    await c.threads.delete('c1')
    expect(await rejection(c.messages('c1').create({ body: 'late' }))).toMatchObject({
      status: 409,
      code: 'THREAD_DELETED',
    })
  })

  it('400: validation problems come with details; a bad id is INVALID_ID', async () => {
    const c = createClient(server.frontend('validator'))
    const e = await rejection(c.messages('v1').create({ body: 'x', role: 'r'.repeat(65) }))
    expect(e).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' })
    expect(e.details?.map((d) => d.path)).toContain('/role')
    expect(await rejection(c.threads.get('has space'))).toMatchObject({
      status: 400,
      code: 'INVALID_ID',
    })
  })
})

describe('@progressdb/js limits: 413 and 429', () => {
  let limited: FixtureServer
  beforeAll(async () => {
    limited = await startFixtureServer({
      yaml: 'limits:\n  bodyMaxBytes: 2048\nrateLimit:\n  userBurst: 3\n',
      env: { PROGRESSDB_RATE_LIMIT_USER_PER_SECOND: '1' },
    })
  })
  afterAll(async () => limited.close())

  it('413: a body over the limit is PAYLOAD_TOO_LARGE and is not retried', async () => {
    const statuses: number[] = []
    const c = createClient({
      ...limited.frontend('big'),
      fetch: async (input, init) => {
        const res = await fetch(input, init)
        statuses.push(res.status)
        return res
      },
    })
    const e = await rejection(c.messages('big').create({ body: { text: 'x'.repeat(4096) } }))
    expect(e).toMatchObject({ status: 413, code: 'PAYLOAD_TOO_LARGE' })
    expect(statuses).toEqual([413])
    expect((await c.messages('big').create({ body: { text: 'small' } })).body).toEqual({
      text: 'small',
    })
  })

  it('429: RATE_LIMITED with retryAfterS when retries are off', async () => {
    const c = createClient({ ...limited.frontend('hasty'), retry: { retries: 0 } })
    let error: ProgressDBError | undefined
    for (let i = 0; i < 20 && !error; i++)
      error = await c.threads.list().then(
        () => undefined,
        (e: ProgressDBError) => e,
      )
    expect(error).toMatchObject({ status: 429, code: 'RATE_LIMITED' })
    expect(error!.retryAfterS).toBeGreaterThanOrEqual(1)
  })

  it('429: retried after Retry-After by default, then succeeds', async () => {
    const statuses: number[] = []
    const c = createClient({
      ...limited.frontend('patient'),
      fetch: async (input, init) => {
        const res = await fetch(input, init)
        statuses.push(res.status)
        return res
      },
    })
    for (let i = 0; i < 20 && !statuses.includes(429); i++) await c.threads.list()
    expect(statuses).toContain(429)
    const at = statuses.indexOf(429)
    expect(statuses[at + 1]).toBe(200)
  })
})

describe('@progressdb/js signature refresh', () => {
  let server: FixtureServer
  beforeAll(async () => {
    server = await startFixtureServer()
  })
  afterAll(async () => server.close())
  const expiredFor = (userId: string) =>
    server.signUntil(userId, Math.floor(Date.now() / 1000) - 60)

  it('calls getUserSignature lazily, again once on SIGNATURE_EXPIRED, then reuses it', async () => {
    const answers = [expiredFor('renew'), server.sign('renew')]
    let calls = 0
    const c = createClient({
      baseUrl: server.url,
      frontendKey: KEYS.frontend,
      userId: 'renew',
      getUserSignature: async () => answers[calls++]!,
    })
    expect(calls).toBe(0)
    const m = await c.messages('renewed').create({ body: 'after refresh' })
    expect(m.author).toBe('renew')
    expect(calls).toBe(2)
    await c.threads.list()
    expect(calls).toBe(2)
  })

  it('shares one refresh between concurrent requests that failed together', async () => {
    const answers = [expiredFor('crowd'), server.sign('crowd')]
    let calls = 0
    const c = createClient({
      baseUrl: server.url,
      frontendKey: KEYS.frontend,
      userId: 'crowd',
      getUserSignature: () => answers[Math.min(calls++, 1)]!,
    })
    const lists = await Promise.all(Array.from({ length: 5 }, () => c.threads.list()))
    expect(lists.every((l) => Array.isArray(l.threads))).toBe(true)
    expect(calls).toBe(2)
  })

  it('gives up with INVALID_SIGNATURE when the new signature is bad too', async () => {
    let calls = 0
    const c = createClient({
      baseUrl: server.url,
      frontendKey: KEYS.frontend,
      userId: 'forged',
      getUserSignature: () => {
        calls++
        return 'f'.repeat(64)
      },
    })
    expect(await rejection(c.threads.list())).toMatchObject({
      status: 401,
      code: 'INVALID_SIGNATURE',
    })
    expect(calls).toBe(2)
  })
})

describe('@progressdb/js responses that are not the API', () => {
  it('retries a GET on 502 from a gateway, then reports BAD_RESPONSE with the status', async () => {
    let hits = 0
    const gateway = http.createServer((_req, res) => {
      hits++
      res.writeHead(502, { 'content-type': 'text/html' }).end('<h1>Bad gateway</h1>')
    })
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve))
    try {
      const url = `http://127.0.0.1:${(gateway.address() as AddressInfo).port}`
      const c = createClient({
        baseUrl: url,
        backendKey: 'k',
        userId: 'u',
        retry: { retries: 2, minDelayMs: 1 },
      })
      expect(await rejection(c.threads.list())).toMatchObject({ status: 502, code: 'BAD_RESPONSE' })
      expect(hits).toBe(3)
    } finally {
      gateway.close()
    }
  })

  it('reports NETWORK_ERROR (status 0) when nothing listens', async () => {
    const closed = http.createServer()
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve))
    const { port } = closed.address() as AddressInfo
    await new Promise((resolve) => closed.close(resolve))
    const c = createClient({
      baseUrl: `http://127.0.0.1:${port}`,
      backendKey: 'k',
      userId: 'u',
      retry: { minDelayMs: 1 },
    })
    expect(await rejection(c.threads.list())).toMatchObject({ status: 0, code: 'NETWORK_ERROR' })
  })
})

describe('@progressdb/js failures before anything is sent', () => {
  let server: FixtureServer
  beforeAll(async () => {
    server = await startFixtureServer()
  })
  afterAll(async () => server.close())

  it('a failing getUserSignature is CREDENTIALS_UNAVAILABLE (status 0, the failure as cause)', async () => {
    const failure = new Error('signing endpoint down')
    let calls = 0
    const c = createClient({
      baseUrl: server.url,
      frontendKey: KEYS.frontend,
      userId: 'nosig',
      getUserSignature: async () => {
        if (calls++ === 0) throw failure
        return server.sign('nosig')
      },
    })
    const e = await rejection(c.threads.list())
    expect(e).toBeInstanceOf(ProgressDBError)
    expect([e.status, e.code, e.cause]).toEqual([0, 'CREDENTIALS_UNAVAILABLE', failure])
    expect(Array.isArray((await c.threads.list()).threads)).toBe(true) // asked again, not cached
    expect(calls).toBe(2)
  })

  it('a signature that cannot be a header value is CREDENTIALS_UNAVAILABLE too', async () => {
    for (const bad of [undefined, '', 'two\nlines', 'caf\u00e9'])
      expect(
        await rejection(
          createClient({
            baseUrl: server.url,
            frontendKey: KEYS.frontend,
            userId: 'odd',
            getUserSignature: () => bad as unknown as string,
          }).threads.list(),
        ),
      ).toMatchObject({ status: 0, code: 'CREDENTIALS_UNAVAILABLE' })
  })

  it('a body JSON cannot carry is BAD_REQUEST_BODY and sends nothing', async () => {
    let sent = 0
    const c = createClient({
      ...server.frontend('bigint'),
      fetch: (input, init) => {
        sent++
        return fetch(input, init)
      },
    })
    const e = await rejection(c.messages('big').create({ body: { n: 10n } }))
    expect([e.status, e.code]).toEqual([0, 'BAD_REQUEST_BODY'])
    expect(e.cause).toBeInstanceOf(TypeError)
    const cyclic: Record<string, unknown> = {}
    cyclic.self = cyclic
    expect(await rejection(c.messages('big').create({ body: cyclic }))).toMatchObject({
      code: 'BAD_REQUEST_BODY',
    })
    expect(sent).toBe(0)
  })

  it('keys, user ids and signatures are trimmed as fetch trims header values', async () => {
    const backend = createClient({
      baseUrl: server.url,
      backendKey: `${KEYS.backend}\n`,
      userId: ' trimmed\t',
    })
    expect(backend.userId).toBe('trimmed')
    expect((await backend.messages('trim').create({ body: 'x' })).author).toBe('trimmed')
    const frontend = createClient({
      baseUrl: server.url,
      frontendKey: ` ${KEYS.frontend}\r\n`,
      userId: 'trimmed',
      getUserSignature: async () => `${server.sign('trimmed')}\n`, // e.g. a file's last line
    })
    expect((await frontend.messages('trim').list()).messages).toHaveLength(1)
  })

  it('a key that cannot be a header value is refused at once, without quoting it', () => {
    const secret = 'pdb_secret_value'
    const make = () =>
      createClient({ baseUrl: server.url, backendKey: `${secret}\nX-Injected: 1`, userId: 'u' })
    expect(make).toThrow(TypeError)
    expect(make).toThrow(/backendKey/)
    expect(make).not.toThrow(new RegExp(secret))
  })
})
