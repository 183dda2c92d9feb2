import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type ChatBody, type ProgressDBClient } from '../src/index.js'
import { startFixtureServer, type FixtureServer } from './fixture.js'
import { codeOf } from './error-code.js'

describe('@progressdb/js streamed messages', () => {
  let server: FixtureServer
  let alice: ProgressDBClient
  beforeAll(async () => {
    server = await startFixtureServer()
    alice = createClient(server.frontend('alice'))
  })
  afterAll(async () => server.close())

  it('sends 200 un-awaited appends in order; finalize waits for them and makes version 2', async () => {
    const s = await alice.streamMessage<ChatBody>('st-1', { role: 'assistant' })
    expect(s.id).toMatch(/^m-/)
    expect(s.message).toMatchObject({ status: 'streaming', version: 1, body: { text: '' } })
    const parts = Array.from({ length: 200 }, (_, i) => `${i},`)
    for (const part of parts) void s.append(part)
    const final = await s.finalize()
    expect(final).toMatchObject({ id: s.id, status: 'final', version: 2, role: 'assistant' })
    expect(final.body.text).toBe(parts.join(''))
    expect(s.message).toEqual(final)
    expect(s.closed).toBe(true)
    const stored = await alice.messages<ChatBody>('st-1').get(s.id)
    expect(stored.body.text).toBe(parts.join(''))
    expect(stored.version).toBe(2)
    const versions = await alice.messages('st-1').versions(s.id)
    expect(versions.map((v) => v.version)).toEqual([1, 2])
  })

  it('merges deltas and replaces the body; reachable as messages(t).stream', async () => {
    const s = await alice
      .messages<ChatBody>('st-2')
      .stream({ id: 'st-2-m', body: { text: 'Hi' }, metadata: { model: 'x' } })
    expect(s.id).toBe('st-2-m')
    void s.appendDelta({ reasoning: 'think ' })
    void s.appendDelta({ reasoning: 'more' })
    void s.append(' there')
    expect(await s.appendDelta({ step: 2 })).toMatchObject({
      body: { text: 'Hi there', reasoning: 'think more', step: 2 },
    })
    expect(await s.replace({ text: 'rewritten' })).toMatchObject({ body: { text: 'rewritten' } })
    const final = await s.finalize({ metadata: { tokens: 3 } })
    expect(final).toMatchObject({
      status: 'final',
      version: 2,
      body: { text: 'rewritten' },
      metadata: { tokens: 3 },
    })
  })

  it('shows partial text mid-stream, and abort keeps it with status aborted', async () => {
    const s = await alice.streamMessage<ChatBody>('st-3', { role: 'assistant' })
    void s.append('par')
    await s.append('tial')
    const reader = createClient(server.frontend('alice')).messages<ChatBody>('st-3')
    expect(await reader.get(s.id)).toMatchObject({
      status: 'streaming',
      version: 1,
      body: { text: 'partial' },
    })
    expect((await reader.list()).messages[0]?.body.text).toBe('partial')
    const aborted = await s.abort()
    expect(aborted).toMatchObject({ status: 'aborted', version: 2, body: { text: 'partial' } })
  })

  it('stores the role assistant unless another is given (as the Python SDK does)', async () => {
    const plain = await alice.streamMessage('st-role')
    expect(plain.message.role).toBe('assistant')
    expect((await plain.finalize()).role).toBe('assistant')
    const tool = await alice.messages('st-role').stream({ role: 'tool' })
    expect((await tool.finalize()).role).toBe('tool')
    expect((await alice.messages('st-role').list()).messages.map((m) => m.role)).toEqual([
      'assistant',
      'tool',
    ])
  })

  it('rejects appends and a second finalize after the stream is closed', async () => {
    const s = await alice.streamMessage('st-4', { body: 'plain ' })
    void s.append('a')
    const finalizing = s.finalize()
    // Called before the finalize was sent: refused client-side with the server's code.
    expect(await codeOf(s.append('late'))).toBe('MESSAGE_NOT_STREAMING')
    expect((await finalizing).body).toBe('plain a')
    expect(await codeOf(s.appendDelta({ x: 1 }))).toBe('MESSAGE_NOT_STREAMING')
    expect(await codeOf(s.finalize())).toBe('MESSAGE_NOT_STREAMING')
    expect(await codeOf(s.abort())).toBe('MESSAGE_NOT_STREAMING')
    // The server says the same to a request that bypasses the handle.
    const raw = alice.transport.request({
      method: 'POST',
      path: `/frontend/v1/threads/st-4/messages/${s.id}/append`,
      body: { text: 'x' },
    })
    expect(await codeOf(raw)).toBe('MESSAGE_NOT_STREAMING')
  })

  it('after a failed append, the queued appends reject too (no gap); finalize still works', async () => {
    const s = await alice.streamMessage('st-5', { body: 'text' })
    const bad = s.appendDelta({ k: 'v' }) // a delta into a string body is refused
    const after = s.append('!')
    expect(await codeOf(bad)).toBe('VALIDATION_FAILED')
    expect(await codeOf(after)).toBe('VALIDATION_FAILED')
    expect((await alice.messages('st-5').get(s.id)).body).toBe('text')
    expect(await s.finalize()).toMatchObject({ status: 'final', body: 'text', version: 2 })
  })
})
