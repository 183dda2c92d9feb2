import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { KEYS, startTestServer } from './harness.js'
import { expectError } from './error-assertions.js'
import { eventually } from './webhook-receiver.js'
import { connect, useRealtimeServer } from './ws-client.js'

describe('WebSocket subscriptions', () => {
  const s = useRealtimeServer()

  it('streams a thread’s changes in order after subscribe, and stops after unsubscribe', async () => {
    const alice = s.t.user('alice')
    await alice.post('/frontend/v1/threads/w1/messages', { id: 'm1', body: 'hi' })
    const client = await connect(s.ws, 'alice')
    client.send({ type: 'subscribe', thread_id: 'w1' })
    await client.until((f) => f.some((x) => x.type === 'subscribed'))
    expect(client.frames[0]).toEqual({ type: 'subscribed', thread_id: 'w1', since: 2 })
    await alice.post('/frontend/v1/threads/w1/messages', { id: 'm2', body: 'two' })
    await alice.post('/frontend/v1/threads/w1/messages/m2/reactions', { emoji: '👍' })
    await alice.del('/frontend/v1/threads/w1/messages/m1')
    await client.until(() => client.changes().length === 3)
    const types = client.frames.flatMap((f) => f.events?.map((e) => e.type) ?? [])
    expect(types).toEqual(['message.created', 'reaction.added', 'message.deleted'])
    expect(client.changes()).toEqual([3, 4, 5])
    client.send({ type: 'unsubscribe', thread_id: 'w1' })
    await client.until((f) => f.some((x) => x.type === 'unsubscribed'))
    // A sentinel: an event written after m3, on a thread still subscribed. Once it arrives,
    // m3 would have arrived too had the unsubscribe not worked.
    await alice.post('/frontend/v1/threads/w1-sentinel/messages', { id: 's0', body: 's' })
    client.send({ type: 'subscribe', thread_id: 'w1-sentinel' })
    await client.until((f) => f.some((x) => x.type === 'subscribed' && x.thread_id === 'w1-sentinel'))
    await alice.post('/frontend/v1/threads/w1/messages', { id: 'm3', body: 'after' })
    await alice.post('/frontend/v1/threads/w1-sentinel/messages', { id: 's1', body: 's' })
    await client.until((f) => f.some((x) => x.thread_id === 'w1-sentinel' && x.type === 'events'))
    const w1 = client.frames.filter((f) => f.thread_id === 'w1' && f.type === 'events')
    expect(w1.flatMap((f) => f.events!.map((e) => e.change))).toEqual([3, 4, 5])
    client.ws.close()
  })

  it('resumes with since after the socket dies mid-burst: every change exactly once', async () => {
    const bob = s.t.user('bob')
    await bob.post('/frontend/v1/threads/w2/messages', { id: 'seed', body: 0 })
    const first = await connect(s.ws, 'bob', 'query')
    first.send({ type: 'subscribe', thread_id: 'w2', since: 0 })
    const burst = Promise.all(Array.from({ length: 100 }, (_, i) => bob.post('/frontend/v1/threads/w2/messages', { id: `b${i}`, body: i })))
    await first.until(() => first.changes().length >= 20)
    first.ws.terminate()
    const got = first.changes()
    await burst
    const total = (await bob.get('/frontend/v1/threads/w2')).body.thread.last_change as number
    const second = await connect(s.ws, 'bob')
    second.send({ type: 'subscribe', thread_id: 'w2', since: got[got.length - 1] })
    await second.until(() => got.length + second.changes().length >= total)
    expect([...got, ...second.changes()]).toEqual(Array.from({ length: total }, (_, i) => i + 1))
    second.ws.close()
  })

  it('unsubscribes a participant who is removed, and refuses threads the user cannot read', async () => {
    const owner = s.t.user('olga')
    await owner.post('/frontend/v1/threads/w3/messages', { id: 'm1', body: 'hi' })
    await owner.post('/frontend/v1/threads/w3/participants', { user_id: 'pete' })
    const pete = await connect(s.ws, 'pete')
    pete.send({ type: 'subscribe', thread_id: 'w3' })
    await pete.until((f) => f.some((x) => x.type === 'subscribed'))
    await owner.del('/frontend/v1/threads/w3/participants', { user_id: 'pete' })
    await pete.until((f) => f.some((x) => x.type === 'unsubscribed'))
    expect(pete.frames.find((x) => x.type === 'unsubscribed')).toMatchObject({ thread_id: 'w3', code: 'THREAD_ACCESS_DENIED' })
    await owner.post('/frontend/v1/threads/w3/messages', { id: 'm2', body: 'private now' })
    pete.send({ type: 'subscribe', thread_id: 'w3' })
    await pete.until((f) => f.some((x) => x.type === 'error'))
    expect(pete.frames.find((x) => x.type === 'error')).toMatchObject({ code: 'THREAD_ACCESS_DENIED', thread_id: 'w3' })
    expect(pete.frames.flatMap((f) => f.events ?? []).some((e) => e.message_id === 'm2')).toBe(false)
    pete.ws.close()
  })

  it('answers malformed frames with error frames and keeps the connection', async () => {
    const client = await connect(s.ws, 'zed')
    client.send({ type: 'subscribe', thread_id: 'bad id!' })
    client.ws.send('not json')
    client.send({ type: 'dance', thread_id: 'x' })
    // A frame of no known type says so, whatever else it lacks.
    client.send({ type: 'dance' })
    client.ws.send('null')
    await client.until((f) => f.filter((x) => x.type === 'error').length === 5)
    expect(client.frames.map((f) => f.code)).toEqual([
      'INVALID_ID',
      'BAD_JSON',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
      'VALIDATION_FAILED',
    ])
    expect(client.ws.readyState).toBe(WebSocket.OPEN)
    client.ws.close()
  })

  it('handles frames in the order sent: repeated subscribes leave one subscription, a quick unsubscribe wins', async () => {
    const kim = s.t.user('kim')
    await kim.post('/frontend/v1/threads/w5/messages', { id: 'm1', body: 'hi' })
    const client = await connect(s.ws, 'kim')
    for (let i = 0; i < 10; i++) client.send({ type: 'subscribe', thread_id: 'w5', since: 0 })
    await client.until((f) => f.filter((x) => x.type === 'subscribed').length === 10)
    await kim.post('/frontend/v1/threads/w5/messages', { id: 'm2', body: 'two' })
    // Each subscribe restarts from 0, so the log so far may come more than once; a new change,
    // sent to subscriptions alone, must come exactly once.
    const w5Changes = () =>
      client.frames.filter((f) => f.thread_id === 'w5').flatMap((f) => f.events?.map((e) => e.change) ?? [])
    await client.until(() => w5Changes().includes(3))
    await kim.post('/frontend/v1/threads/w5-sentinel/messages', { id: 's0', body: 's' })
    client.send({ type: 'subscribe', thread_id: 'w5-sentinel' })
    await client.until((f) => f.some((x) => x.type === 'subscribed' && x.thread_id === 'w5-sentinel'))
    await kim.post('/frontend/v1/threads/w5-sentinel/messages', { id: 's1', body: 's' })
    await client.until((f) => f.some((x) => x.thread_id === 'w5-sentinel' && x.type === 'events'))
    expect(w5Changes().filter((c) => c === 3)).toHaveLength(1)

    client.send({ type: 'subscribe', thread_id: 'w6', since: 0 })
    client.send({ type: 'unsubscribe', thread_id: 'w6' })
    await kim.post('/frontend/v1/threads/w6/messages', { id: 'm1', body: 'hi' })
    client.send({ type: 'subscribe', thread_id: 'w6', since: 0 })
    client.send({ type: 'unsubscribe', thread_id: 'w6' })
    await client.until((f) => f.filter((x) => x.thread_id === 'w6' && x.type === 'unsubscribed').length === 2)
    const w6 = client.frames.filter((f) => f.thread_id === 'w6').map((f) => f.type)
    // The first subscribe fails (no thread yet); the second starts, then the unsubscribe ends it.
    expect(w6.filter((t) => t !== 'events' && t !== 'presence')).toEqual(['error', 'unsubscribed', 'subscribed', 'unsubscribed'])
    await kim.post('/frontend/v1/threads/w6/messages', { id: 'm2', body: 'after' })
    await kim.post('/frontend/v1/threads/w5-sentinel/messages', { id: 's2', body: 's' })
    await client.until((f) => f.filter((x) => x.thread_id === 'w5-sentinel' && x.type === 'events').length >= 2)
    const w6Changes = client.frames.filter((f) => f.thread_id === 'w6').flatMap((f) => f.events?.map((e) => e.change) ?? [])
    expect(w6Changes).not.toContain(3)
    client.ws.close()
    // Every subscription ended with the socket: none left reading the log.
    await eventually(
      async () => (await s.t.raw().get('/metrics')).text,
      (metrics) => /^progressdb_realtime_subscriptions 0$/m.test(metrics),
    )
  })

  it('refuses a resume point past the thread’s newest change (the thread was purged and made again)', async () => {
    const lea = s.t.user('lea')
    for (let i = 0; i < 5; i++) await lea.post('/frontend/v1/threads/w7/messages', { id: `m${i}`, body: i })
    const seen = (await lea.get('/frontend/v1/threads/w7')).body.thread.last_change as number
    await lea.del('/frontend/v1/threads/w7?hard=true')
    await lea.post('/frontend/v1/threads/w7/messages', { id: 'n0', body: 'new' })
    const client = await connect(s.ws, 'lea')
    client.send({ type: 'subscribe', thread_id: 'w7', since: seen })
    await client.until((f) => f.some((x) => x.type === 'error'))
    expect(client.frames.find((x) => x.type === 'error')).toMatchObject({ code: 'STALE_CURSOR', thread_id: 'w7' })
    expect(client.frames.some((x) => x.type === 'subscribed')).toBe(false)
    const json = await lea.get(`/frontend/v1/threads/w7/events?since=${seen}`)
    expect(json.status).toBe(409)
    expect(json.body.code).toBe('STALE_CURSOR')
    client.ws.close()
  })

  it('refuses an upgrade without valid credentials with an HTTP error carrying a real request id', async () => {
    const res = await new Promise<import('node:http').IncomingMessage>((resolve) => {
      const bad = new WebSocket(`${s.ws}/frontend/v1/ws`, { headers: { authorization: `Bearer ${KEYS.frontend}`, 'x-user-id': 'eve', 'x-user-signature': 'f'.repeat(64) } })
      bad.on('unexpected-response', (_req, response) => resolve(response))
      bad.on('error', () => undefined)
    })
    expect(res.statusCode).toBe(401)
    const body = await new Promise<{ code: string; request_id: string }>((resolve) => {
      let text = ''
      res.on('data', (chunk: Buffer) => (text += chunk.toString()))
      res.on('end', () => resolve(JSON.parse(text) as { code: string; request_id: string }))
    })
    expect(body.code).toBe('INVALID_SIGNATURE')
    expect(body.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/)
    expect(res.headers['x-request-id']).toBe(body.request_id)
  })

  it('answers a plain GET of the WebSocket path with 426 UPGRADE_REQUIRED', async () => {
    const res = await s.t.user('gus').get('/frontend/v1/ws')
    expectError(res, 426, 'UPGRADE_REQUIRED')
    expect(res.headers.get('upgrade')).toBe('websocket')
  })
})

describe('WebSocket at server shutdown', () => {
  it('closes with 1001 and no final frame, so clients reconnect and resume instead of giving up', async () => {
    const t = await startTestServer()
    await t.user('ana').post('/frontend/v1/threads/sd/messages', { id: 'm1', body: 'hi' })
    const client = await connect(t.url.replace('http:', 'ws:'), 'ana')
    client.send({ type: 'subscribe', thread_id: 'sd' })
    client.send({ type: 'subscribe_threads' })
    await client.until((f) => f.some((x) => x.type === 'subscribed') && f.some((x) => x.type === 'threads_subscribed'))
    const closed = new Promise<number>((resolve) => client.ws.once('close', (code: number) => resolve(code)))
    await t.close()
    expect(await closed).toBe(1001)
    expect(client.frames.map((f) => f.type).sort()).toEqual(['presence', 'subscribed', 'threads_subscribed'])
  })
})
