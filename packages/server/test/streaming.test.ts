import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signUser } from '../src/auth/user-signature.js'
import { openChatFixture } from './chat-fixture.js'
import { KEYS, startTestServer, type TestServer } from './harness.js'
import { openEventStream } from './sse-client.js'

const T = '/frontend/v1/threads'

describe('streamed messages', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(async () => t.close())

  it('1,000 appends give their concatenation, readable mid-stream, and finalize adds exactly one version', async () => {
    const bot = t.backend('assistant-bot')
    const created = await bot.post(`${T}/ai/messages`, { id: 'r1', role: 'assistant', body: { text: '' }, status: 'streaming' })
    expect(created.status).toBe(201)
    expect(created.body.message).toMatchObject({ status: 'streaming', version: 1 })
    const chunks = Array.from({ length: 1000 }, (_, i) => `tok${i} `)
    for (const [i, text] of chunks.entries()) {
      const res = await bot.post(`${T}/ai/messages/r1/append`, { text })
      expect(res.status).toBe(200)
      if (i === 9) {
        const partial = await bot.get(`${T}/ai/messages/r1`)
        expect(partial.body.message).toMatchObject({ status: 'streaming', body: { text: chunks.slice(0, 10).join('') } })
      }
    }
    const done = await bot.post(`${T}/ai/messages/r1/finalize`, {})
    expect(done.body.message).toMatchObject({ status: 'final', version: 2, body: { text: chunks.join('') } })
    const versions = await bot.get(`${T}/ai/messages/r1/versions`)
    expect(versions.body.versions.map((v: { version: number }) => v.version)).toEqual([1, 2])
    expect((await bot.post(`${T}/ai/messages/r1/append`, { text: 'late' })).body.code).toBe('MESSAGE_NOT_STREAMING')
  }, 60_000)

  it('sends subscribers just the delta of each append', async () => {
    const alice = t.user('alice')
    await alice.post(`${T}/ai2/messages`, { id: 'r', role: 'assistant', body: { text: 'He' }, status: 'streaming' })
    const stream = await openEventStream(`${t.url}${T}/ai2/events`, {
      authorization: `Bearer ${KEYS.frontend}`,
      'x-user-id': 'alice',
      'x-user-signature': signUser(KEYS.signing, 'alice'),
    })
    await alice.post(`${T}/ai2/messages/r/append`, { text: 'llo' })
    await alice.post(`${T}/ai2/messages/r/append`, { delta: { reasoning: 'greeting' } })
    await alice.post(`${T}/ai2/messages/r/finalize`, { body: { text: 'Hello!' } })
    const frames = await stream.waitFor(3)
    stream.abort()
    const events = frames.map((f) => JSON.parse(f.data) as Record<string, unknown>)
    expect(events[0]).toMatchObject({ type: 'message.appended', message_id: 'r', text: 'llo' })
    expect(events[0]).not.toHaveProperty('message')
    expect(events[1]).toMatchObject({ type: 'message.appended', delta: { reasoning: 'greeting' } })
    expect(events[2]).toMatchObject({ type: 'message.finalized', message: { status: 'final', body: { text: 'Hello!' }, version: 2 } })
  })

  it("a replay of the log converges: a message's change says which appends its state already holds", async () => {
    const u = t.user('replayer')
    await u.post(`${T}/replay/messages`, { id: 'm', body: { text: '' }, status: 'streaming' })
    for (const text of ['a', 'b', 'c']) await u.post(`${T}/replay/messages/m/append`, { text })
    const midStream = (await u.get(`${T}/replay/messages/m`)).body.message
    const log = (await u.get(`${T}/replay/events?since=0`)).body.events as {
      type: string
      change: number
      text?: string
      message?: { change: number; body: { text: string } }
    }[]
    // message.created is carried with the current state, which already holds the three appends.
    expect(log.map((e) => e.type)).toEqual(['thread.created', 'message.created', ...Array(3).fill('message.appended')])
    expect(midStream.change).toBe(log.at(-1)!.change)
    // The documented client rule: apply an event about a message only when its change is newer.
    let held: { change: number; body: { text: string } } | undefined
    for (const event of log) {
      if (event.message) held = event.message
      else if (event.type === 'message.appended' && held && event.change > held.change)
        held = { change: event.change, body: { text: held.body.text + event.text } }
    }
    expect(held?.body.text).toBe('abc')
    const done = (await u.post(`${T}/replay/messages/m/finalize`, {})).body.message
    expect(done.change).toBe(log.at(-1)!.change + 1)
  })

  it('lets a voice transcript be rewritten while streaming, then finalized', async () => {
    const u = t.user('vera')
    await u.post(`${T}/call/messages`, { id: 'utt', body: { text: 'I scream' }, status: 'streaming' })
    await u.post(`${T}/call/messages/utt/append`, { body: { text: 'ice cream', confidence: 0.7 } })
    await u.post(`${T}/call/messages/utt/append`, { delta: { text: ' please', confidence: 0.93 } })
    const mid = await u.get(`${T}/call/messages/utt`)
    expect(mid.body.message).toMatchObject({ version: 1, body: { text: 'ice cream please', confidence: 0.93 } })
    const done = await u.post(`${T}/call/messages/utt/finalize`, {})
    expect(done.body.message).toMatchObject({ status: 'final', version: 2, body: { text: 'ice cream please' } })
  })

  it('rejects bad appends with the right codes', async () => {
    const u = t.user('ned')
    await u.post(`${T}/s/messages`, { id: 'f', body: 'done' })
    await u.post(`${T}/s/messages`, { id: 'st', body: 'x', status: 'streaming' })
    await u.post(`${T}/s/participants`, { user_id: 'mia' })
    expect((await u.post(`${T}/s/messages/f/append`, { text: 'x' })).body.code).toBe('MESSAGE_NOT_STREAMING')
    expect((await u.post(`${T}/s/messages/st/append`, { text: 'a', body: 'b' })).body.code).toBe('VALIDATION_FAILED')
    expect((await u.post(`${T}/s/messages/st/append`, {})).status).toBe(400)
    expect((await u.post(`${T}/s/messages/st/append`, { delta: { a: 1 } })).body.code).toBe('VALIDATION_FAILED')
    expect((await t.user('mia').post(`${T}/s/messages/st/append`, { text: 'y' })).body.code).toBe('NOT_MESSAGE_AUTHOR')
    expect((await u.post(`${T}/s/messages/st/finalize`, { status: 'done' })).body.code).toBe('VALIDATION_FAILED')
    expect((await u.get(`${T}/s/messages/st`)).body.message).toMatchObject({ body: 'x', status: 'streaming' })
  })
})

describe('streamed messages under a small body limit', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer({ env: { PROGRESSDB_BODY_MAX_BYTES: '2000' } })
  })
  afterAll(async () => t.close())

  it('refuses an append that would grow the message past the body limit, keeping what was streamed', async () => {
    const u = t.user('lim')
    const m = `${T}/lim/messages/s`
    await u.post(`${T}/lim/messages`, { id: 's', body: { text: '' }, status: 'streaming' })
    for (let i = 0; i < 9; i++) expect((await u.post(`${m}/append`, { text: 'x'.repeat(200) })).status).toBe(200)
    const refused = await u.post(`${m}/append`, { text: 'y'.repeat(200) })
    expect([refused.status, refused.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE'])
    const delta = await u.post(`${m}/append`, { delta: { text: 'y'.repeat(200) } })
    expect([delta.status, delta.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE'])
    expect((await u.get(m)).body.message.body).toEqual({ text: 'x'.repeat(1800) })
    expect((await u.post(`${m}/finalize`, {})).body.message).toMatchObject({ status: 'final', version: 2 })
  })
})

describe('idle streams', () => {
  it('are aborted after the idle timeout (fake clock), with one new version; active ones stay', async () => {
    const { chat, advance, close } = await openChatFixture()
    const bot = { userId: 'bot', trusted: false }
    const fast = { durability: 'fast' as const }
    await chat.createMessage(bot, 'th', { id: 'stale', body: { text: 'par' }, status: 'streaming' }, fast)
    advance(60_000)
    await chat.createMessage(bot, 'th', { id: 'fresh', body: { text: 'ok' }, status: 'streaming' }, fast)
    advance(70_000)
    expect(await chat.abortIdleStreams(120_000)).toBe(1)
    const stale = await chat.getMessage(bot, 'th', 'stale', { includeDeleted: false })
    expect(stale).toMatchObject({ status: 'aborted', version: 2, body: { text: 'par' } })
    expect((await chat.getMessage(bot, 'th', 'fresh', { includeDeleted: false })).status).toBe('streaming')
    expect(await chat.abortIdleStreams(120_000)).toBe(0)
    await close()
  })
})
