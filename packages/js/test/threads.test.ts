import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type ProgressDBClient } from '../src/index.js'
import { KEYS, startFixtureServer, type FixtureServer } from './fixture.js'
import { codeOf } from './error-code.js'

describe('@progressdb/js threads, participants, read markers and events', () => {
  let server: FixtureServer
  let alice: ProgressDBClient
  let bob: ProgressDBClient
  beforeAll(async () => {
    server = await startFixtureServer()
    alice = createClient(server.frontend('alice'))
    bob = createClient(server.frontend('bob'))
  })
  afterAll(async () => server.close())

  it('creates, reads, updates, soft-deletes, restores and hard-deletes a thread', async () => {
    const created = await alice.threads.create({
      id: 'th-1',
      title: 'First',
      metadata: { topic: 'a' },
    })
    expect(created).toMatchObject({
      id: 'th-1',
      title: 'First',
      author: 'alice',
      metadata: { topic: 'a' },
      deleted: false,
    })
    expect(await alice.threads.get('th-1')).toMatchObject({ id: 'th-1', unread_count: 0 })

    const updated = await alice.threads.update('th-1', {
      title: 'Renamed',
      metadata: { topic: 'b' },
    })
    expect(updated).toMatchObject({ title: 'Renamed', metadata: { topic: 'b' } })
    expect((await alice.threads.get('th-1')).title).toBe('Renamed')

    const deleted = await alice.threads.delete('th-1')
    expect(deleted).toMatchObject({ id: 'th-1', deleted: true })
    expect(await codeOf(alice.threads.get('th-1'))).toBe('THREAD_NOT_FOUND')
    expect(await alice.threads.get('th-1', { includeDeleted: true })).toMatchObject({
      deleted: true,
    })
    expect(await alice.threads.restore('th-1')).toMatchObject({ deleted: false })
    expect((await alice.threads.get('th-1')).title).toBe('Renamed')

    expect(await alice.threads.delete('th-1', { hard: true })).toBeUndefined()
    expect(await codeOf(alice.threads.get('th-1', { includeDeleted: true }))).toBe(
      'THREAD_NOT_FOUND',
    )
  })

  it('generates a thread id when none is given, and a repeated create returns the same thread', async () => {
    const a = await alice.threads.create({ title: 'generated' })
    expect(a.id).toMatch(/^t-/)
    const again = await alice.threads.create({ id: a.id, title: 'ignored' })
    expect(again).toEqual(a)
  })

  it('lists threads newest first and walks them in both directions without gaps or duplicates', async () => {
    const carol = createClient(server.frontend('carol'))
    const ids: string[] = []
    for (let i = 0; i < 23; i++)
      ids.push(
        (await carol.threads.create({ id: `carol-${String(i).padStart(2, '0')}`, title: `T${i}` }))
          .id,
      )
    const newestFirst = [...ids].reverse()

    const page = await carol.threads.list({ limit: 5, sortBy: 'created_ts' })
    expect(page.threads.map((t) => t.id)).toEqual(newestFirst.slice(0, 5))
    expect(page.pagination).toMatchObject({ has_before: true, count: 5 })

    const walked: string[] = []
    for await (const t of carol.threads.older({ pageSize: 4, sortBy: 'created_ts' }))
      walked.push(t.id)
    expect(walked).toEqual(newestFirst)

    const oldestPage = await carol.threads.list({
      limit: 3,
      sortBy: 'created_ts',
      before: page.pagination.before_anchor!,
    })
    expect(oldestPage.threads.map((t) => t.id)).toEqual(newestFirst.slice(5, 8))
    const forward: string[] = []
    for await (const t of carol.threads.newer({
      after: oldestPage.pagination.after_anchor!,
      pageSize: 4,
      sortBy: 'created_ts',
    }))
      forward.push(t.id)
    expect(forward).toEqual(newestFirst.slice(0, 5).reverse())

    expect((await carol.threads.list({ title: 't1' })).threads.map((t) => t.id).sort()).toEqual(
      ids.filter((id) => /carol-1\d/.test(id) || id === 'carol-01'),
    )
  })

  it('manages participants: add with a role, list, remove; a member then reads the thread', async () => {
    await alice.threads.create({ id: 'team' })
    expect(await codeOf(bob.threads.get('team'))).toBe('THREAD_ACCESS_DENIED')
    const added = await alice.participants('team').add('bob')
    expect(added).toEqual(
      expect.arrayContaining([
        { user_id: 'alice', role: 'owner' },
        { user_id: 'bob', role: 'member' },
      ]),
    )
    expect((await bob.threads.get('team')).id).toBe('team')
    expect(await alice.participants('team').add('bob', 'viewer')).toContainEqual({
      user_id: 'bob',
      role: 'viewer',
    })
    expect(await codeOf(bob.messages('team').create({ body: 'hi' }))).toBe('READ_ONLY_PARTICIPANT')
    expect(await bob.participants('team').list()).toHaveLength(2)
    expect(await alice.participants('team').remove('bob')).toEqual([
      { user_id: 'alice', role: 'owner' },
    ])
    expect(await codeOf(bob.threads.get('team'))).toBe('THREAD_ACCESS_DENIED')
  })

  it('moves read markers and reports unread counts', async () => {
    await alice.threads.create({ id: 'unread', participants: { bob: 'member' } })
    const sent = []
    for (const text of ['one', 'two', 'three'])
      sent.push(await alice.messages('unread').create({ body: { text } }))
    expect((await bob.threads.get('unread')).unread_count).toBe(3)
    expect((await bob.markRead('unread', sent[1]!.id)).unread_count).toBe(1)
    expect((await bob.threads.get('unread')).unread_count).toBe(1)
  })

  it('reads the change log in order, in batches, from any change number', async () => {
    await alice.messages('log').create({ id: 'l1', body: 'a' })
    await alice.messages('log').update('l1', { body: 'b' })
    await alice.messages('log').react('l1', '👍')
    await alice.messages('log').delete('l1')
    const { events, next_since, has_more } = await alice.events('log').list({ since: 0 })
    expect(events.map((e) => e.type)).toEqual([
      'thread.created',
      'message.created',
      'message.updated',
      'reaction.added',
      'message.deleted',
    ])
    expect(events.map((e) => e.change)).toEqual([1, 2, 3, 4, 5])
    expect(next_since).toBe(5)
    expect(has_more).toBe(false)

    const replay = []
    for await (const e of alice.events('log').since(2, { limit: 2 })) replay.push(e.change)
    expect(replay).toEqual([3, 4, 5])
  })

  it('acts as any user with a backend key', async () => {
    const asDave = createClient({ baseUrl: server.url, backendKey: KEYS.backend, userId: 'dave' })
    const m = await asDave.messages('dave-thread').create({ body: { text: 'from the backend' } })
    expect(m.author).toBe('dave')
    expect((await asDave.threads.get('dave-thread')).author).toBe('dave')
  })
})
