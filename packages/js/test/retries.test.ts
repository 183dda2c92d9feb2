import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createClient, isProgressDBError, type ProgressDBError } from '../src/index.js'
import { startFaultyProxy, type FaultyProxy } from './faulty-proxy.js'
import { startFixtureServer, type FixtureServer } from './fixture.js'

const isWrite = (method: string | undefined, url: string | undefined, suffix: string) =>
  method !== 'GET' && (url ?? '').split('?')[0]!.endsWith(suffix)

describe('@progressdb/js retries, timeouts and cancellation', () => {
  let server: FixtureServer
  let proxy: FaultyProxy | undefined
  beforeAll(async () => {
    server = await startFixtureServer()
  })
  afterEach(async () => {
    await proxy?.close()
    proxy = undefined
  })
  afterAll(async () => server.close())

  const through = (url: string, userId: string, retries = 2) =>
    createClient({ ...server.frontend(userId), baseUrl: url, retry: { retries, minDelayMs: 5 } })

  it('a create whose response was lost is retried and stored exactly once', async () => {
    let drops = 0
    proxy = await startFaultyProxy(server.url, (req) =>
      isWrite(req.method, req.url, '/messages') && drops++ === 0 ? 'drop' : 'forward',
    )
    const c = through(proxy.url, 'lossy')
    const m = await c.messages('lossy-thread').create({ body: { text: 'only once' } })
    expect(proxy.seen.filter((r) => r.startsWith('POST'))).toHaveLength(2)
    const direct = createClient(server.frontend('lossy'))
    const stored = await direct.messages('lossy-thread').list()
    expect(stored.messages.map((x) => x.id)).toEqual([m.id])
    expect(stored.messages[0]).toEqual(m)
    expect((await direct.threads.get('lossy-thread')).message_count).toBe(1)
  })

  it('a thread create whose response was lost is retried and stored once', async () => {
    let drops = 0
    proxy = await startFaultyProxy(server.url, (req) =>
      isWrite(req.method, req.url, '/threads') && drops++ === 0 ? 'drop' : 'forward',
    )
    const t = await through(proxy.url, 'lossy-owner').threads.create({ title: 'once' })
    const mine = await createClient(server.frontend('lossy-owner')).threads.list()
    expect(mine.threads.map((x) => x.id)).toEqual([t.id])
  })

  it('an edit (not repeatable) is not retried: the error surfaces and one version was made', async () => {
    const direct = createClient(server.frontend('editor'))
    await direct.messages('edit-once').create({ id: 'e', body: 'v1' })
    proxy = await startFaultyProxy(server.url, (req) => (req.method === 'PUT' ? 'drop' : 'forward'))
    const error = await through(proxy.url, 'editor')
      .messages('edit-once')
      .update('e', { body: 'v2' })
      .catch((e: unknown) => e)
    expect(isProgressDBError(error) && error.code).toBe('NETWORK_ERROR')
    expect(proxy.seen.filter((r) => r.startsWith('PUT'))).toHaveLength(1)
    expect((await direct.messages('edit-once').get('e')).version).toBe(2)
  })

  it('times out each attempt after timeoutMs, retrying reads, then fails with TIMEOUT', async () => {
    proxy = await startFaultyProxy(server.url, () => 'hold')
    const c = createClient({
      ...server.frontend('slow'),
      baseUrl: proxy.url,
      timeoutMs: 100,
      retry: { retries: 1, minDelayMs: 5 },
    })
    const error = (await c.threads.list().catch((e: unknown) => e)) as ProgressDBError
    expect([error.code, error.status]).toEqual(['TIMEOUT', 0])
    expect(proxy.seen).toHaveLength(2)
  })

  it('a per-call timeout wins over the client default', async () => {
    proxy = await startFaultyProxy(server.url, () => 'hold')
    const c = createClient({ ...server.frontend('slow2'), baseUrl: proxy.url, timeoutMs: 60_000 })
    const error = await c.threads.get('x', { timeoutMs: 50, retries: 0 }).catch((e: unknown) => e)
    expect(isProgressDBError(error) && error.code).toBe('TIMEOUT')
  })

  it('an AbortSignal cancels an attempt in flight and the retries after it', async () => {
    proxy = await startFaultyProxy(server.url, () => 'hold')
    const c = createClient({ ...server.frontend('impatient'), baseUrl: proxy.url })
    const controller = new AbortController()
    const pending = c.threads.list({}, { signal: controller.signal }).catch((e: unknown) => e)
    const deadline = Date.now() + 5000
    while (proxy.seen.length === 0 && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 5))
    controller.abort()
    const error = await pending
    expect(isProgressDBError(error) && error.code).toBe('ABORTED')
    expect(proxy.seen).toHaveLength(1)

    const already = await c.threads
      .list({}, { signal: AbortSignal.abort() })
      .catch((e: unknown) => e)
    expect(isProgressDBError(already) && already.code).toBe('ABORTED')
    expect(proxy.seen).toHaveLength(1)
  })
})
