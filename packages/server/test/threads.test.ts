import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { nextMillisecond } from './clock-steps.js'
import { expectError } from './error-assertions.js'
import { startTestServer, type ApiClient, type TestServer } from './harness.js'

const THREADS = '/frontend/v1/threads'
const ids = (list: { id: string }[]) => list.map((x) => x.id)

describe('threads over HTTP', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(async () => t.close())

  /** Creates threads one millisecond apart so created_ts/updated_ts order them. */
  async function createThreads(
    client: ApiClient,
    names: string[],
    extra: Record<string, unknown> = {},
  ) {
    for (const id of names) {
      await nextMillisecond()
      const res = await client.post(THREADS, { id, ...extra })
      expect(res.status, res.text).toBe(201)
    }
  }

  it('creates with a client id (201) and without one (a generated, valid id)', async () => {
    const alice = t.user('alice')
    const named = await alice.post(THREADS, {
      id: 'chat-1',
      title: 'First',
      metadata: { topic: 'x' },
    })
    expect(named.status).toBe(201)
    expect(named.body.thread).toMatchObject({
      id: 'chat-1',
      key: 'chat-1',
      title: 'First',
      metadata: { topic: 'x' },
      author: 'alice',
      participants: { alice: 'owner' },
      message_count: 0,
      last_message: null,
      deleted: false,
    })
    const generated = await alice.post(THREADS, {})
    expect(generated.status).toBe(201)
    const id = generated.body.thread.id as string
    expect(id).toMatch(/^[A-Za-z0-9._~:@-]{1,128}$/)
    expect(id).not.toBe('chat-1')
    const read = await alice.get(`${THREADS}/${id}`)
    expect(read.status).toBe(200)
    expect(read.body.thread).toMatchObject({ id, author: 'alice', title: null, metadata: {} })
  })

  it('creates a thread from a request with no body at all (every field is optional)', async () => {
    const created = await t.user('nobody-body').post(THREADS)
    expect(created.status).toBe(201)
    expect(created.body.thread).toMatchObject({ author: 'nobody-body', title: null })
  })

  it('returns the same thread (200) when its owner repeats a create; another user gets THREAD_ID_TAKEN', async () => {
    const alice = t.user('alice')
    const first = await alice.post(THREADS, { id: 'dup-1', title: 'original' })
    expect(first.status).toBe(201)
    const again = await alice.post(THREADS, { id: 'dup-1', title: 'retry' })
    expect(again.status).toBe(200)
    expect(again.body.thread).toEqual(first.body.thread)
    expectError(
      await t.user('mallory').post(THREADS, { id: 'dup-1', title: 'mine now' }),
      409,
      'THREAD_ID_TAKEN',
    )
    const read = await alice.get(`${THREADS}/dup-1`)
    expect(read.body.thread).toMatchObject({
      title: 'original',
      author: 'alice',
      participants: { alice: 'owner' },
    })
  })

  it('reads a thread with the caller’s unread_count', async () => {
    const owner = t.user('uc-owner')
    await owner.post(THREADS, { id: 'unread-1', participants: { 'uc-bob': 'member' } })
    const bob = t.user('uc-bob')
    for (const text of ['a', 'b'])
      expect((await bob.post(`${THREADS}/unread-1/messages`, { body: text })).status).toBe(201)
    await owner.post(`${THREADS}/unread-1/messages`, { body: 'mine' })
    const read = await owner.get(`${THREADS}/unread-1`)
    expect(read.status).toBe(200)
    expect(read.body.thread).toMatchObject({ id: 'unread-1', unread_count: 2, message_count: 3 })
    expect((await bob.get(`${THREADS}/unread-1`)).body.thread.unread_count).toBe(1)
  })

  it('persists PUT and PATCH of title and metadata, across a restart', async () => {
    const alice = t.user('alice')
    await alice.post(THREADS, { id: 'edit-1', title: 'before', metadata: { a: 1 } })
    const put = await alice.put(`${THREADS}/edit-1`, { title: 'after put' })
    expect(put.status).toBe(200)
    expect(put.body.thread).toMatchObject({ title: 'after put', metadata: { a: 1 } })
    expect((await alice.get(`${THREADS}/edit-1`)).body.thread).toMatchObject({
      title: 'after put',
      metadata: { a: 1 },
    })

    const patch = await alice.patch(`${THREADS}/edit-1`, {
      metadata: { b: [1, 2], nested: { ok: true } },
    })
    expect(patch.status).toBe(200)
    const expected = { title: 'after put', metadata: { b: [1, 2], nested: { ok: true } } }
    expect((await alice.get(`${THREADS}/edit-1`)).body.thread).toMatchObject(expected)
    const listed = await alice.get(`${THREADS}?title=after%20put`)
    expect(listed.body.threads).toMatchObject([{ id: 'edit-1', ...expected }])
    // An update that names nothing to change is refused, and logs nothing.
    const lastChange = (await alice.get(`${THREADS}/edit-1`)).body.thread.last_change
    expectError(await alice.put(`${THREADS}/edit-1`, {}), 400, 'VALIDATION_FAILED')
    expect((await alice.get(`${THREADS}/edit-1`)).body.thread.last_change).toBe(lastChange)

    await t.restart()
    const afterRestart = await t.user('alice').get(`${THREADS}/edit-1`)
    expect(afterRestart.status).toBe(200)
    expect(afterRestart.body.thread).toMatchObject(expected)
    const cleared = await t.user('alice').patch(`${THREADS}/edit-1`, { title: null })
    expect(cleared.body.thread.title).toBeNull()
    expect((await t.user('alice').get(`${THREADS}/edit-1`)).body.thread.title).toBeNull()
  })

  it('lists newest first by created_ts or updated_ts; updated_ts moves when a message is created', async () => {
    const u = t.user('sorter')
    await createThreads(u, ['s1', 's2', 's3', 's4'])
    const byCreated = await u.get(`${THREADS}?sort_by=created_ts`)
    expect(ids(byCreated.body.threads)).toEqual(['s4', 's3', 's2', 's1'])

    const before = (await u.get(`${THREADS}/s2`)).body.thread.updated_ts as number
    await nextMillisecond()
    expect((await u.post(`${THREADS}/s2/messages`, { body: 'bump' })).status).toBe(201)
    const s2 = (await u.get(`${THREADS}/s2`)).body.thread
    expect(s2.updated_ts).toBeGreaterThan(before)
    expect(s2.created_ts).toBeLessThan(s2.updated_ts)

    expect(ids((await u.get(`${THREADS}?sort_by=updated_ts`)).body.threads)).toEqual([
      's2',
      's4',
      's3',
      's1',
    ])
    expect(ids((await u.get(THREADS)).body.threads)).toEqual(['s2', 's4', 's3', 's1'])
    expect(ids((await u.get(`${THREADS}?sort_by=created_ts`)).body.threads)).toEqual([
      's4',
      's3',
      's2',
      's1',
    ])
    const limited = await u.get(`${THREADS}?sort_by=created_ts&limit=2`)
    expect(ids(limited.body.threads)).toEqual(['s4', 's3'])
    expect(limited.body.pagination).toMatchObject({ has_before: true, has_after: false, count: 2 })
  })

  it('walks the whole list with before and after cursors, with no gaps or duplicates', async () => {
    const u = t.user('walker')
    const names = Array.from({ length: 23 }, (_, i) => `w${String(i).padStart(2, '0')}`)
    await createThreads(u, names)
    const newestFirst = [...names].reverse()
    for (const sortBy of ['created_ts', 'updated_ts']) {
      const older: string[] = []
      let page = await u.get(`${THREADS}?sort_by=${sortBy}&limit=5`)
      const pages = [page]
      older.push(...ids(page.body.threads))
      while (page.body.pagination.has_before) {
        page = await u.get(
          `${THREADS}?sort_by=${sortBy}&limit=5&before=${encodeURIComponent(page.body.pagination.before_anchor)}`,
        )
        expect(page.status).toBe(200)
        pages.push(page)
        older.push(...ids(page.body.threads))
      }
      expect(older).toEqual(newestFirst)
      expect(pages.length).toBe(5)

      const newer: string[][] = []
      while (page.body.pagination.has_after) {
        page = await u.get(
          `${THREADS}?sort_by=${sortBy}&limit=5&after=${encodeURIComponent(page.body.pagination.after_anchor)}`,
        )
        expect(page.status).toBe(200)
        newer.unshift(ids(page.body.threads))
      }
      expect([...newer.flat(), ...ids(pages[pages.length - 1]!.body.threads)]).toEqual(newestFirst)
    }
    // A cursor is what a page gave: anything else is refused, not read as some other position.
    for (const bad of [' 12.w00', '0x10.w00', '1e3.w00', '12.', '.w00', '12.bad id', '-5.w00'])
      expectError(await u.get(`${THREADS}?before=${encodeURIComponent(bad)}`), 400, 'INVALID_CURSOR')
  })

  it('filters by title (case-insensitive substring) and hides soft-deleted threads unless include_deleted', async () => {
    const u = t.user('filterer')
    await u.post(THREADS, { id: 'f-alpha', title: 'Project Alpha' })
    await u.post(THREADS, { id: 'f-beta', title: 'Project Beta' })
    await u.post(THREADS, { id: 'f-none' })
    expect(ids((await u.get(`${THREADS}?title=alpha`)).body.threads)).toEqual(['f-alpha'])
    expect(ids((await u.get(`${THREADS}?title=PROJECT&sort_by=created_ts`)).body.threads)).toEqual([
      'f-beta',
      'f-alpha',
    ])

    const deleted = await u.del(`${THREADS}/f-beta`)
    expect(deleted.status).toBe(200)
    expect(deleted.body.thread).toMatchObject({ id: 'f-beta', deleted: true })
    expect(typeof deleted.body.thread.deleted_ts).toBe('number')
    expect(ids((await u.get(`${THREADS}?sort_by=created_ts`)).body.threads)).toEqual([
      'f-none',
      'f-alpha',
    ])
    const all = await u.get(`${THREADS}?sort_by=created_ts&include_deleted=true`)
    expect(all.body.threads.map((x: any) => [x.id, x.deleted])).toEqual([
      ['f-none', false],
      ['f-beta', true],
      ['f-alpha', false],
    ])
  })

  it('soft delete hides a thread (404) until it is restored', async () => {
    const u = t.user('soft')
    await u.post(`${THREADS}/soft-1/messages`, { id: 'm1', body: 'kept' })
    expect((await u.del(`${THREADS}/soft-1`)).status).toBe(200)
    expectError(await u.get(`${THREADS}/soft-1`), 404, 'THREAD_NOT_FOUND')
    expect(ids((await u.get(THREADS)).body.threads)).toEqual([])
    const withDeleted = await u.get(`${THREADS}/soft-1?include_deleted=true`)
    expect(withDeleted.status).toBe(200)
    expect(withDeleted.body.thread).toMatchObject({ id: 'soft-1', deleted: true })

    expectError(await u.post(`${THREADS}/soft-1/messages`, { body: 'late' }), 409, 'THREAD_DELETED')
    expectError(await u.put(`${THREADS}/soft-1`, { title: 'x' }), 409, 'THREAD_DELETED')

    const restored = await u.post(`${THREADS}/soft-1/restore`)
    expect(restored.status).toBe(200)
    expect(restored.body.thread).toMatchObject({
      id: 'soft-1',
      deleted: false,
      deleted_ts: null,
      message_count: 1,
    })
    expect((await u.get(`${THREADS}/soft-1`)).body.thread.deleted).toBe(false)
    expect(ids((await u.get(THREADS)).body.threads)).toEqual(['soft-1'])
    expect(ids((await u.get(`${THREADS}/soft-1/messages`)).body.messages)).toEqual(['m1'])
    expectError(await u.post(`${THREADS}/soft-1/restore`), 409, 'THREAD_NOT_DELETED')
    expect((await u.post(`${THREADS}/soft-1/messages`, { body: 'now ok' })).status).toBe(201)
  })

  it('hard delete (204) purges the thread and its messages; the id can be reused', async () => {
    const u = t.user('hard')
    await u.post(`${THREADS}/hard-1/messages`, { id: 'old-m', body: 'secret' })
    await u.put(`${THREADS}/hard-1/messages/old-m`, { body: 'secret v2' })
    const purged = await u.del(`${THREADS}/hard-1?hard=true`)
    expect(purged.status).toBe(204)
    expect(purged.text).toBe('')
    expectError(await u.get(`${THREADS}/hard-1?include_deleted=true`), 404, 'THREAD_NOT_FOUND')
    expectError(await u.get(`${THREADS}/hard-1/messages`), 404, 'THREAD_NOT_FOUND')
    expectError(
      await u.get(`${THREADS}/hard-1/messages/old-m?include_deleted=true`),
      404,
      'THREAD_NOT_FOUND',
    )
    expect(ids((await u.get(`${THREADS}?include_deleted=true`)).body.threads)).toEqual([])

    const reused = await t.user('someone-else').post(THREADS, { id: 'hard-1', title: 'fresh' })
    expect(reused.status).toBe(201)
    expect(reused.body.thread).toMatchObject({
      id: 'hard-1',
      author: 'someone-else',
      message_count: 0,
      last_message: null,
    })
    const other = t.user('someone-else')
    expect(
      (await other.get(`${THREADS}/hard-1/messages?include_deleted=true`)).body.messages,
    ).toEqual([])
    expectError(
      await other.get(`${THREADS}/hard-1/messages/old-m?include_deleted=true`),
      404,
      'MESSAGE_NOT_FOUND',
    )
    expectError(
      await other.get(`${THREADS}/hard-1/messages/old-m/versions`),
      404,
      'MESSAGE_NOT_FOUND',
    )
    const events = await other.get(`${THREADS}/hard-1/events`)
    expect(events.body.events.map((e: any) => [e.change, e.type])).toEqual([[1, 'thread.created']])
    expectError(await u.get(`${THREADS}/hard-1`), 403, 'THREAD_ACCESS_DENIED')
  })

  it('lets only the owner update or delete: a member gets NOT_THREAD_OWNER and nothing changes', async () => {
    const owner = t.user('own-o')
    await owner.post(THREADS, { id: 'own-1', title: 'owned', participants: { 'own-m': 'member' } })
    const member = t.user('own-m')
    expect((await member.get(`${THREADS}/own-1`)).status).toBe(200)
    expectError(await member.put(`${THREADS}/own-1`, { title: 'hijack' }), 403, 'NOT_THREAD_OWNER')
    expectError(
      await member.patch(`${THREADS}/own-1`, { metadata: { x: 1 } }),
      403,
      'NOT_THREAD_OWNER',
    )
    expectError(await member.del(`${THREADS}/own-1`), 403, 'NOT_THREAD_OWNER')
    expectError(await member.del(`${THREADS}/own-1?hard=true`), 403, 'NOT_THREAD_OWNER')
    const read = await owner.get(`${THREADS}/own-1`)
    expect(read.body.thread).toMatchObject({ title: 'owned', metadata: {}, deleted: false })
    const backend = await t.backend('own-m').patch(`${THREADS}/own-1`, { title: 'by backend' })
    expect(backend.status).toBe(200)
    expect((await owner.get(`${THREADS}/own-1`)).body.thread.title).toBe('by backend')
  })

  it('tracks message_count and last_message through create, soft delete, restore and hard delete', async () => {
    const u = t.user('counter')
    const base = `${THREADS}/count-1`
    const state = async () => {
      const th = (await u.get(base)).body.thread
      return [th.message_count, th.last_message?.id ?? null]
    }
    for (const id of ['m1', 'm2', 'm3', 'm4'])
      expect((await u.post(`${base}/messages`, { id, body: id })).status).toBe(201)
    const th = (await u.get(base)).body.thread
    expect(th.last_message).toMatchObject({ id: 'm4', author: 'counter', role: 'user' })
    expect(typeof th.last_message.created_ts).toBe('number')
    expect(await state()).toEqual([4, 'm4'])
    expect((await u.del(`${base}/messages/m4`)).status).toBe(200)
    expect(await state()).toEqual([3, 'm3'])
    expect((await u.post(`${base}/messages/m4/restore`)).status).toBe(200)
    expect(await state()).toEqual([4, 'm4'])
    expect((await u.del(`${base}/messages/m4?hard=true`)).status).toBe(204)
    expect(await state()).toEqual([3, 'm3'])
    // m2 soft-deleted, then the newest live one goes: last_message falls back past m2 to m1.
    expect((await u.del(`${base}/messages/m2`)).status).toBe(200)
    expect(await state()).toEqual([2, 'm3'])
    expect((await u.del(`${base}/messages/m3?hard=true`)).status).toBe(204)
    expect(await state()).toEqual([1, 'm1'])
    expect((await u.del(`${base}/messages/m2?hard=true`)).status).toBe(204)
    expect(await state()).toEqual([1, 'm1'])
    expect((await u.del(`${base}/messages/m1`)).status).toBe(200)
    expect(await state()).toEqual([0, null])
    expect((await u.post(`${base}/messages/m1/restore`)).status).toBe(200)
    expect(await state()).toEqual([1, 'm1'])
    expect((await u.post(`${base}/messages`, { id: 'm5', body: 'm5' })).status).toBe(201)
    expect(await state()).toEqual([2, 'm5'])
    expect(ids((await u.get(`${base}/messages`)).body.messages)).toEqual(['m1', 'm5'])
  })
})
