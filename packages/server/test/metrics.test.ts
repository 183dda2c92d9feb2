import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseExposition, sumOf } from '../src/metrics/exposition-parser.js'
import type { Sample } from '../src/metrics/metrics-registry.js'
import { KEYS, startTestServer, type TestServer } from './harness.js'
import { connect } from './ws-client.js'

const T = '/frontend/v1/threads'
const MESSAGES_ROUTE = '/frontend/v1/threads/:threadId/messages'

async function scrape(t: TestServer): Promise<Sample[]> {
  const res = await t.raw().get('/metrics')
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
  return parseExposition(res.text)
}

describe('GET /metrics', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(async () => t.close())

  it('counts requests by route pattern and status, and times them', async () => {
    const before = await scrape(t)
    expect(
      sumOf(before, 'progressdb_http_requests_total', { method: 'POST', route: MESSAGES_ROUTE }),
    ).toBe(0)
    expect((await t.user('ana').post(`${T}/m1/messages`, { body: 'one' })).status).toBe(201)
    expect((await t.user('ana').post(`${T}/m2/messages`, { body: 'two' })).status).toBe(201)
    expect((await t.user('ana').get(`${T}/nope`)).status).toBe(404)
    expect((await t.raw().get('/no/such/route')).status).toBe(404)

    const after = await scrape(t)
    expect(
      sumOf(after, 'progressdb_http_requests_total', {
        method: 'POST',
        route: MESSAGES_ROUTE,
        status: '201',
      }),
    ).toBe(2)
    // Path parameters stay out of the labels: one series per route, whatever the ids.
    expect(after.some((s) => s.labels.route?.includes('m1'))).toBe(false)
    expect(
      sumOf(after, 'progressdb_http_requests_total', {
        route: '/frontend/v1/threads/:threadId',
        status: '404',
      }),
    ).toBe(1)
    expect(
      sumOf(after, 'progressdb_http_requests_total', { route: 'unmatched', status: '404' }),
    ).toBe(1)
    const count = sumOf(after, 'progressdb_http_request_duration_seconds_count', {
      method: 'POST',
      route: MESSAGES_ROUTE,
    })
    expect(count).toBe(2)
    expect(
      sumOf(after, 'progressdb_http_request_duration_seconds_bucket', {
        method: 'POST',
        route: MESSAGES_ROUTE,
        le: '+Inf',
      }),
    ).toBe(2)
    expect(
      sumOf(after, 'progressdb_http_request_duration_seconds_sum', {
        method: 'POST',
        route: MESSAGES_ROUTE,
      }),
    ).toBeGreaterThan(0)
  })

  it('times writes by durability, and the journal flushes that safe writes wait for', async () => {
    const before = await scrape(t)
    const commits = (samples: Sample[], durability: string) =>
      sumOf(samples, 'progressdb_store_commit_duration_seconds_count', { durability })
    const flushes = (samples: Sample[]) =>
      sumOf(samples, 'progressdb_journal_flush_duration_seconds_count')
    for (const durability of ['fast', 'safe']) {
      const headers = { 'x-progressdb-durability': durability }
      expect(
        (await t.user('ana').post(`${T}/w/messages`, { body: durability }, headers)).status,
      ).toBe(201)
    }
    const after = await scrape(t)
    // The first write to a thread creates it in the same write: one commit per request.
    expect(commits(after, 'fast') - commits(before, 'fast')).toBe(1)
    expect(commits(after, 'safe') - commits(before, 'safe')).toBe(1)
    expect(flushes(after) - flushes(before)).toBeGreaterThanOrEqual(1)
  })

  it('reports the runtime: CPU, memory, event-loop delay samples', async () => {
    await new Promise((r) => setTimeout(r, 100))
    const samples = await scrape(t)
    expect(sumOf(samples, 'process_cpu_seconds_total')).toBeGreaterThan(0)
    expect(sumOf(samples, 'process_resident_memory_bytes')).toBeGreaterThan(10 << 20)
    expect(sumOf(samples, 'nodejs_eventloop_delay_seconds_count')).toBeGreaterThan(0)
  })

  it('counts open WebSocket connections and subscriptions', async () => {
    const gauge = (samples: Sample[], transport: string) =>
      sumOf(samples, 'progressdb_realtime_connections', { transport })
    expect(gauge(await scrape(t), 'websocket')).toBe(0)
    const client = await connect(t.url.replace('http:', 'ws:'), 'ana')
    client.send({ type: 'subscribe', thread_id: 'w' })
    await client.until((frames) => frames.some((f) => f.type === 'subscribed'))
    const open = await scrape(t)
    expect(gauge(open, 'websocket')).toBe(1)
    expect(sumOf(open, 'progressdb_realtime_subscriptions')).toBe(1)
    client.ws.close()
    const deadline = Date.now() + 5_000
    while (gauge(await scrape(t), 'websocket') !== 0) {
      if (Date.now() > deadline) throw new Error('the closed connection is still counted')
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(sumOf(await scrape(t), 'progressdb_realtime_subscriptions')).toBe(0)
  })

  it('is in the OpenAPI document as a public text/plain reply', async () => {
    const doc = (await t.raw().get('/openapi.json')).body as {
      paths: Record<
        string,
        { get?: { security: unknown[]; responses: Record<string, { content?: object }> } }
      >
    }
    const get = doc.paths['/metrics']?.get
    expect(get?.security).toEqual([])
    expect(Object.keys(get?.responses['200']?.content ?? {})).toEqual([
      'text/plain; version=0.0.4; charset=utf-8',
    ])
  })

  it('holds no keys, signatures or message bodies', async () => {
    expect(
      (await t.user('ana').post(`${T}/secret/messages`, { body: 'the-secret-body-text' })).status,
    ).toBe(201)
    const text = (await t.raw().get('/metrics')).text
    for (const secret of [
      KEYS.frontend,
      KEYS.backend,
      KEYS.admin,
      KEYS.signing,
      'the-secret-body-text',
      'ana',
    ])
      expect(text).not.toContain(secret)
  })
})

describe('server.metrics', () => {
  /** A server with `server.metrics` set to `setting`, for the length of `body`. */
  async function withSetting(setting: string, body: (t: TestServer) => Promise<void>) {
    const t = await startTestServer({ env: { PROGRESSDB_METRICS: setting } })
    try {
      await body(t)
    } finally {
      await t.close()
    }
  }

  it('admin: the admin key is required', () =>
    withSetting('admin', async (t) => {
      const anonymous = await t.raw().get('/metrics')
      expect(anonymous.status).toBe(401)
      expect((anonymous.body as { code: string }).code).toBe('MISSING_API_KEY')
      expect((await t.backend().get('/metrics')).status).toBe(403)
      const admin = await t.admin().get('/metrics')
      expect(admin.status).toBe(200)
      expect(admin.text).toContain('# TYPE progressdb_http_requests_total counter')
    }))

  it('off: there is no such route', () =>
    withSetting('off', async (t) => {
      const res = await t.admin().get('/metrics')
      expect(res.status).toBe(404)
      expect((res.body as { code: string }).code).toBe('ROUTE_NOT_FOUND')
    }))
})
