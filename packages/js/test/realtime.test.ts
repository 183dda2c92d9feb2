import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createClient,
  type ChatEvent,
  type ClientOptions,
  type ProgressDBClient,
  type SubscribeOptions,
  type SubscriptionStatus,
  type ThreadSubscription,
} from '../src/index.js'
import { startFixtureServer, waitFor, type FixtureServer } from './fixture.js'
import { startSocketProxy } from './socket-proxy.js'

const FAST_RECONNECT = { reconnect: { minDelayMs: 20, maxDelayMs: 200 }, idleCloseMs: 0 }

/** A subscription that records what it is given. */
function record(client: ProgressDBClient, threadId: string, options: SubscribeOptions = {}) {
  const events: ChatEvent[] = []
  const statuses: SubscriptionStatus[] = []
  const errors: string[] = []
  const sub: ThreadSubscription = client.subscribe(threadId, {
    ...options,
    onEvents: (batch) => events.push(...batch),
    onStatus: (status) => statuses.push(status),
    onError: (error) => errors.push(error.code),
  })
  const changes = () => events.map((e) => e.change)
  const live = () => waitFor(() => sub.status === 'live', `${threadId} live`)
  return { sub, events, statuses, errors, changes, live }
}

const oneToN = (n: number) => Array.from({ length: n }, (_, i) => i + 1)

describe('@progressdb/js live subscriptions', () => {
  let server: FixtureServer
  let alice: ProgressDBClient
  const clientFor = (user: string, extra: Partial<ClientOptions> = {}) =>
    createClient({ ...server.frontend(user), WebSocket, realtime: FAST_RECONNECT, ...extra })

  beforeAll(async () => {
    server = await startFixtureServer()
    alice = clientFor('alice')
  })
  afterAll(async () => {
    alice.realtime.close()
    await server.close()
  })

  it('delivers every change in change order, from now or from `since`', async () => {
    const chat = alice.messages('rt-order')
    await chat.create({ id: 'm0', body: { text: 'before' } }) // changes 1 (thread) and 2
    const fromNow = record(alice, 'rt-order')
    await fromNow.live()
    expect(fromNow.sub.lastChange).toBe(2)
    await chat.create({ id: 'm1', body: { text: 'one' } })
    await chat.update('m1', { body: { text: 'one!' } })
    await chat.react('m1', '👍')
    await chat.delete('m0')
    await waitFor(() => fromNow.events.length === 4, 'four events')
    expect(fromNow.events.map((e) => [e.change, e.type])).toEqual([
      [3, 'message.created'],
      [4, 'message.updated'],
      [5, 'reaction.added'],
      [6, 'message.deleted'],
    ])
    expect(fromNow.events[1]).toMatchObject({ message: { body: { text: 'one!' }, version: 2 } })

    // A second subscriber to the same thread asking for history gets it all, once; the
    // first one, whose server side restarted from 0, gets nothing twice.
    const history = record(alice, 'rt-order', { since: 0 })
    await waitFor(() => history.events.length === 6, 'history')
    expect(history.changes()).toEqual(oneToN(6))
    await chat.create({ id: 'm2', body: { text: 'two' } })
    await waitFor(() => history.events.length === 7 && fromNow.events.length === 5, 'both')
    expect(fromNow.changes()).toEqual([3, 4, 5, 6, 7])
    expect(history.changes()).toEqual(oneToN(7))
    fromNow.sub.close()
    history.sub.close()
  })

  it('resumes after the connection is cut mid-burst: every event exactly once, in order', async () => {
    const proxy = await startSocketProxy(server.url)
    const viaProxy = clientFor('alice', { baseUrl: proxy.url })
    const connectionCodes: (number | undefined)[] = []
    viaProxy.realtime.onStatus(
      (e) => e.status === 'reconnecting' && connectionCodes.push(e.closeCode),
    )
    await alice.threads.create({ id: 'rt-burst' }) // change 1
    const live = record(viaProxy, 'rt-burst', { since: 1 })
    await live.live()
    const writer = alice.messages('rt-burst')
    const burst = (async () => {
      for (let i = 1; i <= 120; i++) await writer.create({ id: `b${i}`, body: { text: `${i}` } })
    })()
    for (const after of [20, 60]) {
      await waitFor(() => live.events.length >= after, `${after} events`, 20_000)
      proxy.cut()
    }
    await burst
    await waitFor(() => live.events.length >= 120, 'all 120 events', 20_000)
    expect(live.changes()).toEqual(oneToN(120).map((i) => i + 1))
    expect(live.events.map((e) => (e.type === 'message.created' ? e.message_id : ''))).toEqual(
      oneToN(120).map((i) => `b${i}`),
    )
    expect(proxy.accepted).toBe(3)
    expect(connectionCodes).toHaveLength(2)
    expect(live.statuses).toEqual(['live', 'reconnecting', 'live', 'reconnecting', 'live'])
    viaProxy.realtime.close()
    await proxy.close()
  })

  it('after a SUBSCRIBER_TOO_SLOW close (4008), resumes from the last change received', async () => {
    const slowServer = await startFixtureServer({ yaml: 'realtime:\n  sendQueueMaxBytes: 1024\n' })
    const proxy = await startSocketProxy(slowServer.url)
    try {
      const reader = createClient({
        ...slowServer.frontend('carol'),
        baseUrl: proxy.url,
        WebSocket,
        realtime: FAST_RECONNECT,
      })
      const closeCodes: (number | undefined)[] = []
      reader.realtime.onStatus((e) => e.status === 'reconnecting' && closeCodes.push(e.closeCode))
      const writer = createClient(slowServer.frontend('carol')).messages('rt-slow')
      await writer.create({ id: 'first', body: { text: 'x' } })
      const live = record(reader, 'rt-slow')
      await live.live()
      proxy.pause() // the reader stops reading: the server's send queue grows
      const big = { text: 'y'.repeat(200_000) }
      for (let i = 1; i <= 40; i++) await writer.create({ id: `big${i}`, body: big })
      proxy.resume()
      await waitFor(() => live.events.length >= 40, 'all 40 events', 30_000)
      expect(closeCodes).toContain(4008)
      expect(live.changes()).toEqual(oneToN(40).map((i) => i + 2))
      reader.realtime.close()
    } finally {
      await proxy.close()
      await slowServer.close()
    }
  })

  it('close() stops delivery and reconnects; other subscriptions keep the socket', async () => {
    const proxy = await startSocketProxy(server.url)
    const viaProxy = clientFor('alice', { baseUrl: proxy.url })
    await alice.threads.create({ id: 'rt-close-a' })
    await alice.threads.create({ id: 'rt-close-b' })
    const closing = record(viaProxy, 'rt-close-a')
    const staying = record(viaProxy, 'rt-close-b')
    await closing.live()
    await staying.live()
    expect(proxy.accepted).toBe(1)
    closing.sub.close()
    expect(closing.sub.status).toBe('closed')
    await alice.messages('rt-close-a').create({ id: 'after-close', body: {} })
    await alice.messages('rt-close-b').create({ id: 'marker', body: {} })
    await waitFor(() => staying.events.length === 1, 'the marker')
    expect(closing.events).toEqual([])

    // Closing the connection ends every subscription and never reconnects.
    viaProxy.realtime.close()
    expect(staying.sub.status).toBe('closed')
    expect(viaProxy.realtime.status).toBe('closed')
    proxy.cut()
    const witness = record(alice, 'rt-close-b')
    await witness.live()
    await alice.messages('rt-close-b').create({ id: 'after-all', body: {} })
    await waitFor(() => witness.events.length === 1, 'the witness event')
    expect(staying.events).toHaveLength(1)
    expect(proxy.accepted).toBe(1)
    witness.sub.close()
    await proxy.close()
  })

  it('presence and typing: who has the thread open and who types, live', async () => {
    const bob = clientFor('bob')
    await alice.threads.create({ id: 'rt-room', participants: { bob: 'member' } })
    const seen = record(alice, 'rt-room')
    await seen.live()
    await waitFor(() => seen.sub.presence.users.join() === 'alice', 'alice present')
    const bobSub = bob.subscribe('rt-room')
    await waitFor(() => seen.sub.presence.users.join() === 'alice,bob', 'bob present')
    bobSub.setTyping(true)
    bobSub.setTyping(true) // throttled: one frame
    await waitFor(() => seen.sub.presence.typingUsers.join() === 'bob', 'bob typing')
    bobSub.setTyping(false)
    await waitFor(() => seen.sub.presence.typingUsers.length === 0, 'bob stopped')
    bobSub.setTyping(true)
    await waitFor(() => seen.sub.presence.typingUsers.join() === 'bob', 'bob typing again')
    bobSub.close() // leaving clears the indicator and the presence
    await waitFor(
      () =>
        seen.sub.presence.users.join() === 'alice' && seen.sub.presence.typingUsers.length === 0,
      'bob gone',
    )
    seen.sub.close()
    bob.realtime.close()
  })

  it('a thread the user may not read: onError with the code, then closed', async () => {
    const owner = clientFor('owner')
    await owner.threads.create({ id: 'rt-private' })
    const denied = record(alice, 'rt-private')
    await waitFor(() => denied.sub.status === 'closed', 'closed')
    expect(denied.errors).toEqual(['THREAD_ACCESS_DENIED'])
    expect(denied.statuses).toEqual(['closed'])
  })

  it('without a WebSocket implementation, subscribe explains what to pass', () => {
    const global = globalThis as { WebSocket?: unknown }
    const saved = global.WebSocket // Node 20 has none; newer Node versions do
    delete global.WebSocket
    try {
      const bare = createClient({ ...server.frontend('alice') })
      expect(bare.realtime.available).toBe(false)
      expect(() => bare.subscribe('t')).toThrow(/pass createClient\(\{ WebSocket \}\)/)
    } finally {
      if (saved !== undefined) global.WebSocket = saved
    }
  })

  it('subscribeThreads: summaries with unread counts, resumed from the cursor after a cut', async () => {
    const proxy = await startSocketProxy(server.url)
    const erin = clientFor('erin', { baseUrl: proxy.url })
    const frank = clientFor('frank')
    await frank.threads.create({ id: 'rl-1', participants: { erin: 'member' } })
    const seen: { threads: string[]; removed: string[] }[] = []
    const unread = new Map<string, number | undefined>()
    const list = erin.subscribeThreads({
      onThreads: ({ threads, removed }) => {
        seen.push({ threads: threads.map((t) => t.id), removed })
        for (const t of threads) unread.set(t.id, t.unread_count)
      },
    })
    await waitFor(() => list.status === 'live', 'list live')
    const start = list.cursor
    expect(start).toBeTypeOf('number')
    await frank.messages('rl-1').create({ id: 'f1', body: { text: 'one' } })
    await waitFor(() => unread.get('rl-1') === 1, 'unread 1')
    proxy.cut()
    await frank.messages('rl-1').create({ id: 'f2', body: { text: 'two' } }) // while cut
    await waitFor(() => unread.get('rl-1') === 2, 'unread 2 after the reconnect')
    expect(proxy.accepted).toBe(2)
    expect(list.cursor!).toBeGreaterThan(start!)
    await frank.participants('rl-1').remove('erin')
    await waitFor(() => seen.some((s) => s.removed.includes('rl-1')), 'removed')
    list.close()
    expect(list.status).toBe('closed')
    erin.realtime.close()
    frank.realtime.close()
    await proxy.close()
  })

  it('while the server is down a held signature is kept: requests fail with NETWORK_ERROR, then it reconnects', async () => {
    await alice.threads.create({ id: 'rt-outage' })
    let proxy = await startSocketProxy(server.url)
    const port = proxy.port
    const expiresAtS = Math.floor(Date.now() / 1000) + 3600
    let asked = 0
    const { frontendKey, userId } = server.frontend('alice')
    const client = createClient({
      baseUrl: proxy.url,
      frontendKey,
      userId,
      // Like the chat example's backend: it cannot sign while ProgressDB is down.
      getUserSignature: () => {
        if (asked++ === 0) return server.signUntil('alice', expiresAtS)
        throw new Error('cannot sign: ProgressDB is unreachable')
      },
      WebSocket,
      realtime: FAST_RECONNECT,
      retry: { retries: 1, minDelayMs: 5 },
    })
    const live = record(client, 'rt-outage')
    await live.live()
    const reconnects: string[] = []
    client.realtime.onStatus((e) => reconnects.push(e.status))
    await proxy.close() // the server is gone: connections are refused
    await waitFor(
      () => reconnects.filter((s) => s === 'reconnecting').length >= 3,
      'failed reconnects',
    )
    const error = await client.threads.list().catch((e: unknown) => e)
    expect(error).toMatchObject({ status: 0, code: 'NETWORK_ERROR' })
    expect(asked).toBe(1)

    proxy = await startSocketProxy(server.url, port) // back
    await live.live()
    await alice.messages('rt-outage').create({ id: 'after', body: {} })
    await waitFor(() => live.events.length === 1, 'the event after the outage')
    expect((await client.threads.list()).threads.map((t) => t.id)).toContain('rt-outage')
    expect(asked).toBe(1)
    client.realtime.close()
    await proxy.close()
  })

  it('an expired signature: the socket is refused, a new signature is fetched, then live', async () => {
    await alice.threads.create({ id: 'rt-signed' })
    const signatures = [server.signUntil('alice', 1), server.sign('alice')] // the first expired long ago
    let asked = 0
    const { baseUrl, frontendKey, userId } = server.frontend('alice')
    const renewing = createClient({
      baseUrl,
      frontendKey,
      userId,
      getUserSignature: () => signatures[Math.min(asked++, 1)]!,
      WebSocket,
      realtime: FAST_RECONNECT,
    })
    const live = record(renewing, 'rt-signed')
    await live.live()
    expect(asked).toBe(2)
    await alice.messages('rt-signed').create({ id: 's1', body: {} })
    await waitFor(() => live.events.length === 1, 'an event')
    renewing.realtime.close()
  })
})
