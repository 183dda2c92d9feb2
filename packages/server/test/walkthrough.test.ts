import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './harness.js'

/** The README's curl walkthrough, step by step, as a user runs it. */
describe('README walkthrough', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(async () => t.close())

  it('creates, lists, edits, versions, soft-deletes and restores a message', async () => {
    const created = await t.backend('alice').post('/frontend/v1/threads/support-1/messages', {
      body: { text: 'Hello' },
      role: 'user',
    })
    expect(created.status).toBe(201)
    const id = created.body.message.id as string
    expect(created.body.message).toMatchObject({ thread: 'support-1', author: 'alice', version: 1, body: { text: 'Hello' } })

    const alice = t.user('alice')
    const listed = await alice.get('/frontend/v1/threads/support-1/messages')
    expect(listed.status).toBe(200)
    expect(listed.body.messages.map((m: { id: string }) => m.id)).toEqual([id])

    const edited = await alice.put(`/frontend/v1/threads/support-1/messages/${id}`, { body: { text: 'Hello, world' } })
    expect(edited.status).toBe(200)
    expect(edited.body.message).toMatchObject({ version: 2, body: { text: 'Hello, world' } })

    const versions = await alice.get(`/frontend/v1/threads/support-1/messages/${id}/versions`)
    expect(versions.body.versions.map((v: { version: number; body: unknown }) => [v.version, v.body])).toEqual([
      [1, { text: 'Hello' }],
      [2, { text: 'Hello, world' }],
    ])

    expect((await alice.del(`/frontend/v1/threads/support-1/messages/${id}`)).status).toBe(200)
    expect((await alice.get('/frontend/v1/threads/support-1/messages')).body.messages).toEqual([])
    const withDeleted = await alice.get('/frontend/v1/threads/support-1/messages?include_deleted=true')
    expect(withDeleted.body.messages).toMatchObject([{ id, deleted: true }])

    const restored = await alice.post(`/frontend/v1/threads/support-1/messages/${id}/restore`)
    expect(restored.status).toBe(200)
    expect((await alice.get('/frontend/v1/threads/support-1/messages')).body.messages).toMatchObject([
      { id, deleted: false, version: 2 },
    ])
  })

  it('keeps data across a restart', async () => {
    await t.backend('bob').post('/frontend/v1/threads/persist/messages', { id: 'm1', body: 'kept' })
    await t.restart()
    const read = await t.user('bob').get('/frontend/v1/threads/persist/messages/m1')
    expect(read.status).toBe(200)
    expect(read.body.message.body).toBe('kept')
  })
})
