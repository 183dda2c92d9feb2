import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { KEYS, startTestServer } from './harness.js'
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
    await client.until((f) => f.filter((x) => x.type === 'error').length === 3)
    expect(client.frames.map((f) => f.code)).toEqual(['INVALID_ID', 'BAD_JSON', 'VALIDATION_FAILED'])
    expect(client.ws.readyState).toBe(WebSocket.OPEN)
    client.ws.close()
  })

  it('refuses an upgrade without valid credentials with an HTTP error', async () => {
    const status = await new Promise<number>((resolve) => {
      const bad = new WebSocket(`${s.ws}/frontend/v1/ws`, { headers: { authorization: `Bearer ${KEYS.frontend}`, 'x-user-id': 'eve', 'x-user-signature': 'f'.repeat(64) } })
      bad.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
      bad.on('error', () => undefined)
    })
    expect(status).toBe(401)
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
