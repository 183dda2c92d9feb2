import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { expectError } from './error-assertions.js'
import { startTestServer, type TestServer } from './harness.js'
import {
  eventually,
  startWebhookReceiver,
  verifyProgressDBWebhook,
  type WebhookReceiver,
} from './webhook-receiver.js'

const CONFIG_SECRET = 'config-endpoint-secret-0123'

/** Webhooks through the real server: admin routes, signed deliveries to a loopback receiver. */
describe('webhooks', () => {
  let t: TestServer
  let configReceiver: WebhookReceiver
  const receivers: WebhookReceiver[] = []

  beforeAll(async () => {
    configReceiver = await startWebhookReceiver()
    t = await startTestServer({
      yaml: [
        'webhooks:',
        '  initialDelayMs: 10',
        '  maxDelayMs: 40',
        '  pollIntervalMs: 50',
        '  timeoutMs: 2000',
        '  endpoints:',
        '    - id: from-config',
        `      url: ${configReceiver.url}`,
        "      events: ['thread.updated']",
        `      secret: ${CONFIG_SECRET}`,
        '      description: configured',
        '',
      ].join('\n'),
    })
  })
  afterAll(async () => {
    await t.close()
    await configReceiver.close()
  })
  afterEach(async () => {
    // Endpoints of one test must not receive the next test's events.
    const { body } = await t.admin().get('/admin/webhooks')
    for (const w of body.webhooks as { id: string; source: string }[])
      if (w.source === 'api') await t.admin().del(`/admin/webhooks/${w.id}`)
    for (const r of receivers.splice(0)) await r.close()
  })

  const receiver = async (answer?: (n: number) => number | 'hold') => {
    const r = await startWebhookReceiver(answer)
    receivers.push(r)
    return r
  }
  const register = async (url: string, events: string[], extra: Record<string, unknown> = {}) => {
    const res = await t.admin().post('/admin/webhooks', { url, events, ...extra })
    expect(res.status).toBe(201)
    return res.body as { webhook: { id: string }; secret: string }
  }
  const deliveries = async (webhookId: string, query = '') =>
    (await t.admin().get(`/admin/webhooks/${webhookId}/deliveries${query}`)).body as {
      deliveries: Record<string, unknown>[]
      next_before: string | null
    }

  it('retries a receiver that fails three times, then delivers the signed event under one delivery id', async () => {
    const r = await receiver((n) => (n <= 3 ? 500 : 200))
    const { webhook, secret } = await register(r.url, ['message.created'])
    expect(secret).toMatch(/^whsec_/)

    const created = await t
      .backend('alice')
      .post('/frontend/v1/threads/retry-t/messages', { id: 'm1', body: { text: 'hello hook' } })
    expect(created.status).toBe(201)

    const attempts = await r.waitFor(4)
    expect(attempts.map((a) => a.answered)).toEqual([500, 500, 500, 200])
    const ids = new Set(attempts.map((a) => a.headers['progressdb-webhook-id']))
    expect(ids.size).toBe(1)
    for (const a of attempts) {
      expect(verifyProgressDBWebhook(secret, a.headers, a.raw)).toBe(true)
      expect(verifyProgressDBWebhook('some-other-secret-value', a.headers, a.raw)).toBe(false)
      expect(verifyProgressDBWebhook(secret, a.headers, a.raw.replace('hello', 'HELLO'))).toBe(
        false,
      )
      expect(a.headers['progressdb-webhook-event']).toBe('message.created')
      expect(a.headers['content-type']).toBe('application/json')
      expect(a.raw).toBe(attempts[0]!.raw)
    }
    const event = JSON.parse(attempts[3]!.raw) as Record<string, any>
    expect(event).toMatchObject({
      type: 'message.created',
      thread_id: 'retry-t',
      actor: 'alice',
      message_id: 'm1',
      message: { id: 'm1', body: { text: 'hello hook' }, author: 'alice', version: 1 },
    })
    expect(event.change).toBeGreaterThanOrEqual(1)

    const log = await eventually(
      () => deliveries(webhook.id),
      (l) => l.deliveries[0]?.status === 'delivered',
    )
    expect(log.deliveries).toHaveLength(1)
    expect(log.deliveries[0]).toMatchObject({
      id: [...ids][0],
      webhook_id: webhook.id,
      event_type: 'message.created',
      thread_id: 'retry-t',
      change: event.change,
      status: 'delivered',
      attempts: 4,
      last_status_code: 200,
      last_error: null,
      next_attempt_ts: null,
    })
    expect(log.deliveries[0]!.delivered_ts).toEqual(expect.any(Number))
    const stats = await t.admin().get('/admin/stats')
    expect(stats.body.process.webhooks_delivered).toBeGreaterThanOrEqual(1)
    expect(stats.body.process.webhooks_retried).toBeGreaterThanOrEqual(3)
    expect(stats.body.process.webhooks_in_flight).toEqual(expect.any(Number))
  })

  it('delivers only the subscribed event types, and a failed change enqueues nothing', async () => {
    const r = await receiver()
    const { webhook } = await register(r.url, ['reaction.added', 'message.updated'])
    const bob = t.backend('bob')
    expect(
      (await bob.post('/frontend/v1/threads/types-t/messages', { id: 'm1', body: { text: 'x' } }))
        .status,
    ).toBe(201)
    // A rejected edit (stale if_version) changes nothing, so it must cause no delivery.
    const stale = await bob.put('/frontend/v1/threads/types-t/messages/m1', {
      body: { text: 'y' },
      if_version: 7,
    })
    expectError(stale, 409, 'VERSION_CONFLICT')
    expect(
      (await bob.post('/frontend/v1/threads/types-t/messages/m1/reactions', { emoji: '👍' }))
        .status,
    ).toBe(200)
    expect(
      (await bob.put('/frontend/v1/threads/types-t/messages/m1', { body: { text: 'z' } })).status,
    ).toBe(200)

    const got = await r.waitFor(2)
    expect(got.map((g) => (JSON.parse(g.raw) as { type: string }).type).sort()).toEqual([
      'message.updated',
      'reaction.added',
    ])
    const updated = got
      .map((g) => JSON.parse(g.raw) as Record<string, any>)
      .find((e) => e.type === 'message.updated')
    expect(updated).toMatchObject({ version: 2, message: { body: { text: 'z' }, version: 2 } })
    // The outbox is written with the change, so the log is complete as soon as the writes returned.
    const log = await deliveries(webhook.id)
    expect(log.deliveries.map((d) => d.event_type).sort()).toEqual([
      'message.updated',
      'reaction.added',
    ])
  })

  it('captures the event when it commits: a hard-deleted thread still delivers, and disabled endpoints get nothing new', async () => {
    const r = await receiver()
    const { webhook } = await register(r.url, ['*'])
    const carol = t.backend('carol')
    expect(
      (
        await carol.post('/frontend/v1/threads/gone-t/messages', {
          id: 'm1',
          body: { text: 'soon gone' },
        })
      ).status,
    ).toBe(201)
    expect((await carol.del('/frontend/v1/threads/gone-t?hard=true')).status).toBe(204)

    const got = (await r.waitFor(3)).map((g) => JSON.parse(g.raw) as Record<string, any>)
    expect(got.map((e) => e.type).sort()).toEqual([
      'message.created',
      'thread.created',
      'thread.deleted',
    ])
    expect(got.find((e) => e.type === 'message.created')).toMatchObject({
      message: { body: { text: 'soon gone' } },
    })
    const deleted = got.find((e) => e.type === 'thread.deleted')
    expect(deleted).toMatchObject({ thread_id: 'gone-t', hard: true, actor: 'carol' })
    expect(deleted!.change).toBe(
      Math.max(...got.filter((e) => e.type !== 'thread.deleted').map((e) => e.change as number)) +
        1,
    )

    expect(
      (await t.admin().patch(`/admin/webhooks/${webhook.id}`, { enabled: false })).body.webhook
        .enabled,
    ).toBe(false)
    expect(
      (await carol.post('/frontend/v1/threads/quiet-t/messages', { body: { text: 'unheard' } }))
        .status,
    ).toBe(201)
    const log = await deliveries(webhook.id)
    expect(log.deliveries.map((d) => d.thread_id)).not.toContain('quiet-t')
    expect(log.deliveries).toHaveLength(3)
  })

  it('pages the delivery log newest first and filters it by status', async () => {
    const r = await receiver()
    const { webhook } = await register(r.url, ['message.created'])
    for (const id of ['a', 'b', 'c'])
      await t.backend('dan').post('/frontend/v1/threads/page-t/messages', { id, body: id })
    await r.waitFor(3)
    const all = await eventually(
      () => deliveries(webhook.id),
      (l) => l.deliveries.every((d) => d.status === 'delivered'),
    )
    expect(all.deliveries).toHaveLength(3)
    const changes = all.deliveries.map((d) => d.change as number)
    expect(changes).toEqual([...changes].sort((x, y) => y - x))

    const first = await deliveries(webhook.id, '?limit=2')
    expect(first.deliveries.map((d) => d.id)).toEqual(all.deliveries.slice(0, 2).map((d) => d.id))
    expect(first.next_before).toBe(all.deliveries[1]!.id)
    const second = await deliveries(webhook.id, `?limit=2&before=${first.next_before}`)
    expect(second.deliveries.map((d) => d.id)).toEqual([all.deliveries[2]!.id])
    expect(second.next_before).toBeNull()
    expect((await deliveries(webhook.id, '?status=pending')).deliveries).toEqual([])
    expect((await deliveries(webhook.id, '?status=delivered')).deliveries).toHaveLength(3)
    expectError(
      await t.admin().get(`/admin/webhooks/${webhook.id}/deliveries?status=lost`),
      400,
      'VALIDATION_FAILED',
    )
    expectError(
      await t.admin().get(`/admin/webhooks/${webhook.id}/deliveries?limit=0`),
      400,
      'VALIDATION_FAILED',
    )
    expectError(
      await t.admin().get(`/admin/webhooks/${webhook.id}/deliveries?before=garbage!!`),
      400,
      'INVALID_CURSOR',
    )
  })

  it('manages endpoints: create, read without the secret, update, delete', async () => {
    const admin = t.admin()
    const created = await admin.post('/admin/webhooks', {
      url: 'https://hooks.example.com/a',
      events: ['message.created'],
      secret: 'my-own-secret-0123456789',
      description: 'billing',
    })
    expect(created.status).toBe(201)
    expect(created.body.secret).toBe('my-own-secret-0123456789')
    const id = created.body.webhook.id as string
    expect(created.body.webhook).toMatchObject({
      url: 'https://hooks.example.com/a',
      events: ['message.created'],
      description: 'billing',
      enabled: true,
      source: 'api',
    })

    const read = await admin.get(`/admin/webhooks/${id}`)
    expect(read.body).toEqual({ webhook: created.body.webhook })
    expect(read.text).not.toContain('my-own-secret')
    const list = await admin.get('/admin/webhooks')
    expect(list.text).not.toContain('my-own-secret')
    expect(list.text).not.toContain(CONFIG_SECRET)
    expect(list.body.webhooks.map((w: { id: string }) => w.id)).toEqual(['from-config', id])

    const patched = await admin.patch(`/admin/webhooks/${id}`, {
      events: ['*'],
      url: 'http://127.0.0.1:1/b',
    })
    expect(patched.status).toBe(200)
    expect(patched.body.webhook).toMatchObject({
      id,
      events: ['*'],
      url: 'http://127.0.0.1:1/b',
      description: 'billing',
    })
    expect((await admin.get(`/admin/webhooks/${id}`)).body.webhook.events).toEqual(['*'])

    expect((await admin.del(`/admin/webhooks/${id}`)).status).toBe(204)
    expectError(await admin.get(`/admin/webhooks/${id}`), 404, 'WEBHOOK_NOT_FOUND')
    expectError(await admin.del(`/admin/webhooks/${id}`), 404, 'WEBHOOK_NOT_FOUND')
    expectError(await admin.get(`/admin/webhooks/${id}/deliveries`), 404, 'WEBHOOK_NOT_FOUND')
    expectError(
      await admin.patch('/admin/webhooks/nope', { enabled: false }),
      404,
      'WEBHOOK_NOT_FOUND',
    )
  })

  it('generates a secret when none is given, and keeps config endpoints read-only', async () => {
    const a = await t
      .admin()
      .post('/admin/webhooks', { url: 'https://hooks.example.com/x', events: ['*'] })
    const b = await t
      .admin()
      .post('/admin/webhooks', { url: 'https://hooks.example.com/x', events: ['*'] })
    expect(a.body.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/)
    expect(b.body.secret).not.toBe(a.body.secret)

    const configured = await t.admin().get('/admin/webhooks/from-config')
    expect(configured.body.webhook).toMatchObject({
      id: 'from-config',
      source: 'config',
      events: ['thread.updated'],
      description: 'configured',
    })
    expectError(
      await t.admin().patch('/admin/webhooks/from-config', { enabled: false }),
      409,
      'WEBHOOK_READ_ONLY',
    )
    expectError(await t.admin().del('/admin/webhooks/from-config'), 409, 'WEBHOOK_READ_ONLY')
  })

  it('delivers to config endpoints, signed with their configured secret', async () => {
    const before = configReceiver.received.length
    await t.backend('erin').post('/frontend/v1/threads', { id: 'cfg-t', title: 'one' })
    expect(
      (await t.backend('erin').put('/frontend/v1/threads/cfg-t', { title: 'two' })).status,
    ).toBe(200)
    const [got] = (await configReceiver.waitFor(before + 1)).slice(before)
    expect(verifyProgressDBWebhook(CONFIG_SECRET, got!.headers, got!.raw)).toBe(true)
    expect(JSON.parse(got!.raw)).toMatchObject({
      type: 'thread.updated',
      thread_id: 'cfg-t',
      thread: { title: 'two' },
    })
  })

  it('rejects bad endpoint bodies with stable codes', async () => {
    const admin = t.admin()
    const bad = [
      {},
      { url: 'https://x.example.com' },
      { events: ['*'] },
      { url: 'ftp://x.example.com/in', events: ['*'] },
      { url: 'not a url', events: ['*'] },
      { url: '/relative', events: ['*'] },
      { url: `https://x.example.com/${'a'.repeat(2100)}`, events: ['*'] },
      { url: 'https://x.example.com', events: [] },
      { url: 'https://x.example.com', events: ['message.exploded'] },
      { url: 'https://x.example.com', events: ['*', '*'] },
      { url: 'https://x.example.com', events: 'message.created' },
      { url: 'https://x.example.com', events: ['*'], secret: 'short' },
      { url: 'https://x.example.com', events: ['*'], secret: 's'.repeat(257) },
      { url: 'https://x.example.com', events: ['*'], unknown: true },
      { url: 'https://x.example.com', events: ['*'], enabled: 'yes' },
    ]
    for (const body of bad)
      expectError(await admin.post('/admin/webhooks', body), 400, 'VALIDATION_FAILED')
    expectError(await admin.post('/admin/webhooks', '{"url":'), 400, 'BAD_JSON')
    expect((await admin.get('/admin/webhooks')).body.webhooks).toHaveLength(1)

    const { webhook } = await register('https://hooks.example.com/ok', ['*'])
    expectError(
      await admin.patch(`/admin/webhooks/${webhook.id}`, { url: 'javascript:alert(1)' }),
      400,
      'VALIDATION_FAILED',
    )
    expectError(
      await admin.patch(`/admin/webhooks/${webhook.id}`, { events: [] }),
      400,
      'VALIDATION_FAILED',
    )
    expectError(await admin.get('/admin/webhooks/bad%20id'), 400, 'INVALID_ID')
  })

  it('is for admin keys only', async () => {
    expectError(await t.backend('alice').get('/admin/webhooks'), 403, 'KEY_NOT_ALLOWED')
    expectError(
      await t
        .user('alice')
        .post('/admin/webhooks', { url: 'https://x.example.com', events: ['*'] }),
      403,
      'KEY_NOT_ALLOWED',
    )
    expectError(await t.raw().get('/admin/webhooks'), 401, 'MISSING_API_KEY')
  })
})
