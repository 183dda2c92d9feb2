import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signUser } from '../src/auth/user-signature.js'
import { KEYS, startTestServer, type TestServer } from './harness.js'
import { openEventStream } from './sse-client.js'

const userHeaders = (user: string) => ({
  authorization: `Bearer ${KEYS.frontend}`,
  'x-user-id': user,
  'x-user-signature': signUser(KEYS.signing, user),
})
const events = (t: TestServer, thread: string, query = '') => `${t.url}/frontend/v1/threads/${thread}/events${query}`
const changes = (frames: { data: string }[]) => frames.map((f) => (JSON.parse(f.data) as { change: number }).change)

describe('SSE change streams', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(async () => t.close())

  it('delivers creates, edits, reactions and deletes live, in change order', async () => {
    const alice = t.user('alice')
    await alice.post('/frontend/v1/threads/live-1/messages', { id: 'm1', body: 'hello' })
    const stream = await openEventStream(events(t, 'live-1'), userHeaders('alice'))
    expect(stream.headers.get('x-request-id')).toMatch(/\S/)
    expect(stream.status).toBe(200)
    await alice.post('/frontend/v1/threads/live-1/messages', { id: 'm2', body: 'two' })
    await alice.put('/frontend/v1/threads/live-1/messages/m2', { body: 'two!' })
    await alice.post('/frontend/v1/threads/live-1/messages/m2/reactions', { emoji: '🎉' })
    await alice.del('/frontend/v1/threads/live-1/messages/m1')
    const frames = await stream.waitFor(4)
    stream.abort()
    expect(frames.map((f) => f.event)).toEqual(['message.created', 'message.updated', 'reaction.added', 'message.deleted'])
    expect(changes(frames)).toEqual([3, 4, 5, 6])
    expect(frames.map((f) => f.id)).toEqual(['3', '4', '5', '6'])
    expect(JSON.parse(frames[1]!.data)).toMatchObject({ message_id: 'm2', version: 2, message: { body: 'two!' } })
  })

  it('resumes with Last-Event-ID after a dropped connection: every change exactly once', async () => {
    const bob = t.user('bob')
    await bob.post('/frontend/v1/threads/burst/messages', { id: 'seed', body: 0 })
    const first = await openEventStream(events(t, 'burst', '?since=0'), userHeaders('bob'))
    const burst = Promise.all(
      Array.from({ length: 120 }, (_, i) => bob.post('/frontend/v1/threads/burst/messages', { id: `b${i}`, body: i })),
    )
    await first.waitFor(30)
    first.abort()
    const received = [...first.frames]
    await burst
    const total = (await bob.get('/frontend/v1/threads/burst')).body.thread.last_change as number
    const second = await openEventStream(events(t, 'burst'), {
      ...userHeaders('bob'),
      'last-event-id': received[received.length - 1]!.id!,
    })
    await second.waitFor(total - received.length)
    second.abort()
    const all = changes([...received, ...second.frames])
    expect(all).toEqual(Array.from({ length: total }, (_, i) => i + 1))
  })

  it('refuses a user who cannot read the thread with a JSON 403 before any stream starts', async () => {
    await t.user('carol').post('/frontend/v1/threads/private/messages', { body: 'secret' })
    const res = await fetch(events(t, 'private'), { headers: { accept: 'text/event-stream', ...userHeaders('mallory') } })
    expect(res.status).toBe(403)
    expect(((await res.json()) as { code: string }).code).toBe('THREAD_ACCESS_DENIED')
  })

  it('refuses a resume point past the thread’s newest change with a JSON 409 STALE_CURSOR', async () => {
    await t.user('dora').post('/frontend/v1/threads/ahead/messages', { body: 'one' })
    for (const headers of [{ 'last-event-id': '50' }, {}] as Record<string, string>[]) {
      const res = await fetch(events(t, 'ahead', '?since=50'), {
        headers: { accept: 'text/event-stream', ...userHeaders('dora'), ...headers },
      })
      expect(res.status).toBe(409)
      expect(((await res.json()) as { code: string }).code).toBe('STALE_CURSOR')
    }
  })

  it('stops delivering to a participant once removed', async () => {
    const owner = t.user('olga')
    await owner.post('/frontend/v1/threads/team/messages', { id: 'm1', body: 'hi' })
    await owner.post('/frontend/v1/threads/team/participants', { user_id: 'pete', role: 'member' })
    const stream = await openEventStream(events(t, 'team'), userHeaders('pete'))
    await owner.post('/frontend/v1/threads/team/messages', { id: 'm2', body: 'for pete' })
    await stream.waitFor(1)
    await owner.del('/frontend/v1/threads/team/participants', { user_id: 'pete' })
    await stream.ended
    await owner.post('/frontend/v1/threads/team/messages', { id: 'm3', body: 'not for pete' })
    const data = stream.frames.map((f) => JSON.parse(f.data) as { type?: string; code?: string; message_id?: string })
    expect(data[0]).toMatchObject({ type: 'message.created', message_id: 'm2' })
    expect(data[data.length - 1]).toMatchObject({ code: 'THREAD_ACCESS_DENIED' })
    expect(data.some((e) => e.message_id === 'm3')).toBe(false)
  })
})

describe('SSE backpressure', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer({ yaml: 'realtime:\n  sendQueueMaxBytes: 65536\n' })
  })
  afterAll(async () => t.close())

  it('cuts off a subscriber that does not read while another keeps receiving', async () => {
    const user = t.user('dana')
    await user.post('/frontend/v1/threads/big/messages', { id: 'm0', body: 'x' })
    const controller = new AbortController()
    const slow = await fetch(events(t, 'big'), {
      headers: { accept: 'text/event-stream', ...userHeaders('dana') },
      signal: controller.signal,
    })
    expect(slow.status).toBe(200)
    const fast = await openEventStream(events(t, 'big'), userHeaders('dana'))
    const body = { text: 'y'.repeat(200_000) }
    for (let i = 1; i <= 60; i++) await user.post('/frontend/v1/threads/big/messages', { id: `m${i}`, body })
    await fast.waitFor(60, 20_000)
    fast.abort()
    // The slow stream was destroyed by the server: reading it now ends well short of 60 events.
    let bytes = 0
    try {
      for await (const chunk of slow.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.length
    } catch {
      // A reset connection is a cut-off too.
    }
    expect(bytes).toBeLessThan(60 * 200_000)
  })
})
