import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openChatFixture } from './chat-fixture.js'
import { startTestServer, type TestServer } from './harness.js'

const T = '/frontend/v1/threads'

describe('ephemeral messages', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(async () => t.close())

  it('are hidden from lists unless asked for, and stay out of the thread summary and unread counts', async () => {
    const bot = t.backend('bot')
    await bot.post(`${T}/e1/messages`, { id: 'real', body: 'answer' })
    await bot.post(`${T}/e1/participants`, { user_id: 'ann' })
    const created = await bot.post(`${T}/e1/messages`, { id: 'tool', body: { progress: 0.5 }, ephemeral: true, ttl_ms: 60_000 })
    expect(created.status).toBe(201)
    const m = created.body.message
    expect(m).toMatchObject({ ephemeral: true, expires_ts: m.created_ts + 60_000 })
    const ann = t.user('ann')
    expect((await ann.get(`${T}/e1/messages`)).body.messages.map((x: { id: string }) => x.id)).toEqual(['real'])
    const all = await ann.get(`${T}/e1/messages?include_ephemeral=true`)
    expect(all.body.messages.map((x: { id: string }) => x.id)).toEqual(['real', 'tool'])
    const thread = (await ann.get(`${T}/e1`)).body.thread
    expect(thread).toMatchObject({ message_count: 1, last_message: { id: 'real' }, unread_count: 1 })
    expect((await ann.get(`${T}/e1/messages/tool`)).body.message.id).toBe('tool')
  })

  it('need a ttl_ms within the limit, and only ephemeral messages take one', async () => {
    const u = t.user('val')
    const codes = await Promise.all([
      u.post(`${T}/e2/messages`, { body: 1, ephemeral: true }),
      u.post(`${T}/e2/messages`, { body: 1, ttl_ms: 100 }),
      u.post(`${T}/e2/messages`, { body: 1, ephemeral: true, ttl_ms: 604_800_001 }),
      u.post(`${T}/e2/messages`, { body: 1, ephemeral: true, ttl_ms: 0 }),
    ])
    expect(codes.map((r) => [r.status, r.body.code])).toEqual(Array(4).fill([400, 'VALIDATION_FAILED']))
  })

  it('are removed by the server soon after they expire', async () => {
    const u = t.user('sam')
    await u.post(`${T}/e3/messages`, { id: 'blink', body: 'gone soon', ephemeral: true, ttl_ms: 200 })
    const deadline = Date.now() + 10_000
    let status = 200
    while (status === 200 && Date.now() < deadline) {
      status = (await u.get(`${T}/e3/messages/blink`)).status
      if (status === 200) await new Promise((r) => setTimeout(r, 50))
    }
    expect(status).toBe(404)
    const events = (await u.get(`${T}/e3/events`)).body.events
    expect(events.at(-1)).toMatchObject({ type: 'message.deleted', message_id: 'blink', hard: true, actor: 'progressdb:system' })
  })
})

describe('ephemeral expiry (fake clock)', () => {
  it('removes exactly the expired messages', async () => {
    const { chat, store, advance, close } = await openChatFixture()
    const u = { userId: 'u', trusted: false }
    const fast = { durability: 'fast' as const }
    await chat.createMessage(u, 'x', { id: 'short', body: 1, ephemeral: true, ttl_ms: 1_000 }, fast)
    await chat.createMessage(u, 'x', { id: 'long', body: 2, ephemeral: true, ttl_ms: 60_000 }, fast)
    advance(999)
    expect(await chat.expireEphemeralMessages()).toBe(0)
    advance(1)
    expect(await chat.expireEphemeralMessages()).toBe(1)
    await expect(chat.getMessage(u, 'x', 'short', { includeDeleted: true })).rejects.toMatchObject({ code: 'MESSAGE_NOT_FOUND' })
    expect((await chat.getMessage(u, 'x', 'long', { includeDeleted: false })).id).toBe('long')
    await chat.deleteThread(u, 'x', { durability: 'fast', hard: true })
    advance(60_000)
    expect(await chat.expireEphemeralMessages()).toBe(0)
    expect(await store.listExpiredMessages(Number.MAX_SAFE_INTEGER, 10)).toEqual([])
    await close()
  })
})
