import type { Thread } from '@progressdb/protocol'
import { describe, expect, it } from 'vitest'
import type { TestServer } from './harness.js'
import { connect, threadListView, useRealtimeServer, type Frame, type WsTestClient } from './ws-client.js'

const listFrames = (frames: readonly Frame[]) => frames.filter((f) => f.type === 'threads')
const summaries = (frames: readonly Frame[], threadId: string): Thread[] =>
  listFrames(frames).flatMap((f) => f.threads!.filter((t) => t.id === threadId))

async function subscribeThreads(client: WsTestClient, since?: number): Promise<number> {
  client.send(since === undefined ? { type: 'subscribe_threads' } : { type: 'subscribe_threads', since })
  await client.until((f) => f.some((x) => x.type === 'threads_subscribed'))
  return client.frames.find((x) => x.type === 'threads_subscribed')!.cursor!
}

/** What GET /frontend/v1/threads says, as id → summary. */
async function listedThreads(t: TestServer, user: string): Promise<Map<string, Thread>> {
  const res = await t.user(user).get<{ threads: Thread[] }>('/frontend/v1/threads?limit=100')
  expect(res.status).toBe(200)
  return new Map(res.body.threads.map((thread) => [thread.id, thread]))
}

describe('thread-list subscriptions over the WebSocket', () => {
  const s = useRealtimeServer()

  it('sends a thread the user is added to, its new messages with unread counts, reads, and its removal', async () => {
    const alice = s.t.user('alice')
    const bob = s.t.user('bob')
    const client = await connect(s.ws, 'bob')
    await subscribeThreads(client)

    await alice.post('/frontend/v1/threads', { id: 'l1', title: 'Plans' })
    await alice.post('/frontend/v1/threads/l1/participants', { user_id: 'bob' })
    await client.until((f) => summaries(f, 'l1').length > 0)
    expect(summaries(client.frames, 'l1')[0]).toMatchObject({ id: 'l1', title: 'Plans', unread_count: 0, last_message: null })

    await alice.post('/frontend/v1/threads/l1/messages', { id: 'm1', body: 'one' })
    await alice.post('/frontend/v1/threads/l1/messages', { id: 'm2', body: 'two' })
    await client.until((f) => summaries(f, 'l1').some((s) => s.last_message?.id === 'm2'))
    const afterMessages = summaries(client.frames, 'l1').find((s) => s.last_message?.id === 'm2')!
    expect(afterMessages).toEqual((await bob.get('/frontend/v1/threads/l1')).body.thread)
    expect(afterMessages.unread_count).toBe(2)

    // Reading moves no updated_ts, yet the reader's unread count reaches the stream.
    expect((await bob.post('/frontend/v1/threads/l1/read', { message_id: 'm2' })).status).toBe(200)
    await client.until((f) => summaries(f, 'l1').at(-1)?.unread_count === 0)

    await alice.del('/frontend/v1/threads/l1/participants', { user_id: 'bob' })
    await client.until((f) => listFrames(f).some((x) => x.removed!.includes('l1')))
    const removedAt = client.frames.findIndex((f) => f.type === 'threads' && f.removed!.includes('l1'))

    // A sentinel in one of bob's threads: once its update arrives, one for l1 would have too.
    await alice.post('/frontend/v1/threads/l1/messages', { id: 'm3', body: 'bob is gone' })
    await bob.post('/frontend/v1/threads/l-sentinel/messages', { id: 's1', body: 's' })
    await client.until((f) => summaries(f, 'l-sentinel').length > 0)
    expect(summaries(client.frames.slice(removedAt + 1), 'l1')).toEqual([])
    expect(listFrames(client.frames).every((f) => typeof f.cursor === 'number')).toBe(true)
    client.ws.close()
  })

  it('resumes with since after a disconnect: the list ends equal to GET /frontend/v1/threads', async () => {
    const owner = s.t.user('olga')
    const carl = s.t.user('carl')
    for (const id of ['r-keep', 'r-leave', 'r-purge', 'r-read']) {
      await owner.post(`/frontend/v1/threads/${id}/messages`, { id: 'm1', body: id })
      await owner.post(`/frontend/v1/threads/${id}/participants`, { user_id: 'carl' })
    }
    const view = threadListView()
    const first = await connect(s.ws, 'carl')
    await subscribeThreads(first, 0)
    await first.until((f) => listFrames(f).some((x) => x.threads!.some((s) => s.id === 'r-read')))
    view.apply(first.frames)
    expect([...view.threads.keys()].sort()).toEqual(['r-keep', 'r-leave', 'r-purge', 'r-read'])
    first.ws.terminate()

    // While carl is away: new messages, a new thread, a removal, a purge, and a read on another device.
    await owner.post('/frontend/v1/threads/r-keep/messages', { id: 'm2', body: 'more' })
    await owner.post('/frontend/v1/threads/r-new/messages', { id: 'm1', body: 'new' })
    await owner.post('/frontend/v1/threads/r-new/participants', { user_id: 'carl' })
    await owner.del('/frontend/v1/threads/r-leave/participants', { user_id: 'carl' })
    expect((await owner.del('/frontend/v1/threads/r-purge?hard=true')).status).toBe(204)
    expect((await carl.post('/frontend/v1/threads/r-read/read', { message_id: 'm1' })).status).toBe(200)

    const second = await connect(s.ws, 'carl')
    await subscribeThreads(second, view.cursor())
    // The catch-up always ends with one frame, so the client knows it is up to date.
    await second.until((f) => listFrames(f).length > 0)
    view.apply(second.frames)
    const removed = listFrames(second.frames).flatMap((f) => f.removed!)
    expect(removed).toEqual(expect.arrayContaining(['r-leave', 'r-purge']))
    expect(view.threads).toEqual(await listedThreads(s.t, 'carl'))
    expect(view.threads.get('r-read')!.unread_count).toBe(0)
    expect(view.threads.get('r-keep')!.last_message!.id).toBe('m2')
    second.ws.close()
  })

  it('keeps a list cursor per connection, replaces it on resubscribe and stops on unsubscribe', async () => {
    const dora = s.t.user('dora')
    const client = await connect(s.ws, 'dora')
    await subscribeThreads(client)
    client.send({ type: 'unsubscribe_threads' })
    await client.until((f) => f.some((x) => x.type === 'threads_unsubscribed'))
    expect(client.frames.find((x) => x.type === 'threads_unsubscribed')).toEqual({ type: 'threads_unsubscribed' })
    await dora.post('/frontend/v1/threads/u1/messages', { id: 'm1', body: 'unheard' })
    // Subscribing again from a cursor before that write catches it up exactly once.
    client.send({ type: 'subscribe_threads', since: 0 })
    await client.until((f) => summaries(f, 'u1').length > 0)
    expect(summaries(client.frames, 'u1')).toHaveLength(1)
    client.ws.close()
  })

  it('rejects a malformed since with an error frame and keeps the connection', async () => {
    const client = await connect(s.ws, 'erin')
    for (const since of [-1, 1.5, '12', null]) client.send({ type: 'subscribe_threads', since })
    await client.until((f) => f.filter((x) => x.type === 'error').length === 4)
    expect(client.frames.every((x) => x.type === 'error' && x.code === 'VALIDATION_FAILED')).toBe(true)
    await subscribeThreads(client)
    client.ws.close()
  })
})
