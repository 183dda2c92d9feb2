import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signUser } from '../src/auth/user-signature.js'
import { expectError, isRegisteredError } from './error-assertions.js'
import { KEYS, startTestServer, type TestServer } from './harness.js'

const T = '/frontend/v1/threads'
const frontend = (user: string, signature: string) => ({
  authorization: `Bearer ${KEYS.frontend}`,
  'x-user-id': user,
  'x-user-signature': signature,
})

describe('auth over HTTP', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(async () => t.close())

  it('needs a known key on user routes', async () => {
    expectError(await t.raw().get(T), 401, 'MISSING_API_KEY')
    expectError(await t.raw({ 'x-user-id': 'u' }).get(T), 401, 'MISSING_API_KEY')
    expectError(
      await t.raw({ authorization: 'Bearer nope', 'x-user-id': 'u' }).get(T),
      401,
      'INVALID_API_KEY',
    )
    expectError(
      await t.raw({ 'x-api-key': 'nope', 'x-user-id': 'u' }).get(T),
      401,
      'INVALID_API_KEY',
    )
    expectError(
      await t.raw({ authorization: `Basic ${KEYS.backend}`, 'x-user-id': 'u' }).get(T),
      401,
      'MISSING_API_KEY',
    )
  })

  it('needs X-User-ID and a valid signature with a frontend key', async () => {
    const key = { authorization: `Bearer ${KEYS.frontend}` }
    expectError(await t.raw(key).get(T), 401, 'MISSING_USER_ID')
    expectError(await t.raw({ ...key, 'x-user-id': 'alice' }).get(T), 401, 'MISSING_SIGNATURE')
    expectError(await t.raw(frontend('alice', 'ab'.repeat(32))).get(T), 401, 'INVALID_SIGNATURE')
    expectError(await t.raw(frontend('alice', 'not-hex')).get(T), 401, 'INVALID_SIGNATURE')
    expectError(
      await t.raw(frontend('alice', signUser(KEYS.signing, 'bob'))).get(T),
      401,
      'INVALID_SIGNATURE',
    )
    expectError(
      await t.raw(frontend('alice', signUser('other-secret', 'alice'))).get(T),
      401,
      'INVALID_SIGNATURE',
    )
    expectError(await t.raw({ 'x-api-key': KEYS.backend }).get(T), 401, 'MISSING_USER_ID')
    expect((await t.raw(frontend('alice', signUser(KEYS.signing, 'alice'))).get(T)).status).toBe(
      200,
    )
  })

  it('echoes a valid X-Request-ID in the header and the error body', async () => {
    const res = await t.raw({ 'x-request-id': 'client-req-42' }).get(T)
    expectError(res, 401, 'MISSING_API_KEY')
    expect(res.body.request_id).toBe('client-req-42')
    expect(res.headers.get('x-request-id')).toBe('client-req-42')
    const generated = await t.raw({ 'x-request-id': 'bad id with spaces' }).get(T)
    expect(generated.body.request_id).not.toBe('bad id with spaces')
    expect(generated.headers.get('x-request-id')).toBe(generated.body.request_id)
    const ok = await t.raw({ ...frontend('alice', signUser(KEYS.signing, 'alice')), 'x-request-id': 'client-req-43' }).get(T)
    expect([ok.status, ok.headers.get('x-request-id')]).toEqual([200, 'client-req-43'])
  })

  it('accepts the key as X-API-Key and as Authorization: Bearer', async () => {
    const sig = signUser(KEYS.signing, 'keyed')
    const viaHeader = await t
      .raw({ 'x-api-key': KEYS.frontend, 'x-user-id': 'keyed', 'x-user-signature': sig })
      .post(T, { id: 'k1' })
    expect(viaHeader.status).toBe(201)
    const viaBearer = await t.raw(frontend('keyed', sig)).get(`${T}/k1`)
    expect(viaBearer.status).toBe(200)
    expect(viaBearer.body.thread.author).toBe('keyed')
    const backendBearer = await t
      .raw({ authorization: `Bearer ${KEYS.backend}`, 'x-user-id': 'keyed' })
      .get(`${T}/k1`)
    expect(backendBearer.status).toBe(200)
  })

  it('signs users on /backend/v1/sign: plain and expiring signatures both work', async () => {
    const plain = await t.backend().post('/backend/v1/sign', { userId: 'signed' })
    expect(plain.status).toBe(200)
    expect(plain.body).toEqual({ userId: 'signed', signature: signUser(KEYS.signing, 'signed') })
    expect(
      (await t.raw(frontend('signed', plain.body.signature)).post(T, { id: 'sg1' })).status,
    ).toBe(201)

    const expiring = await t
      .backend()
      .post('/backend/v1/sign', { userId: 'signed', expires_in_s: 600 })
    expect(expiring.status).toBe(200)
    const signature = expiring.body.signature as string
    expect(signature).toMatch(/^e\.\d+\.[0-9a-f]{64}$/)
    const expiry = Number(signature.split('.')[1])
    const nowS = Date.now() / 1000
    expect(expiry).toBeGreaterThan(nowS + 590)
    expect(expiry).toBeLessThan(nowS + 610)
    const read = await t.raw(frontend('signed', signature)).get(`${T}/sg1`)
    expect(read.status).toBe(200)
    expectError(await t.raw(frontend('other', signature)).get(T), 401, 'INVALID_SIGNATURE')
    expectError(await t.backend().post('/backend/v1/sign', {}), 400, 'VALIDATION_FAILED')
    expectError(
      await t.backend().post('/backend/v1/sign', { userId: 'x', expires_in_s: 0 }),
      400,
      'VALIDATION_FAILED',
    )
  })

  it('rejects expired and tampered expiring signatures', async () => {
    const past = Math.floor(Date.now() / 1000) - 60
    expectError(
      await t.raw(frontend('u', signUser(KEYS.signing, 'u', past))).get(T),
      401,
      'SIGNATURE_EXPIRED',
    )
    const future = Math.floor(Date.now() / 1000) + 3600
    const good = signUser(KEYS.signing, 'u', future)
    expect((await t.raw(frontend('u', good)).get(T)).status).toBe(200)
    const [, , mac] = good.split('.')
    expectError(
      await t.raw(frontend('u', `e.${future + 86_400}.${mac}`)).get(T),
      401,
      'INVALID_SIGNATURE',
    )
    // Moving an expired signature's expiry forward does not revive it either.
    const expiredMac = signUser(KEYS.signing, 'u', past).split('.')[2]
    expectError(
      await t.raw(frontend('u', `e.${future}.${expiredMac}`)).get(T),
      401,
      'INVALID_SIGNATURE',
    )
    expectError(await t.raw(frontend('u', `e.soon.${mac}`)).get(T), 401, 'INVALID_SIGNATURE')
  })

  it('keeps each key kind to its routes (KEY_NOT_ALLOWED)', async () => {
    const fe = t.user('fe')
    expectError(await fe.post('/backend/v1/sign', { userId: 'fe' }), 403, 'KEY_NOT_ALLOWED')
    expectError(await fe.get('/admin/stats'), 403, 'KEY_NOT_ALLOWED')
    expectError(await fe.get('/admin/health'), 403, 'KEY_NOT_ALLOWED')
    expectError(
      await t.raw({ authorization: `Bearer ${KEYS.admin}`, 'x-user-id': 'root' }).get(T),
      403,
      'KEY_NOT_ALLOWED',
    )
    expectError(await t.admin().post('/backend/v1/sign', { userId: 'x' }), 403, 'KEY_NOT_ALLOWED')
    expectError(await t.backend().get('/admin/health'), 403, 'KEY_NOT_ALLOWED')
    expectError(await t.backend('x').get('/admin/stats'), 403, 'KEY_NOT_ALLOWED')
  })

  it('serves /admin/health and /admin/stats to the admin key, counting what was stored', async () => {
    const health = await t.admin().get('/admin/health')
    expect(health.status).toBe(200)
    expect(health.body).toMatchObject({ status: 'ok', ready: true })
    expect(typeof health.body.version).toBe('string')
    const before = (await t.admin().get('/admin/stats')).body.store
    const u = t.backend('stats-user')
    for (const th of ['st-1', 'st-2'])
      for (const m of ['a', 'b', 'c']) await u.post(`${T}/${th}/messages`, { id: m, body: m })
    await u.put(`${T}/st-1/messages/a`, { body: 'edited' })
    const stats = await t.admin().get('/admin/stats')
    expect(stats.status).toBe(200)
    expect(stats.body.store.threads - before.threads).toBe(2)
    expect(stats.body.store.messages - before.messages).toBe(6)
    expect(stats.body.store.versions - before.versions).toBe(1)
    expect(stats.body.store.bytes_on_disk).toBeGreaterThan(0)
  })

  it('serves /healthz, /readyz and an OpenAPI 3.1 document listing every route', async () => {
    expect(
      await t
        .raw()
        .get('/healthz')
        .then((r) => [r.status, r.body]),
    ).toEqual([200, { status: 'ok' }])
    expect(
      await t
        .raw()
        .get('/readyz')
        .then((r) => [r.status, r.body]),
    ).toEqual([200, { status: 'ready' }])
    const doc = await t.raw().get('/openapi.json')
    expect(doc.status).toBe(200)
    expect(doc.body.openapi).toMatch(/^3\.1\./)
    const routes: Record<string, string[]> = {
      '/healthz': ['get'],
      '/readyz': ['get'],
      '/openapi.json': ['get'],
      '/frontend/v1/threads': ['get', 'post'],
      '/frontend/v1/threads/{threadId}': ['get', 'put', 'patch', 'delete'],
      '/frontend/v1/threads/{threadId}/restore': ['post'],
      '/frontend/v1/threads/{threadId}/events': ['get'],
      '/frontend/v1/threads/{threadId}/messages': ['get', 'post'],
      '/frontend/v1/threads/{threadId}/messages/{messageId}': ['get', 'put', 'patch', 'delete'],
      '/frontend/v1/threads/{threadId}/messages/{messageId}/restore': ['post'],
      '/frontend/v1/threads/{threadId}/messages/{messageId}/versions': ['get'],
      '/frontend/v1/threads/{threadId}/messages/{messageId}/reactions': ['post', 'delete'],
      '/frontend/v1/threads/{threadId}/participants': ['get', 'post', 'delete'],
      '/frontend/v1/threads/{threadId}/read': ['post'],
      '/backend/v1/sign': ['post'],
      '/admin/health': ['get'],
      '/admin/stats': ['get'],
    }
    for (const [path, methods] of Object.entries(routes))
      expect(Object.keys(doc.body.paths[path] ?? {}).sort(), path).toEqual(
        expect.arrayContaining(methods),
      )
    // And the other way round: every documented operation is served (no ROUTE_NOT_FOUND/405).
    for (const [path, ops] of Object.entries(doc.body.paths as Record<string, object>)) {
      for (const method of Object.keys(ops)) {
        const concrete = path.replace(/\{[^}]+\}/g, 'probe')
        const res = await t.backend('probe').request(method.toUpperCase(), concrete)
        expect(['ROUTE_NOT_FOUND', 'METHOD_NOT_ALLOWED'], `${method} ${path}`).not.toContain(
          res.body?.code,
        )
      }
    }
  })

  it('never echoes a key, a signature or a body in an error', async () => {
    const sig = signUser(KEYS.signing, 'leaky')
    const secretBody = 'TOP-SECRET-BODY-7731'
    const responses = [
      await t.raw({ authorization: `Bearer ${KEYS.backend}x` }).get(T),
      await t.raw({ 'x-api-key': `${KEYS.frontend}-nope`, 'x-user-id': 'leaky' }).get(T),
      await t.raw(frontend('leaky2', sig)).get(T),
      await t.raw(frontend('leaky', `e.1.${sig}`)).get(T),
      await t.user('leaky').post(`${T}/leak/messages`, `{"body": "${secretBody}", "role": 7}`),
      await t.user('leaky').post(`${T}/leak/messages`, `{"body": "${secretBody}"`),
      await t.user('leaky').post(`${T}/leak/messages`, { body: 1, metadata: secretBody }),
      await t.user('leaky').post(`${T}/leak/messages`, { body: 1, role: secretBody.repeat(10) }),
      await t.user('leaky').post(`${T}/leak/messages`, { body: 1, reply_to: `${secretBody} x` }),
      await t.user('leaky').get(`/admin/stats`),
      await t.admin().get(T),
    ]
    for (const res of responses) {
      expect(res.status).toBeGreaterThanOrEqual(400)
      expect(isRegisteredError(res.body, res.status), res.text).toBe(true)
      for (const secret of [...Object.values(KEYS), sig, secretBody])
        expect(res.text).not.toContain(secret)
    }
  })
})

describe('rate limits', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer({
      env: { PROGRESSDB_RATE_LIMIT_USER_PER_SECOND: '1' },
      yaml: 'rateLimit:\n  userBurst: 3\n',
    })
  })
  afterAll(async () => t.close())

  it('answers 429 RATE_LIMITED with Retry-After once a user spends the burst; others are unaffected', async () => {
    const alice = t.user('rl-alice')
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await alice.get(T)).status)
    expect(statuses).toEqual([200, 200, 200])
    const limited = await alice.get(T)
    expectError(limited, 429, 'RATE_LIMITED')
    const retryAfter = limited.headers.get('retry-after')
    expect(retryAfter).toMatch(/^\d+$/)
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
    expect((await t.user('rl-bob').get(T)).status).toBe(200)
    expectError(await t.backend('rl-alice').get(T), 429, 'RATE_LIMITED')
  })
})

describe('CORS', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer({ yaml: 'server:\n  corsOrigins: ["https://app.example"]\n' })
  })
  afterAll(async () => t.close())

  const preflight = (origin: string) =>
    t
      .raw({
        origin,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'x-user-id',
      })
      .request('OPTIONS', T)

  it('answers a preflight from an allowed origin with 204 and the allow headers', async () => {
    const res = await preflight('https://app.example')
    expect(res.status).toBe(204)
    expect(res.headers.get('x-request-id')).toMatch(/\S/)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://app.example')
    expect(res.headers.get('access-control-allow-methods')).toContain('POST')
    expect(res.headers.get('access-control-allow-headers')).toContain('x-user-id')
    const real = await t.user('cors').get(T, { origin: 'https://app.example' })
    expect(real.status).toBe(200)
    expect(real.headers.get('access-control-allow-origin')).toBe('https://app.example')
  })

  it('gives another origin no CORS grant', async () => {
    const res = await preflight('https://evil.example')
    expect(res.headers.get('access-control-allow-origin')).toBeNull()
    expect(res.headers.get('access-control-allow-methods')).toBeNull()
    const real = await t.user('cors').get(T, { origin: 'https://evil.example' })
    expect(real.headers.get('access-control-allow-origin')).toBeNull()
  })

  it('answers a refused preflight with the SPEC error shape, like every other error', async () => {
    const res = await preflight('https://evil.example')
    expect(res.status).toBe(403)
    expect(isRegisteredError(res.body, res.status), `body was ${JSON.stringify(res.text)}`).toBe(
      true,
    )
  })
})
