import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, isProgressDBError, type ProgressDBClient } from '../src/index.js'
import { startFixtureServer, type FixtureServer } from './fixture.js'
import { codeOf } from './error-code.js'

describe('@progressdb/js messages', () => {
  let server: FixtureServer
  let alice: ProgressDBClient
  beforeAll(async () => {
    server = await startFixtureServer()
    alice = createClient(server.frontend('alice'))
  })
  afterAll(async () => server.close())

  it('creates a message (and its thread), with a generated client id, and reads it back', async () => {
    const chat = alice.messages<{ text: string }>('m-thread')
    const m = await chat.create({ body: { text: 'hello' }, role: 'user', metadata: { lang: 'en' } })
    expect(m.id).toMatch(/^m-/)
    expect(m).toMatchObject({
      thread: 'm-thread',
      author: 'alice',
      role: 'user',
      version: 1,
      seq: 1,
      body: { text: 'hello' },
    })
    expect(await chat.get(m.id)).toEqual(m)
    expect((await alice.threads.get('m-thread')).message_count).toBe(1)
    const again = await chat.create({ id: m.id, body: { text: 'a retry body is not applied' } })
    expect(again).toEqual(m)
    expect((await chat.list()).messages.map((x) => x.id)).toEqual([m.id])
  })

  it('lists ephemeral messages only with includeEphemeral, in pages and iterators', async () => {
    const chat = alice.messages('eph')
    await chat.create({ id: 'kept', body: 'kept' })
    await chat.create({ id: 'tool', body: 'running…', ephemeral: true, ttl_ms: 600_000 })
    await chat.create({ id: 'last', body: 'last' })
    const ids = (messages: { id: string }[]) => messages.map((m) => m.id)
    expect(ids((await chat.list()).messages)).toEqual(['kept', 'last'])
    expect(ids((await chat.list({ includeEphemeral: true })).messages)).toEqual([
      'kept',
      'tool',
      'last',
    ])
    const walk = async (it: AsyncIterable<{ id: string }>) => {
      const seen: string[] = []
      for await (const m of it) seen.push(m.id)
      return seen
    }
    expect(await walk(chat.older({ pageSize: 1 }))).toEqual(['last', 'kept'])
    expect(await walk(chat.older({ pageSize: 1, includeEphemeral: true }))).toEqual([
      'last',
      'tool',
      'kept',
    ])
    expect(await walk(chat.newer({ pageSize: 1, includeEphemeral: true }))).toEqual([
      'kept',
      'tool',
      'last',
    ])
  })

  it("a soft-deleted message's history needs includeDeleted, as the message does", async () => {
    const chat = alice.messages('hist-deleted')
    await chat.create({ id: 'h', body: 'v1' })
    await chat.update('h', { body: 'v2' })
    await chat.delete('h')
    expect(await codeOf(chat.versions('h'))).toBe('MESSAGE_NOT_FOUND')
    const versions = await chat.versions('h', { includeDeleted: true })
    expect(versions.map((v) => v.body)).toEqual(['v1', 'v2'])
  })

  it('edits with versions, guards with if_version, and lists the history', async () => {
    const chat = alice.messages('edits')
    await chat.create({ id: 'e1', body: 'v1' })
    expect(await chat.update('e1', { body: 'v2', if_version: 1 })).toMatchObject({
      version: 2,
      body: 'v2',
    })
    const stale = await chat.update('e1', { body: 'v3', if_version: 1 }).catch((e: unknown) => e)
    expect(isProgressDBError(stale) && stale.status === 409 && stale.code).toBe('VERSION_CONFLICT')
    expect(await chat.update('e1', { metadata: { edited: true } })).toMatchObject({
      version: 3,
      body: 'v2',
    })
    const versions = await chat.versions('e1')
    expect(versions.map((v) => [v.version, v.body, v.editor])).toEqual([
      [1, 'v1', 'alice'],
      [2, 'v2', 'alice'],
      [3, 'v2', 'alice'],
    ])
  })

  it('soft-deletes (hidden from lists), restores, and hard-deletes', async () => {
    const chat = alice.messages('deletes')
    await chat.create({ id: 'd1', body: 'keep' })
    await chat.create({ id: 'd2', body: 'drop' })
    expect(await chat.delete('d2')).toMatchObject({ id: 'd2', deleted: true })
    expect((await chat.list()).messages.map((m) => m.id)).toEqual(['d1'])
    expect((await chat.list({ includeDeleted: true })).messages.map((m) => m.id)).toEqual([
      'd1',
      'd2',
    ])
    expect(await codeOf(chat.get('d2'))).toBe('MESSAGE_NOT_FOUND')
    expect(await chat.get('d2', { includeDeleted: true })).toMatchObject({ deleted: true })
    expect(await chat.restore('d2')).toMatchObject({ deleted: false })
    expect(await codeOf(chat.restore('d2'))).toBe('MESSAGE_NOT_DELETED')
    expect(await chat.delete('d2', { hard: true })).toBeUndefined()
    expect(await codeOf(chat.get('d2', { includeDeleted: true }))).toBe('MESSAGE_NOT_FOUND')
  })

  it('adds and removes reactions per user', async () => {
    const chat = alice.messages('reacts')
    await chat.create({ id: 'r1', body: 'react to me' })
    await alice.participants('reacts').add('bob')
    const bob = createClient(server.frontend('bob')).messages('reacts')
    await chat.react('r1', '👍')
    expect(await bob.react('r1', '👍')).toMatchObject({ reactions: { '👍': ['alice', 'bob'] } })
    expect(await chat.react('r1', '👍')).toMatchObject({ reactions: { '👍': ['alice', 'bob'] } })
    expect(await chat.unreact('r1', '👍')).toMatchObject({ reactions: { '👍': ['bob'] } })
    expect((await chat.get('r1')).reactions).toEqual({ '👍': ['bob'] })
  })

  it('lists a page around an anchor, and pages before and after a message', async () => {
    const chat = alice.messages('anchors')
    for (let i = 1; i <= 9; i++) await chat.create({ id: `a${i}`, body: i })
    const around = await chat.list({ anchor: 'a5', limit: 3 })
    expect(around.messages.map((m) => m.id)).toEqual(['a4', 'a5', 'a6'])
    expect((await chat.list({ before: 'a4', limit: 2 })).messages.map((m) => m.id)).toEqual([
      'a2',
      'a3',
    ])
    const after = await chat.list({ after: 'a7', limit: 5 })
    expect(after.messages.map((m) => m.id)).toEqual(['a8', 'a9'])
    expect(after.pagination).toMatchObject({ has_after: false, has_before: true, count: 2 })
    expect((await chat.list({ limit: 4 })).messages.map((m) => m.id)).toEqual([
      'a6',
      'a7',
      'a8',
      'a9',
    ])
  })

  it('stores replies and custom roles', async () => {
    const chat = alice.messages('replies')
    const q = await chat.create({ body: { text: 'question?' } })
    const a = await chat.create({ body: { text: 'answer' }, role: 'assistant', reply_to: q.id })
    expect(a).toMatchObject({ role: 'assistant', reply_to: q.id })
    expect(await codeOf(chat.create({ body: 'x', reply_to: 'missing' }))).toBe('INVALID_REPLY_TO')
  })
})
