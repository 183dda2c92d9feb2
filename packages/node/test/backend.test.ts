import { createClient } from '@progressdb/js'
import ProgressDB, { isProgressDBError, type ProgressDBBackend } from '@progressdb/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFaultyProxy } from '../../js/test/faulty-proxy.js'
import { KEYS, startFixtureServer, type FixtureServer } from '../../js/test/fixture.js'
import { codeOf } from '../../js/test/error-code.js'

describe('@progressdb/node against a real server', () => {
  let server: FixtureServer
  let db: ProgressDBBackend
  beforeAll(async () => {
    server = await startFixtureServer()
    db = ProgressDB({ baseUrl: server.url, apiKey: KEYS.backend, adminKey: KEYS.admin })
  })
  afterAll(async () => server.close())

  it('threads: create, list, get, update, delete, restore, hard delete (user id last)', async () => {
    const t = await db.createThread({ id: 'n-1', title: 'Node' }, 'ann')
    expect(t).toMatchObject({ id: 'n-1', author: 'ann', title: 'Node' })
    await db.createThread({ id: 'n-2' }, 'ann')
    expect((await db.listThreads('ann')).threads.map((x) => x.id)).toEqual(['n-2', 'n-1'])
    expect(
      (await db.listThreads({ limit: 1, sortBy: 'created_ts' }, 'ann')).threads.map((x) => x.id),
    ).toEqual(['n-2'])
    expect((await db.listThreads('someone-else')).threads).toEqual([])
    expect(await db.getThread('n-1', 'ann')).toMatchObject({ id: 'n-1', unread_count: 0 })
    expect(await db.updateThread('n-1', { title: 'Renamed' }, 'ann')).toMatchObject({
      title: 'Renamed',
    })
    expect(await db.deleteThread('n-1', 'ann')).toMatchObject({ deleted: true })
    expect(await codeOf(db.getThread('n-1', 'ann'))).toBe('THREAD_NOT_FOUND')
    expect(await db.getThread('n-1', 'ann', { includeDeleted: true })).toMatchObject({
      deleted: true,
    })
    expect(await db.restoreThread('n-1', 'ann')).toMatchObject({ deleted: false })
    expect(await db.deleteThread('n-2', 'ann', { hard: true })).toBeUndefined()
    expect(await codeOf(db.getThread('n-2', 'ann', { includeDeleted: true }))).toBe(
      'THREAD_NOT_FOUND',
    )
  })

  it('messages: create (thread on the way), list, get, update, versions, reactions, delete, restore', async () => {
    const m = await db.createThreadMessage(
      'n-chat',
      { body: { text: 'hello' }, role: 'user' },
      'ben',
    )
    expect(m).toMatchObject({
      thread: 'n-chat',
      author: 'ben',
      body: { text: 'hello' },
      version: 1,
    })
    expect((await db.getThread('n-chat', 'ben')).author).toBe('ben')
    await db.createThreadMessage('n-chat', { id: 'second', body: { text: 'again' } }, 'ben')
    expect((await db.listThreadMessages('n-chat', 'ben')).messages.map((x) => x.id)).toEqual([
      m.id,
      'second',
    ])
    expect(
      (await db.listThreadMessages('n-chat', { limit: 1 }, 'ben')).messages.map((x) => x.id),
    ).toEqual(['second'])
    expect((await db.getThreadMessage('n-chat', 'second', 'ben')).body.text).toBe('again')

    const edited = await db.updateThreadMessage(
      'n-chat',
      'second',
      { body: { text: 'edited' }, if_version: 1 },
      'ben',
    )
    expect(edited).toMatchObject({ version: 2, body: { text: 'edited' } })
    expect((await db.listMessageVersions('n-chat', 'second', 'ben')).map((v) => v.body)).toEqual([
      { text: 'again' },
      { text: 'edited' },
    ])
    expect((await db.addReaction('n-chat', 'second', '🔥', 'ben')).reactions).toEqual({
      '🔥': ['ben'],
    })
    expect((await db.removeReaction('n-chat', 'second', '🔥', 'ben')).reactions).toEqual({})

    expect(await db.deleteThreadMessage('n-chat', 'second', 'ben')).toMatchObject({ deleted: true })
    expect((await db.listThreadMessages('n-chat', 'ben')).messages.map((x) => x.id)).toEqual([m.id])
    expect(await db.restoreThreadMessage('n-chat', 'second', 'ben')).toMatchObject({
      deleted: false,
    })
    expect(await db.deleteThreadMessage('n-chat', 'second', 'ben', { hard: true })).toBeUndefined()
    expect(
      await codeOf(db.getThreadMessage('n-chat', 'second', 'ben', { includeDeleted: true })),
    ).toBe('MESSAGE_NOT_FOUND')
  })

  it('participants, read markers and events', async () => {
    await db.createThread({ id: 'n-team' }, 'cat')
    expect(
      await db.addParticipant('n-team', { user_id: 'dan', role: 'member' }, 'cat'),
    ).toContainEqual({
      user_id: 'dan',
      role: 'member',
    })
    expect(await db.listParticipants('n-team', 'dan')).toHaveLength(2)
    const first = await db.createThreadMessage('n-team', { body: { text: '1' } }, 'cat')
    await db.createThreadMessage('n-team', { body: { text: '2' } }, 'cat')
    expect((await db.getThread('n-team', 'dan')).unread_count).toBe(2)
    expect((await db.markRead('n-team', first.id, 'dan')).unread_count).toBe(1)
    expect(await db.removeParticipant('n-team', 'dan', 'cat')).toEqual([
      { user_id: 'cat', role: 'owner' },
    ])

    const all = await db.listEvents('n-team', 'cat')
    expect(all.events.map((e) => e.type)).toEqual([
      'thread.created',
      'participant.added',
      'message.created',
      'message.created',
      'read.updated',
      'participant.removed',
    ])
    const tail = await db.listEvents('n-team', { since: 4, limit: 1 }, 'cat')
    expect([tail.events.map((e) => e.change), tail.has_more, tail.next_since]).toEqual([
      [5],
      true,
      5,
    ])
  })

  it('signUser: plain and expiring signatures work for a frontend client', async () => {
    const plain = await db.signUser('eve')
    expect(plain).toEqual({ userId: 'eve', signature: server.sign('eve') })
    const expiring = await db.signUser('eve', { expiresInS: 60 })
    expect(expiring.signature).toMatch(/^e\.\d+\.[0-9a-f]{64}$/)
    const eve = createClient({
      baseUrl: server.url,
      frontendKey: KEYS.frontend,
      userId: 'eve',
      userSignature: expiring.signature,
    })
    expect((await eve.messages('eve-t').create({ body: 'signed' })).author).toBe('eve')
    expect(await codeOf(db.signUser('eve', { expiresInS: 0 }))).toBe('VALIDATION_FAILED')
  })

  it('forUser returns a scoped @progressdb/js client with iterators', async () => {
    for (let i = 0; i < 7; i++)
      await db.createThreadMessage('n-walk', { id: `w${i}`, body: i }, 'fay')
    const fay = db.forUser('fay')
    expect(fay.userId).toBe('fay')
    const ids: string[] = []
    for await (const m of fay.messages('n-walk').older({ pageSize: 3 })) ids.push(m.id)
    expect(ids).toEqual(['w6', 'w5', 'w4', 'w3', 'w2', 'w1', 'w0'])
  })

  it('admin: health and stats with the admin key; a missing or wrong admin key fails', async () => {
    expect(await db.health()).toMatchObject({ status: 'ok', ready: true })
    expect(typeof (await db.health()).version).toBe('string')
    expect((await db.stats()).store).toBeTypeOf('object')

    const noAdmin = ProgressDB({ baseUrl: server.url, apiKey: KEYS.backend })
    const previous = process.env.PROGRESSDB_ADMIN_KEY
    delete process.env.PROGRESSDB_ADMIN_KEY
    try {
      await expect(noAdmin.health()).rejects.toThrow(/adminKey is required/)
    } finally {
      if (previous !== undefined) process.env.PROGRESSDB_ADMIN_KEY = previous
    }
    const backendAsAdmin = ProgressDB({
      baseUrl: server.url,
      apiKey: KEYS.backend,
      adminKey: KEYS.backend,
    })
    expect(await codeOf(backendAsAdmin.health())).toBe('KEY_NOT_ALLOWED')
  })

  it('an admin-only client: admin calls work, user-scoped calls say a backend key is needed', async () => {
    const previous = process.env.PROGRESSDB_KEY
    delete process.env.PROGRESSDB_KEY
    try {
      const admin = ProgressDB({ baseUrl: server.url, adminKey: KEYS.admin })
      expect(await admin.health()).toMatchObject({ status: 'ok' })
      for (const call of [
        () => admin.getThread('t', 'u'),
        () => admin.listThreads('u'),
        () => admin.createThreadMessage('t', { body: 'x' }, 'u'),
        () => admin.streamMessage('t', {}, 'u'),
        () => admin.signUser('u'),
      ]) {
        const e = await call().catch((error: unknown) => error)
        expect(isProgressDBError(e) && [e.status, e.code]).toEqual([0, 'CREDENTIALS_UNAVAILABLE'])
        expect((e as Error).message).toMatch(/needs a backend key/)
      }
      expect(() => admin.forUser('u')).toThrow(/needs a backend key/)
    } finally {
      if (previous !== undefined) process.env.PROGRESSDB_KEY = previous
    }
  })

  it('signUser is retried after a 503 (signing stores nothing)', async () => {
    let failed = false
    const proxy = await startFaultyProxy(server.url, (req) => {
      if (failed || req.url !== '/backend/v1/sign') return 'forward'
      failed = true
      return { status: 503 }
    })
    try {
      const viaProxy = ProgressDB({
        baseUrl: proxy.url,
        apiKey: KEYS.backend,
        retry: { minDelayMs: 5 },
      })
      expect(await viaProxy.signUser('ivy')).toMatchObject({ userId: 'ivy' })
      expect(proxy.seen).toEqual(['POST /backend/v1/sign', 'POST /backend/v1/sign'])
    } finally {
      await proxy.close()
    }
  })

  it('typed errors: bad key 401, access 403 (frontend), unknown 404, conflicts 409', async () => {
    const wrong = ProgressDB({ baseUrl: server.url, apiKey: 'not-a-key' })
    const e = await wrong.listThreads('x').catch((error: unknown) => error)
    expect(isProgressDBError(e) && [e.status, e.code]).toEqual([401, 'INVALID_API_KEY'])
    const frontendAsBackend = ProgressDB({ baseUrl: server.url, apiKey: KEYS.frontend })
    expect(await codeOf(frontendAsBackend.signUser('x'))).toBe('KEY_NOT_ALLOWED')
    expect(await codeOf(db.getThread('nope', 'x'))).toBe('THREAD_NOT_FOUND')
    await db.createThreadMessage('n-409', { id: 'v', body: 1 }, 'gus')
    await db.updateThreadMessage('n-409', 'v', { body: 2 }, 'gus')
    expect(
      await codeOf(db.updateThreadMessage('n-409', 'v', { body: 3, if_version: 1 }, 'gus')),
    ).toBe('VERSION_CONFLICT')
  })

  it('createThreadMessage after a lost response is retried and stored exactly once', async () => {
    let drops = 0
    const proxy = await startFaultyProxy(server.url, (req) =>
      req.method === 'POST' && drops++ === 0 ? 'drop' : 'forward',
    )
    try {
      const viaProxy = ProgressDB({
        baseUrl: proxy.url,
        apiKey: KEYS.backend,
        retry: { minDelayMs: 5 },
      })
      const m = await viaProxy.createThreadMessage('n-lossy', { body: { text: 'once' } }, 'hal')
      expect(proxy.seen.filter((r) => r.startsWith('POST'))).toHaveLength(2)
      expect((await db.listThreadMessages('n-lossy', 'hal')).messages.map((x) => x.id)).toEqual([
        m.id,
      ])
    } finally {
      await proxy.close()
    }
  })

  it('reads the backend key from PROGRESSDB_KEY and refuses to start without one', () => {
    const previous = process.env.PROGRESSDB_KEY
    try {
      delete process.env.PROGRESSDB_KEY
      expect(() => ProgressDB({ baseUrl: server.url })).toThrow(/PROGRESSDB_KEY/)
      process.env.PROGRESSDB_KEY = KEYS.backend
      expect(ProgressDB({ baseUrl: server.url }).forUser('h').userId).toBe('h')
    } finally {
      if (previous === undefined) delete process.env.PROGRESSDB_KEY
      else process.env.PROGRESSDB_KEY = previous
    }
  })
})
