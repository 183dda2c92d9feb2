/**
 * The messages store's sends whose outcome is unknown (the create may be stored, its answer
 * never came): they stay as `sendState: 'failed'`, the stored message replaces them when it
 * arrives, `retry` resends with the same client id and `discard` drops them. Refusals (4xx)
 * roll back as before. Faults are injected in `fetch` (the HTTP side), so the live side can
 * go through its own proxy and be held back or cut.
 */
import WebSocket from 'ws'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  createClient,
  createMessagesStore,
  isProgressDBError,
  type ChatBody,
  type ClientOptions,
  type MessagesStore,
} from '../src/index.js'
import { startFixtureServer, waitFor, type FixtureServer } from './fixture.js'
import { startSocketProxy, type SocketProxy } from './socket-proxy.js'
import { watch } from './watch-store.js'

/**
 * A `fetch` that can lose the answers of message creates: `lose` of them are sent (and
 * applied by the server) but answered with a network failure; `refuse` of them fail without
 * being sent (connection refused). `ids` records the client id of every create sent.
 */
function faultyFetch(rewrite: (url: string) => string = (url) => url) {
  const faults = { lose: 0, refuse: 0, ids: [] as string[] }
  const fetchFn: typeof fetch = async (input, init) => {
    const url = rewrite(
      typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
    )
    const isCreate = init?.method === 'POST' && new URL(url).pathname.endsWith('/messages')
    if (isCreate && faults.refuse > 0) {
      faults.refuse -= 1
      throw new TypeError('fetch failed (connection refused)')
    }
    if (isCreate) faults.ids.push((JSON.parse(init.body as string) as { id: string }).id)
    const res = await fetch(url, init)
    if (!isCreate || faults.lose === 0) return res
    faults.lose -= 1
    await res.text() // the server answered; the answer is lost on the way back
    throw new TypeError('fetch failed (connection reset)')
  }
  return { faults, fetchFn }
}

const ATTEMPTS = 3 // the first send and the transport's 2 retries
const fast = { retry: { retries: ATTEMPTS - 1, minDelayMs: 5 } } satisfies Partial<ClientOptions>

describe('@progressdb/js messages store: creates with an unknown outcome', () => {
  let server: FixtureServer
  const sockets: SocketProxy[] = []
  beforeAll(async () => {
    server = await startFixtureServer()
  })
  afterEach(async () => {
    for (const socket of sockets.splice(0)) await socket.close()
  })
  afterAll(async () => server.close())

  const stored = async (threadId: string) =>
    (await createClient(server.frontend('alice')).messages<ChatBody>(threadId).list()).messages
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e,
    )

  /** A live client whose WebSocket goes through `socket` while HTTP goes to the server directly. */
  async function liveClient() {
    const socket = await startSocketProxy(server.url)
    sockets.push(socket)
    const { faults, fetchFn } = faultyFetch((url) => url.replace(socket.url, server.url))
    const client = createClient({
      ...server.frontend('alice'),
      baseUrl: socket.url,
      fetch: fetchFn,
      WebSocket,
      realtime: { reconnect: { minDelayMs: 20, maxDelayMs: 200 }, idleCloseMs: 0 },
      ...fast,
    })
    return { client, faults, socket }
  }

  it('a lost reply keeps the message as failed with its client id; the live catch-up confirms it, once', async () => {
    const { client, faults, socket } = await liveClient()
    await client.threads.create({ id: 'u-live' })
    const store = createMessagesStore<ChatBody>(client, 'u-live')
    const w = watch(store)
    await waitFor(() => !w.now().loading && client.realtime.status === 'open', 'live store')
    socket.pause() // the outage also holds back the live feed
    faults.lose = ATTEMPTS
    const error = await failure(store.create({ body: { text: 'lost reply' } }))
    expect(isProgressDBError(error) && error.code).toBe('NETWORK_ERROR')
    const [id] = faults.ids
    expect(faults.ids).toEqual([id, id, id])
    expect(w.now().messages).toHaveLength(1)
    expect(w.now().messages[0]).toMatchObject({
      id,
      pending: true,
      sendState: 'failed',
      sendError: { code: 'NETWORK_ERROR' },
      body: { text: 'lost reply' },
    })
    expect(w.now().error?.code).toBe('NETWORK_ERROR')

    socket.cut() // the connection is replaced; the catch-up brings the stored message
    socket.resume()
    await waitFor(() => w.now().messages[0]?.pending === undefined, 'the stored message')
    expect(w.now().messages).toHaveLength(1)
    expect(w.now().messages[0]).toMatchObject({ id, seq: 1, body: { text: 'lost reply' } })
    expect(w.now().messages[0]?.sendState).toBeUndefined()
    // Live again: the outage's error is over.
    await waitFor(() => w.now().error === undefined, 'the error cleared once live')
    expect((await stored('u-live')).map((m) => m.id)).toEqual([id])
    w.stop()
    client.realtime.close()
  })

  it('a transport error clears once the subscription is live again', async () => {
    const { client, faults, socket } = await liveClient()
    await client.threads.create({ id: 'u-outage' })
    const store = createMessagesStore<ChatBody>(client, 'u-outage')
    const w = watch(store)
    await waitFor(() => !w.now().loading && client.realtime.status === 'open', 'live store')
    faults.refuse = ATTEMPTS
    await failure(store.create({ body: { text: 'during the outage' } }))
    expect(w.now().error?.code).toBe('NETWORK_ERROR')
    socket.cut()
    await waitFor(() => client.realtime.status === 'reconnecting', 'the cut')
    await waitFor(() => w.now().error === undefined, 'the error cleared once live')
    expect(client.realtime.status).toBe('open')
    w.stop()
    client.realtime.close()
  })

  it('a refusal (4xx) is rolled back, and stays the error after the subscription is back', async () => {
    const { client, socket } = await liveClient()
    await client.messages('u-refused').create({ id: 'first', body: { text: 'first' } })
    const store = createMessagesStore<ChatBody>(client, 'u-refused')
    const w = watch(store)
    await waitFor(() => !w.now().loading && client.realtime.status === 'open', 'live store')
    const error = await failure(store.create({ body: { text: 'x' }, role: 'r'.repeat(65) }))
    expect(isProgressDBError(error) && [error.status, error.code]).toEqual([
      400,
      'VALIDATION_FAILED',
    ])
    expect(w.now().messages.map((m) => m.id)).toEqual(['first'])
    socket.cut()
    await waitFor(() => client.realtime.status === 'reconnecting', 'the cut')
    await waitFor(() => client.realtime.status === 'open', 'reconnected')
    await client.messages('u-refused').create({ id: 'marker', body: { text: 'marker' } })
    await waitFor(() => w.now().messages.length === 2, 'live again')
    expect(w.now().error?.code).toBe('VALIDATION_FAILED')
    w.stop()
    client.realtime.close()
  })

  describe('without live updates', () => {
    const offline = () => {
      const { faults, fetchFn } = faultyFetch()
      const client = createClient({ ...server.frontend('alice'), fetch: fetchFn, ...fast })
      const store: MessagesStore<ChatBody> = createMessagesStore(client, 'u-retry', { live: false })
      return { faults, store, w: watch(store) }
    }

    it('retry resends with the same client id: the stored message, never a second copy', async () => {
      const { faults, store, w } = offline()
      await waitFor(() => !w.now().loading, 'first page')
      faults.lose = ATTEMPTS
      await failure(store.create({ body: { text: 'again' } }))
      const id = w.now().messages.at(-1)!.id
      expect(w.now().messages.at(-1)?.sendState).toBe('failed')

      const sending = store.retry(id)
      expect(w.now().messages.at(-1)).toMatchObject({ id, pending: true, sendState: 'sending' })
      expect(w.now().messages.at(-1)?.sendError).toBeUndefined()
      const message = await sending
      expect(message.id).toBe(id)
      expect(new Set(faults.ids)).toEqual(new Set([id]))
      expect(w.now().messages.filter((m) => m.body.text === 'again')).toEqual([message])
      expect(w.now().error).toBeUndefined()
      expect((await stored('u-retry')).filter((m) => m.body.text === 'again')).toHaveLength(1)
      w.stop()
    })

    it('a reload that finds the stored message replaces the failed one', async () => {
      const { faults, store, w } = offline()
      await waitFor(() => !w.now().loading, 'first page')
      faults.lose = ATTEMPTS
      await failure(store.create({ body: { text: 'found on reload' } }))
      const id = w.now().messages.at(-1)!.id
      await store.load()
      const mine = w.now().messages.filter((m) => m.id === id)
      expect(mine).toHaveLength(1)
      expect(mine[0]?.pending).toBeUndefined()
      expect(w.now().error).toBeUndefined()
      w.stop()
    })

    it('discard drops a failed create; retry of an unknown id rejects', async () => {
      const { faults, store, w } = offline()
      await waitFor(() => !w.now().loading, 'first page')
      const before = w.now().messages
      faults.refuse = ATTEMPTS // never reaches the server
      const error = await failure(store.create({ body: { text: 'never sent' } }))
      expect(isProgressDBError(error) && error.code).toBe('NETWORK_ERROR')
      const failed = w.now().messages.at(-1)!
      expect(failed.sendState).toBe('failed')
      store.discard(failed.id)
      expect(w.now().messages).toEqual(before)
      await expect(store.retry(failed.id)).rejects.toThrow(TypeError)
      expect((await stored('u-retry')).some((m) => m.body.text === 'never sent')).toBe(false)
      w.stop()
    })
  })
})
