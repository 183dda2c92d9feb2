import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createClient, isProgressDBError, type ProgressDBError } from '../src/index.js'
import { startFaultyProxy, type FaultyProxy, type ProxyAction } from './faulty-proxy.js'
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

  /** A proxy that applies an action to the next request matching it, and forwards the rest. */
  async function faultOnce() {
    const matches = (request: string | undefined, method: string, suffix: string) => {
      const [verb, url] = (request ?? '').split(' ')
      return verb === method && (url ?? '').split('?')[0]!.endsWith(suffix)
    }
    let fault: { method: string; suffix: string; action: ProxyAction } | undefined
    proxy = await startFaultyProxy(server.url, (req) => {
      if (!fault || !matches(`${req.method} ${req.url}`, fault.method, fault.suffix))
        return 'forward'
      const { action } = fault
      fault = undefined
      return action
    })
    const seen = proxy.seen
    return {
      next(method: string, suffix: string, action: ProxyAction) {
        fault = { method, suffix, action }
      },
      /** How many requests `method …suffix` reached the proxy. */
      seen: (method: string, suffix: string) =>
        seen.filter((r) => matches(r, method, suffix)).length,
    }
  }

  const rateLimited: ProxyAction = {
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': '0' },
    body: JSON.stringify({ error: 'Slow down.', code: 'RATE_LIMITED', request_id: 'r' }),
  }
  const unavailable: ProxyAction = { status: 503 }

  it('a 429 is retried for every request: edits, deletes, restores, appends, finalizes', async () => {
    const direct = createClient(server.frontend('limited'))
    await direct.messages('r429').create({ id: 'm', body: { text: 'v1' } })
    const faults = await faultOnce()
    const c = through(proxy!.url, 'limited')
    const chat = c.messages<{ text: string }>('r429')
    faults.next('PUT', '/messages/m', rateLimited)
    expect((await chat.update('m', { body: { text: 'v2' } })).version).toBe(2)
    expect(faults.seen('PUT', '/messages/m')).toBe(2)
    faults.next('DELETE', '/messages/m', rateLimited)
    await chat.delete('m')
    faults.next('POST', '/restore', rateLimited)
    expect((await chat.restore('m')).deleted).toBe(false)
    expect(faults.seen('POST', '/restore')).toBe(2)
    const s = await chat.stream({ id: 'streamed' })
    faults.next('POST', '/append', rateLimited)
    await s.append('once')
    faults.next('POST', '/finalize', rateLimited)
    const final = await s.finalize()
    expect(final).toMatchObject({ status: 'final', body: { text: 'once' } })
    expect([faults.seen('POST', '/append'), faults.seen('POST', '/finalize')]).toEqual([2, 2])
  })

  it('503 is retried for set-like writes: reactions, read markers, participants', async () => {
    const direct = createClient(server.frontend('setter'))
    await direct.messages('r503').create({ id: 'm', body: { text: 'hi' } })
    const faults = await faultOnce()
    const c = through(proxy!.url, 'setter')
    faults.next('POST', '/reactions', unavailable)
    expect((await c.messages('r503').react('m', '👍')).reactions).toEqual({ '👍': ['setter'] })
    faults.next('DELETE', '/reactions', unavailable)
    expect((await c.messages('r503').unreact('m', '👍')).reactions).toEqual({})
    faults.next('POST', '/read', unavailable)
    expect((await c.markRead('r503', 'm')).unread_count).toBe(0)
    faults.next('POST', '/participants', unavailable)
    expect((await c.participants('r503').add('bob')).map((p) => p.user_id)).toContain('bob')
    faults.next('DELETE', '/participants', unavailable)
    expect((await c.participants('r503').remove('bob')).map((p) => p.user_id)).not.toContain('bob')
    for (const [method, suffix] of [
      ['POST', '/reactions'],
      ['DELETE', '/reactions'],
      ['POST', '/read'],
      ['POST', '/participants'],
      ['DELETE', '/participants'],
    ] as const)
      expect(faults.seen(method, suffix), `${method} ${suffix}`).toBe(2)
  })

  it('503 is not retried for edits, deletes, restores, appends or finalizes', async () => {
    const direct = createClient(server.frontend('careful'))
    await direct.messages('r503-no').create({ id: 'm', body: { text: 'v1' } })
    const faults = await faultOnce()
    const chat = through(proxy!.url, 'careful').messages('r503-no')
    const s = await chat.stream({ id: 'st' })
    const attempts: [string, string, () => Promise<unknown>][] = [
      ['PUT', '/messages/m', () => chat.update('m', { body: { text: 'v2' } })],
      ['DELETE', '/messages/m', () => chat.delete('m')],
      ['POST', '/messages/m/restore', () => chat.restore('m')],
      ['POST', '/append', () => s.append('x')],
      ['POST', '/finalize', () => s.finalize()],
    ]
    for (const [method, suffix, run] of attempts) {
      faults.next(method, suffix, unavailable)
      const error = await run().catch((e: unknown) => e)
      expect(isProgressDBError(error) && [error.status, error.code], suffix).toEqual([
        503,
        'BAD_RESPONSE',
      ])
      expect(faults.seen(method, suffix), `${method} ${suffix}`).toBe(1)
    }
  })

  it('a create whose response was lost, then refused (429), fails as unknown outcome: NETWORK_ERROR', async () => {
    let posts = 0
    proxy = await startFaultyProxy(server.url, (req) => {
      if (!isWrite(req.method, req.url, '/messages')) return 'forward'
      return posts++ === 0 ? 'drop' : rateLimited
    })
    const error = await through(proxy.url, 'unsure')
      .messages('r-unsure')
      .create({ id: 'maybe', body: { text: 'stored?' } })
      .catch((e: unknown) => e)
    // The first attempt was applied: a later refusal must not read as "not stored".
    expect(isProgressDBError(error) && [error.status, error.code]).toEqual([0, 'NETWORK_ERROR'])
    expect(posts).toBe(3)
    const stored = await createClient(server.frontend('unsure')).messages('r-unsure').list()
    expect(stored.messages.map((m) => m.id)).toEqual(['maybe'])
  })

  it('a reaction whose response was lost is retried and counted once', async () => {
    const direct = createClient(server.frontend('fan'))
    await direct.messages('r-drop').create({ id: 'm', body: { text: 'hi' } })
    const faults = await faultOnce()
    faults.next('POST', '/reactions', 'drop')
    const m = await through(proxy!.url, 'fan').messages('r-drop').react('m', '🎉')
    expect(faults.seen('POST', '/reactions')).toBe(2)
    expect(m.reactions).toEqual({ '🎉': ['fan'] })
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
