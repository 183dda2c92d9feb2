import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectError, expectValidationAt } from './error-assertions.js'
import { startTestServer, type TestServer } from './harness.js'

const T = '/frontend/v1/threads'
const ids = (list: { id: string }[]) => list.map((x) => x.id)

describe('messages over HTTP', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(async () => t.close())

  it('creates the thread on the first message, owned by the author', async () => {
    const res = await t.user('auto').post(`${T}/auto-1/messages`, { body: { text: 'hi' } })
    expect(res.status).toBe(201)
    expect(res.body.message).toMatchObject({
      thread: 'auto-1',
      author: 'auto',
      role: 'user',
      version: 1,
      seq: 1,
      reply_to: null,
      metadata: {},
      reactions: {},
      status: 'final',
      deleted: false,
    })
    expect(res.body.message.key).toBe(res.body.message.id)
    const thread = (await t.user('auto').get(`${T}/auto-1`)).body.thread
    expect(thread).toMatchObject({
      id: 'auto-1',
      author: 'auto',
      participants: { auto: 'owner' },
      message_count: 1,
    })
    expect(
      (await t.user('auto').get(`${T}/auto-1/messages/${res.body.message.id}`)).body.message,
    ).toEqual(res.body.message)
  })

  it('stores custom roles and replies in the same thread; an unknown reply_to is INVALID_REPLY_TO', async () => {
    const u = t.user('roles')
    const a = await u.post(`${T}/roles-1/messages`, {
      id: 'q',
      body: 'question',
      role: 'assistant',
    })
    expect(a.body.message.role).toBe('assistant')
    const c = await u.post(`${T}/roles-1/messages`, {
      id: 'r',
      body: 'answer',
      role: 'reviewer-bot',
      reply_to: 'q',
    })
    expect(c.status).toBe(201)
    expect((await u.get(`${T}/roles-1/messages/r`)).body.message).toMatchObject({
      role: 'reviewer-bot',
      reply_to: 'q',
    })
    expectError(
      await u.post(`${T}/roles-1/messages`, { body: 'x', reply_to: 'nope' }),
      400,
      'INVALID_REPLY_TO',
    )
    await u.post(`${T}/roles-2/messages`, { id: 'elsewhere', body: 'other thread' })
    expectError(
      await u.post(`${T}/roles-1/messages`, { body: 'x', reply_to: 'elsewhere' }),
      400,
      'INVALID_REPLY_TO',
    )
    expect(ids((await u.get(`${T}/roles-1/messages`)).body.messages)).toEqual(['q', 'r'])
  })

  it('accepts any JSON value as body and returns it unchanged', async () => {
    const u = t.user('bodies')
    const bodies: unknown[] = [
      'plain string',
      42.5,
      0,
      false,
      null,
      [1, 'two', { three: 3 }, [null]],
      { deep: { deeper: { list: [{ a: 1 }], empty: {} } } },
      { text: 'héllo wörld ✓ 日本語 👩‍👩‍👧 🎉', rtl: 'مرحبا' },
    ]
    for (const [i, body] of bodies.entries()) {
      const created = await u.post(`${T}/bodies-1/messages`, { id: `b${i}`, body })
      expect(created.status, JSON.stringify(body)).toBe(201)
      expect(created.body.message.body).toEqual(body)
      expect((await u.get(`${T}/bodies-1/messages/b${i}`)).body.message.body).toEqual(body)
    }
    const listed = await u.get(`${T}/bodies-1/messages`)
    expect(listed.body.messages.map((m: any) => m.body)).toEqual(bodies)
  })

  it('a repeated client id returns the first stored message (200) and adds no duplicate', async () => {
    const u = t.user('idem')
    const first = await u.post(`${T}/idem-1/messages`, { id: 'once', body: { n: 1 } })
    expect(first.status).toBe(201)
    const retry = await u.post(`${T}/idem-1/messages`, {
      id: 'once',
      body: { n: 2 },
      role: 'assistant',
    })
    expect(retry.status).toBe(200)
    expect(retry.body.message).toEqual(first.body.message)
    expect(retry.body.message.body).toEqual({ n: 1 })
    const listed = await u.get(`${T}/idem-1/messages`)
    expect(ids(listed.body.messages)).toEqual(['once'])
    expect((await u.get(`${T}/idem-1`)).body.thread.message_count).toBe(1)
  })

  it('treats an Idempotency-Key header the same way, and rejects an invalid one', async () => {
    const u = t.user('idem')
    const h = { 'idempotency-key': 'req-7f3a' }
    const first = await u.post(`${T}/idem-2/messages`, { body: 'one' }, h)
    expect(first.status).toBe(201)
    expect(first.body.message.id).toBe('req-7f3a')
    const retry = await u.post(`${T}/idem-2/messages`, { body: 'two' }, h)
    expect(retry.status).toBe(200)
    expect(retry.body.message).toEqual(first.body.message)
    expect(ids((await u.get(`${T}/idem-2/messages`)).body.messages)).toEqual(['req-7f3a'])
    for (const bad of ['has space', 'x'.repeat(129), 'semi;colon']) {
      expectError(
        await u.post(`${T}/idem-2/messages`, { body: 'bad' }, { 'idempotency-key': bad }),
        400,
        'INVALID_ID',
      )
    }
    expect(ids((await u.get(`${T}/idem-2/messages`)).body.messages)).toEqual(['req-7f3a'])
  })

  it('keeps every version of an edit, oldest first, with editor and updated_ts', async () => {
    const alice = t.user('ver-alice')
    const m = `${T}/ver-1/messages/v`
    await alice.post(`${T}/ver-1/messages`, { id: 'v', body: { text: 'one' }, metadata: { k: 1 } })
    const e2 = await alice.put(m, { body: { text: 'two' } })
    expect(e2.status).toBe(200)
    expect(e2.body.message).toMatchObject({ version: 2, body: { text: 'two' }, metadata: { k: 1 } })
    const e3 = await t.backend('ver-carol').patch(m, { metadata: { k: 3 } })
    expect(e3.body.message).toMatchObject({
      version: 3,
      body: { text: 'two' },
      metadata: { k: 3 },
      author: 'ver-alice',
    })
    const versions = await alice.get(`${m}/versions`)
    expect(versions.status).toBe(200)
    expect(
      versions.body.versions.map((v: any) => [v.version, v.body, v.metadata, v.editor]),
    ).toEqual([
      [1, { text: 'one' }, { k: 1 }, 'ver-alice'],
      [2, { text: 'two' }, { k: 1 }, 'ver-alice'],
      [3, { text: 'two' }, { k: 3 }, 'ver-carol'],
    ])
    const ts = versions.body.versions.map((v: any) => v.updated_ts as number)
    expect(ts.every((x: number) => Number.isInteger(x))).toBe(true)
    expect([...ts].sort((a, b) => a - b)).toEqual(ts)
  })

  it('rejects a stale if_version with VERSION_CONFLICT and changes nothing', async () => {
    const u = t.user('occ')
    const m = `${T}/occ-1/messages/x`
    await u.post(`${T}/occ-1/messages`, { id: 'x', body: 'v1' })
    expect((await u.put(m, { body: 'v2', if_version: 1 })).status).toBe(200)
    expectError(await u.put(m, { body: 'lost update', if_version: 1 }), 409, 'VERSION_CONFLICT')
    expectError(await u.patch(m, { body: 'future', if_version: 9 }), 409, 'VERSION_CONFLICT')
    expect((await u.get(m)).body.message).toMatchObject({ version: 2, body: 'v2' })
    expect((await u.get(`${m}/versions`)).body.versions.map((v: any) => v.body)).toEqual([
      'v1',
      'v2',
    ])
    expect((await u.put(m, { body: 'v3', if_version: 2 })).body.message).toMatchObject({
      version: 3,
      body: 'v3',
    })
  })

  it('rejects an edit with neither body nor metadata', async () => {
    const u = t.user('empty-edit')
    await u.post(`${T}/ee-1/messages`, { id: 'x', body: 'v1' })
    expectError(await u.put(`${T}/ee-1/messages/x`, {}), 400, 'VALIDATION_FAILED')
    expectError(await u.patch(`${T}/ee-1/messages/x`, { if_version: 1 }), 400, 'VALIDATION_FAILED')
    expect((await u.get(`${T}/ee-1/messages/x`)).body.message).toMatchObject({
      version: 1,
      body: 'v1',
    })
  })

  it('soft delete: hidden (404) unless include_deleted, no edits (MESSAGE_DELETED), restore once', async () => {
    const u = t.user('sd')
    const m = `${T}/sd-1/messages/x`
    await u.post(`${T}/sd-1/messages`, { id: 'x', body: 'v1' })
    expectError(await u.post(`${m}/restore`), 409, 'MESSAGE_NOT_DELETED')
    const del = await u.del(m)
    expect(del.status).toBe(200)
    expect(del.body.message).toMatchObject({ id: 'x', deleted: true })
    expect(typeof del.body.message.deleted_ts).toBe('number')
    expectError(await u.get(m), 404, 'MESSAGE_NOT_FOUND')
    expect((await u.get(`${m}?include_deleted=true`)).body.message).toMatchObject({
      id: 'x',
      deleted: true,
      body: 'v1',
    })
    expectError(await u.put(m, { body: 'v2' }), 409, 'MESSAGE_DELETED')
    expectError(await u.post(`${m}/reactions`, { emoji: '👍' }), 409, 'MESSAGE_DELETED')
    expect((await u.get(`${m}?include_deleted=true`)).body.message).toMatchObject({
      version: 1,
      body: 'v1',
      reactions: {},
    })
    const restored = await u.post(`${m}/restore`)
    expect(restored.status).toBe(200)
    expect(restored.body.message).toMatchObject({
      id: 'x',
      deleted: false,
      deleted_ts: null,
      version: 1,
    })
    expect((await u.get(m)).body.message.body).toBe('v1')
    expectError(await u.post(`${m}/restore`), 409, 'MESSAGE_NOT_DELETED')
  })

  it('a soft-deleted message’s history is hidden like the message; deleting and restoring leave each version’s time', async () => {
    const u = t.user('sdv')
    const m = `${T}/sdv-1/messages/x`
    await u.post(`${T}/sdv-1/messages`, { id: 'x', body: 'v1' })
    const edited = (await u.put(m, { body: 'v2' })).body.message
    const before = (await u.get(`${m}/versions`)).body.versions
    expect(before.at(-1).updated_ts).toBe(edited.updated_ts)
    await new Promise((resolve) => setTimeout(resolve, 5))
    const deleted = (await u.del(m)).body.message
    expect(deleted.deleted_ts).toBeGreaterThan(edited.updated_ts)
    expect(deleted.updated_ts).toBe(edited.updated_ts)
    expectError(await u.get(`${m}/versions`), 404, 'MESSAGE_NOT_FOUND')
    expect((await u.get(`${m}/versions?include_deleted=true`)).body.versions).toEqual(before)
    await new Promise((resolve) => setTimeout(resolve, 5))
    await u.post(`${m}/restore`)
    expect((await u.get(`${m}/versions`)).body.versions).toEqual(before)
  })

  it('hard delete (204) removes the message and its versions', async () => {
    const u = t.user('hd')
    const m = `${T}/hd-1/messages/x`
    await u.post(`${T}/hd-1/messages`, { id: 'x', body: 'v1' })
    await u.post(`${T}/hd-1/messages`, { id: 'y', body: 'stays' })
    await u.put(m, { body: 'v2' })
    const del = await u.del(`${m}?hard=true`)
    expect(del.status).toBe(204)
    expect(del.text).toBe('')
    expectError(await u.get(m), 404, 'MESSAGE_NOT_FOUND')
    expectError(await u.get(`${m}?include_deleted=true`), 404, 'MESSAGE_NOT_FOUND')
    expectError(await u.get(`${m}/versions`), 404, 'MESSAGE_NOT_FOUND')
    expectError(await u.put(m, { body: 'v3' }), 404, 'MESSAGE_NOT_FOUND')
    expectError(await u.post(`${m}/restore`), 404, 'MESSAGE_NOT_FOUND')
    expect(ids((await u.get(`${T}/hd-1/messages?include_deleted=true`)).body.messages)).toEqual([
      'y',
    ])
    // A replay of the create (a retry arriving late) does not bring it back, nor move it.
    expectError(await u.post(`${T}/hd-1/messages`, { id: 'x', body: 'v1' }), 409, 'MESSAGE_ID_PURGED')
    expectError(
      await u.post(`${T}/hd-1/messages`, { body: 'v1' }, { 'idempotency-key': 'x' }),
      409,
      'MESSAGE_ID_PURGED',
    )
    expect(ids((await u.get(`${T}/hd-1/messages?after=x`)).body.messages)).toEqual(['y'])
  })

  it('refuses a create whose body id and Idempotency-Key differ', async () => {
    const u = t.user('idk')
    expectValidationAt(
      await u.post(`${T}/idk-1/messages`, { id: 'a', body: 1 }, { 'idempotency-key': 'b' }),
      'header.idempotency-key',
    )
    expect((await u.post(`${T}/idk-1/messages`, { id: 'a', body: 1 }, { 'idempotency-key': 'a' })).status).toBe(201)
  })

  it('adds and removes reactions per user; adding twice keeps one entry; no new version', async () => {
    const owner = t.user('re-a')
    await owner.post(T, { id: 're-1', participants: { 're-b': 'member' } })
    await owner.post(`${T}/re-1/messages`, { id: 'x', body: 'hi' })
    const r = `${T}/re-1/messages/x/reactions`
    expect((await owner.post(r, { emoji: '👍' })).body.message.reactions).toEqual({
      '👍': ['re-a'],
    })
    expect((await owner.post(r, { emoji: '👍' })).body.message.reactions).toEqual({
      '👍': ['re-a'],
    })
    expect((await t.user('re-b').post(r, { emoji: '👍' })).body.message.reactions).toEqual({
      '👍': ['re-a', 're-b'],
    })
    await t.user('re-b').post(r, { emoji: '🎉' })
    expect((await owner.del(r, { emoji: '👍' })).status).toBe(200)
    expect((await owner.del(r, { emoji: '👍' })).status).toBe(200)
    const read = (await owner.get(`${T}/re-1/messages/x`)).body.message
    expect(read.reactions).toEqual({ '👍': ['re-b'], '🎉': ['re-b'] })
    expect(read.version).toBe(1)
    expect((await owner.get(`${T}/re-1/messages/x/versions`)).body.versions).toHaveLength(1)
  })

  it('treats emoji named like Object.prototype members as ordinary reactions', async () => {
    const u = t.user('re-proto')
    await u.post(`${T}/re-proto/messages`, { id: 'x', body: 'hi' })
    const r = `${T}/re-proto/messages/x/reactions`
    const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty']
    for (const emoji of names) {
      const added = await u.post(r, { emoji })
      expect([added.status, added.body?.code], `${emoji}: ${added.text}`).toEqual([200, undefined])
    }
    const read = (await u.get(`${T}/re-proto/messages/x`)).body.message
    expect(Object.entries(read.reactions).sort()).toEqual(
      names.map((n) => [n, ['re-proto']]).sort(),
    )
    for (const emoji of names) expect((await u.del(r, { emoji })).status).toBe(200)
    expect(Object.keys((await u.get(`${T}/re-proto/messages/x`)).body.message.reactions)).toEqual(
      [],
    )
  })

  it('creates one message when the same client id arrives many times at once', async () => {
    const u = t.user('race')
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => u.post(`${T}/race-1/messages`, { id: 'same', body: i })),
    )
    const statuses = results.map((r) => r.status).sort((a, b) => a - b)
    expect(statuses).toEqual([...Array<number>(19).fill(200), 201])
    const stored = results.find((r) => r.status === 201)!.body.message
    for (const r of results) expect(r.body.message).toEqual(stored)
    expect(ids((await u.get(`${T}/race-1/messages`)).body.messages)).toEqual(['same'])
    expect((await u.get(`${T}/race-1`)).body.thread.message_count).toBe(1)
  })

  describe('events', () => {
    it('lists create/edit/react/delete in order, gap-free, and only later changes after since', async () => {
      const u = t.user('ev')
      await u.post(`${T}/ev-1/messages`, { id: 'x', body: 'v1' })
      await u.put(`${T}/ev-1/messages/x`, { body: 'v2' })
      await u.post(`${T}/ev-1/messages/x/reactions`, { emoji: '👍' })
      await u.del(`${T}/ev-1/messages/x`)
      const all = await u.get(`${T}/ev-1/events`)
      expect(all.status).toBe(200)
      const events = all.body.events
      expect(events.map((e: any) => [e.change, e.type])).toEqual([
        [1, 'thread.created'],
        [2, 'message.created'],
        [3, 'message.updated'],
        [4, 'reaction.added'],
        [5, 'message.deleted'],
      ])
      expect(
        events.every(
          (e: any) => e.thread_id === 'ev-1' && e.actor === 'ev' && typeof e.ts === 'number',
        ),
      ).toBe(true)
      expect(events[2]).toMatchObject({ message_id: 'x', version: 2 })
      expect(events[3]).toMatchObject({ message_id: 'x', emoji: '👍', user: 'ev' })
      expect(events[4]).toMatchObject({ message_id: 'x', hard: false })
      expect(all.body).toMatchObject({ next_since: 5, has_more: false })

      const later = await u.get(`${T}/ev-1/events?since=3`)
      expect(later.body.events.map((e: any) => e.change)).toEqual([4, 5])
      expect(later.body).toMatchObject({ next_since: 5, has_more: false })
      const none = await u.get(`${T}/ev-1/events?since=5`)
      expect(none.body).toEqual({ events: [], next_since: 5, has_more: false })
    })

    it('pages with limit, next_since and has_more without gaps', async () => {
      const u = t.user('ev2')
      for (let i = 0; i < 9; i++) await u.post(`${T}/ev-2/messages`, { id: `m${i}`, body: i })
      const seen: number[] = []
      let since = 0
      for (let guard = 0; guard < 20; guard++) {
        const page = await u.get(`${T}/ev-2/events?since=${since}&limit=4`)
        expect(page.status).toBe(200)
        const changes = page.body.events.map((e: any) => e.change as number)
        seen.push(...changes)
        expect(page.body.next_since).toBe(changes.at(-1) ?? since)
        since = page.body.next_since
        if (!page.body.has_more) break
        expect(changes).toHaveLength(4)
      }
      expect(seen).toEqual(Array.from({ length: 10 }, (_, i) => i + 1))
    })
  })
})
