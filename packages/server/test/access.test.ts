import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectError } from './error-assertions.js'
import { startTestServer, type TestServer } from './harness.js'

const T = '/frontend/v1/threads'
const ids = (list: { id: string }[]) => list.map((x) => x.id)
const roles = (list: { user_id: string; role: string }[]) =>
  Object.fromEntries(list.map((p) => [p.user_id, p.role]))

describe('participants and access over HTTP', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(async () => t.close())

  /** A thread owned by `<p>-owner` with `<p>-member` (member) and `<p>-viewer` (viewer). */
  async function team(p: string) {
    const owner = t.user(`${p}-owner`)
    const thread = `${T}/${p}`
    expect(
      (await owner.post(`${thread}/messages`, { id: 'by-owner', body: 'from owner' })).status,
    ).toBe(201)
    const m = await owner.post(`${thread}/participants`, { user_id: `${p}-member`, role: 'member' })
    expect(m.status).toBe(200)
    const v = await owner.post(`${thread}/participants`, { user_id: `${p}-viewer`, role: 'viewer' })
    expect(v.status).toBe(200)
    expect(roles(v.body.participants)).toEqual({
      [`${p}-owner`]: 'owner',
      [`${p}-member`]: 'member',
      [`${p}-viewer`]: 'viewer',
    })
    return { owner, member: t.user(`${p}-member`), viewer: t.user(`${p}-viewer`), thread }
  }

  it('lists participants; added users see the thread in their list', async () => {
    const { owner, member, viewer, thread } = await team('pl')
    const listed = await owner.get(`${thread}/participants`)
    expect(listed.status).toBe(200)
    expect(roles(listed.body.participants)).toEqual({
      'pl-owner': 'owner',
      'pl-member': 'member',
      'pl-viewer': 'viewer',
    })
    expect(roles((await viewer.get(`${thread}/participants`)).body.participants)).toEqual(
      roles(listed.body.participants),
    )
    expect(ids((await member.get(T)).body.threads)).toEqual(['pl'])
    expect(ids((await viewer.get(T)).body.threads)).toEqual(['pl'])
    expect((await member.get(`${T}/pl`)).body.thread.participants).toEqual({
      'pl-owner': 'owner',
      'pl-member': 'member',
      'pl-viewer': 'viewer',
    })
    expectError(
      await member.post(`${thread}/participants`, { user_id: 'pl-x', role: 'member' }),
      403,
      'NOT_THREAD_OWNER',
    )
    expectError(
      await viewer.post(`${thread}/participants`, { user_id: 'pl-viewer', role: 'owner' }),
      403,
      'NOT_THREAD_OWNER',
    )
    expect(roles((await owner.get(`${thread}/participants`)).body.participants)['pl-viewer']).toBe(
      'viewer',
    )
  })

  it('viewers read but cannot write (READ_ONLY_PARTICIPANT); members write', async () => {
    const { member, viewer, thread } = await team('vw')
    expect((await viewer.get(`${thread}/messages`)).body.messages.map((m: any) => m.id)).toEqual([
      'by-owner',
    ])
    expect((await viewer.get(`${thread}/messages/by-owner`)).status).toBe(200)
    expectError(
      await viewer.post(`${thread}/messages`, { body: 'let me in' }),
      403,
      'READ_ONLY_PARTICIPANT',
    )
    expectError(
      await viewer.post(`${thread}/messages/by-owner/reactions`, { emoji: '👀' }),
      403,
      'READ_ONLY_PARTICIPANT',
    )
    expectError(
      await viewer.put(`${thread}/messages/by-owner`, { body: 'edit' }),
      403,
      'READ_ONLY_PARTICIPANT',
    )
    expect(
      (await member.post(`${thread}/messages`, { id: 'by-member', body: 'hello' })).status,
    ).toBe(201)
    expect(ids((await viewer.get(`${thread}/messages`)).body.messages)).toEqual([
      'by-owner',
      'by-member',
    ])
    expect((await viewer.get(`${thread}/messages/by-owner`)).body.message).toMatchObject({
      version: 1,
      reactions: {},
    })
  })

  it('only the author, the owner or a backend key change a message (NOT_MESSAGE_AUTHOR)', async () => {
    const { owner, member, thread } = await team('au')
    await owner.post(`${thread}/participants`, { user_id: 'au-other', role: 'member' })
    const other = t.user('au-other')
    await member.post(`${thread}/messages`, { id: 'mm', body: 'member text' })
    expectError(
      await other.put(`${thread}/messages/mm`, { body: 'forged' }),
      403,
      'NOT_MESSAGE_AUTHOR',
    )
    expectError(await other.del(`${thread}/messages/mm`), 403, 'NOT_MESSAGE_AUTHOR')
    expectError(await other.del(`${thread}/messages/mm?hard=true`), 403, 'NOT_MESSAGE_AUTHOR')
    expectError(
      await member.put(`${thread}/messages/by-owner`, { body: 'forged' }),
      403,
      'NOT_MESSAGE_AUTHOR',
    )
    expect((await member.get(`${thread}/messages/mm`)).body.message).toMatchObject({
      version: 1,
      body: 'member text',
    })

    const byOwner = await owner.put(`${thread}/messages/mm`, { body: 'moderated' })
    expect(byOwner.status).toBe(200)
    expect(byOwner.body.message).toMatchObject({ version: 2, author: 'au-member' })
    const byBackend = await t
      .backend('au-nobody')
      .patch(`${thread}/messages/mm`, { body: 'by backend' })
    expect(byBackend.status).toBe(200)
    const versions = (await member.get(`${thread}/messages/mm/versions`)).body.versions
    expect(versions.map((v: any) => [v.body, v.editor])).toEqual([
      ['member text', 'au-member'],
      ['moderated', 'au-owner'],
      ['by backend', 'au-nobody'],
    ])
    expect((await owner.del(`${thread}/messages/mm`)).status).toBe(200)
    expectError(await member.get(`${thread}/messages/mm`), 404, 'MESSAGE_NOT_FOUND')
    expect((await member.post(`${thread}/messages/mm/restore`)).status).toBe(200)
    expect((await member.del(`${thread}/messages/mm`)).status).toBe(200)
  })

  it('denies every read and write to a non-participant (THREAD_ACCESS_DENIED)', async () => {
    const { thread } = await team('na')
    const stranger = t.user('na-stranger')
    for (const path of [
      thread,
      `${thread}/messages`,
      `${thread}/messages/by-owner`,
      `${thread}/messages/by-owner/versions`,
      `${thread}/events`,
      `${thread}/participants`,
    ]) {
      expectError(await stranger.get(path), 403, 'THREAD_ACCESS_DENIED')
    }
    expectError(
      await stranger.post(`${thread}/messages`, { body: 'hi' }),
      403,
      'THREAD_ACCESS_DENIED',
    )
    expectError(
      await stranger.put(`${thread}/messages/by-owner`, { body: 'x' }),
      403,
      'THREAD_ACCESS_DENIED',
    )
    expectError(await stranger.del(`${thread}/messages/by-owner`), 403, 'THREAD_ACCESS_DENIED')
    expectError(
      await stranger.post(`${thread}/messages/by-owner/reactions`, { emoji: '👍' }),
      403,
      'THREAD_ACCESS_DENIED',
    )
    expectError(
      await stranger.post(`${thread}/read`, { message_id: 'by-owner' }),
      403,
      'THREAD_ACCESS_DENIED',
    )
    expectError(await stranger.put(thread, { title: 'x' }), 403, 'THREAD_ACCESS_DENIED')
    expectError(
      await stranger.post(`${thread}/participants`, { user_id: 'na-stranger' }),
      403,
      'THREAD_ACCESS_DENIED',
    )
    expect((await stranger.get(T)).body.threads).toEqual([])
    const read = (await t.user('na-owner').get(`${thread}/messages/by-owner`)).body.message
    expect(read).toMatchObject({ version: 1, body: 'from owner', reactions: {}, deleted: false })
  })

  it('removing a participant (body or ?user_id=) revokes access and drops the thread from their list', async () => {
    const { owner, member, viewer, thread } = await team('rm')
    const byBody = await owner.del(`${thread}/participants`, { user_id: 'rm-member' })
    expect(byBody.status).toBe(200)
    expect(roles(byBody.body.participants)).toEqual({ 'rm-owner': 'owner', 'rm-viewer': 'viewer' })
    expectError(await member.get(thread), 403, 'THREAD_ACCESS_DENIED')
    expectError(await member.get(`${thread}/messages`), 403, 'THREAD_ACCESS_DENIED')
    expectError(
      await member.post(`${thread}/messages`, { body: 'still here?' }),
      403,
      'THREAD_ACCESS_DENIED',
    )
    expect((await member.get(T)).body.threads).toEqual([])

    const byQuery = await owner.del(`${thread}/participants?user_id=rm-viewer`)
    expect(byQuery.status).toBe(200)
    expect(roles(byQuery.body.participants)).toEqual({ 'rm-owner': 'owner' })
    expectError(await viewer.get(thread), 403, 'THREAD_ACCESS_DENIED')
    expect((await viewer.get(T)).body.threads).toEqual([])
    expect(roles((await owner.get(`${thread}/participants`)).body.participants)).toEqual({
      'rm-owner': 'owner',
    })
    expectError(await owner.del(`${thread}/participants`), 400, 'VALIDATION_FAILED')
  })

  it('never removes the creator (PARTICIPANT_CONFLICT); a member may leave; others may not remove them', async () => {
    const { owner, member, viewer, thread } = await team('lv')
    expectError(
      await owner.del(`${thread}/participants`, { user_id: 'lv-owner' }),
      409,
      'PARTICIPANT_CONFLICT',
    )
    expectError(
      await owner.post(`${thread}/participants`, { user_id: 'lv-owner', role: 'viewer' }),
      409,
      'PARTICIPANT_CONFLICT',
    )
    expectError(
      await t.backend('lv-owner').del(`${thread}/participants?user_id=lv-owner`),
      409,
      'PARTICIPANT_CONFLICT',
    )
    expectError(
      await viewer.del(`${thread}/participants`, { user_id: 'lv-member' }),
      403,
      'NOT_THREAD_OWNER',
    )
    expect((await owner.get(thread)).body.thread.participants).toEqual({
      'lv-owner': 'owner',
      'lv-member': 'member',
      'lv-viewer': 'viewer',
    })

    const left = await member.del(`${thread}/participants`, { user_id: 'lv-member' })
    expect(left.status).toBe(200)
    expect(roles(left.body.participants)).toEqual({ 'lv-owner': 'owner', 'lv-viewer': 'viewer' })
    expectError(await member.get(thread), 403, 'THREAD_ACCESS_DENIED')
    expect((await viewer.del(`${thread}/participants?user_id=lv-viewer`)).status).toBe(200)
    expect((await owner.get(thread)).body.thread.participants).toEqual({ 'lv-owner': 'owner' })
    const events = (await owner.get(`${thread}/events`)).body.events.map((e: any) => e.type)
    expect(events.filter((e: string) => e.startsWith('participant.'))).toEqual([
      'participant.added',
      'participant.added',
      'participant.removed',
      'participant.removed',
    ])
  })

  it('gives user ids named like Object.prototype members no access to other users’ threads', async () => {
    const owner = t.user('proto-owner')
    const thread = `${T}/proto`
    await owner.post(`${thread}/messages`, { id: 'private', body: 'owner only' })
    const before = (await owner.get(thread)).body.thread
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf']) {
      const intruder = t.user(name)
      expectError(await intruder.get(thread), 403, 'THREAD_ACCESS_DENIED')
      expectError(await intruder.get(`${thread}/messages`), 403, 'THREAD_ACCESS_DENIED')
      expectError(await intruder.get(`${thread}/messages/private`), 403, 'THREAD_ACCESS_DENIED')
      expectError(
        await intruder.post(`${thread}/messages`, { body: 'intruder' }),
        403,
        'THREAD_ACCESS_DENIED',
      )
      // Removing someone who is not a participant changes nothing.
      expect((await owner.del(`${thread}/participants?user_id=${name}`)).status).toBe(200)
    }
    expect(ids((await owner.get(`${thread}/messages`)).body.messages)).toEqual(['private'])
    expect((await owner.get(thread)).body.thread).toMatchObject({
      message_count: 1,
      last_change: before.last_change,
      participants: { 'proto-owner': 'owner' },
    })
  })

  it('read markers set unread_count (others’ live messages after the marker) and only move forward', async () => {
    const owner = t.user('rd-owner')
    const bob = t.user('rd-bob')
    const thread = `${T}/rd`
    await owner.post(T, { id: 'rd', participants: { 'rd-bob': 'member' } })
    for (const id of ['b1', 'b2', 'b3']) await bob.post(`${thread}/messages`, { id, body: id })
    await owner.post(`${thread}/messages`, { id: 'o1', body: 'o1' })
    await bob.post(`${thread}/messages`, { id: 'b4', body: 'b4' })
    const unread = async () => (await owner.get(thread)).body.thread.unread_count
    expect(await unread()).toBe(4)
    expect((await bob.get(thread)).body.thread.unread_count).toBe(1)

    const marked = await owner.post(`${thread}/read`, { message_id: 'b2' })
    expect(marked.status).toBe(200)
    expect(marked.body.thread.unread_count).toBe(2)
    expect(await unread()).toBe(2)
    const backwards = await owner.post(`${thread}/read`, { message_id: 'b1' })
    expect(backwards.status).toBe(200)
    expect(backwards.body.thread.unread_count).toBe(2)
    expect(await unread()).toBe(2)

    expect((await bob.del(`${thread}/messages/b4`)).status).toBe(200)
    expect(await unread()).toBe(1)
    expect(
      (await owner.post(`${thread}/read`, { message_id: 'o1' })).body.thread.unread_count,
    ).toBe(0)
    await bob.post(`${thread}/messages`, { id: 'b5', body: 'b5' })
    expect(await unread()).toBe(1)
    const listed = (await owner.get(T)).body.threads.find((x: any) => x.id === 'rd')
    expect(listed.unread_count).toBe(1)
    expectError(
      await owner.post(`${thread}/read`, { message_id: 'nope' }),
      404,
      'MESSAGE_NOT_FOUND',
    )
    expect(await unread()).toBe(1)
    const reads = (await owner.get(`${thread}/events`)).body.events.filter(
      (e: any) => e.type === 'read.updated',
    )
    expect(reads.map((e: any) => [e.user, e.message_id])).toEqual([
      ['rd-owner', 'b2'],
      ['rd-owner', 'o1'],
    ])
  })
})
