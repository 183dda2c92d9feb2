import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createClient,
  createMessageStore,
  createMessagesStore,
  createThreadStore,
  createThreadsStore,
  type ProgressDBClient,
} from '../src/index.js'
import { startFixtureServer, waitFor, type FixtureServer } from './fixture.js'
import { watch } from './watch-store.js'

describe('@progressdb/js stores against a real server', () => {
  let server: FixtureServer
  let alice: ProgressDBClient
  beforeAll(async () => {
    server = await startFixtureServer()
    alice = createClient(server.frontend('alice'))
    for (let i = 1; i <= 12; i++)
      await alice.messages('store-t').create({ id: `s${i}`, body: { text: `#${i}` } })
  })
  afterAll(async () => server.close())

  it('loads lazily: the newest page in chronological order; loadOlder prepends keeping identity', async () => {
    const store = createMessagesStore(alice, 'store-t', { pageSize: 5 })
    expect(store.getSnapshot()).toMatchObject({ loading: true, messages: [] })
    const w = watch(store)
    await waitFor(() => !w.now().loading, 'first page')
    expect(w.now().messages.map((m) => m.id)).toEqual(['s8', 's9', 's10', 's11', 's12'])
    expect(w.now().hasOlder).toBe(true)
    const shown = [...w.now().messages]

    await store.loadOlder()
    const after = w.now().messages
    expect(after.map((m) => m.id)).toEqual([
      's3',
      's4',
      's5',
      's6',
      's7',
      's8',
      's9',
      's10',
      's11',
      's12',
    ])
    after.slice(5).forEach((m, i) => expect(m).toBe(shown[i]))
    await Promise.all([store.loadOlder(), store.loadOlder()])
    expect(
      w
        .now()
        .messages.map((m) => m.id)
        .slice(0, 3),
    ).toEqual(['s1', 's2', 's3'])
    expect(w.now().hasOlder).toBe(false)
    await store.loadOlder()
    expect(w.now().messages).toHaveLength(12)
    w.stop()
  })

  it('creates optimistically: pending at once, then the stored message under the same id', async () => {
    const store = createMessagesStore(alice, 'optimistic')
    const w = watch(store)
    await waitFor(() => !w.now().loading, 'first page')
    const done = store.create({ body: { text: 'hi' }, role: 'user' })
    const pending = w.now().messages.at(-1)!
    expect(pending).toMatchObject({ pending: true, author: 'alice', body: { text: 'hi' } })
    const stored = await done
    expect(stored.id).toBe(pending.id)
    expect(w.now().messages).toEqual([stored])
    expect(w.now().messages[0]!.pending).toBeUndefined()
    expect((await alice.messages('optimistic').list()).messages).toEqual([stored])
  })

  it('a thread that does not exist yet loads as empty, without an error, until created', async () => {
    const store = createMessagesStore(alice, 'brand-new')
    const w = watch(store)
    await waitFor(() => !w.now().loading, 'first page')
    expect(w.now()).toMatchObject({ messages: [], hasOlder: false, error: undefined })
    expect(w.seen.every((s) => s.error === undefined)).toBe(true)
    const first = await store.create({ body: { text: 'first' }, role: 'user' })
    expect(w.now().messages).toEqual([first])
    await store.load()
    expect(w.now()).toMatchObject({ messages: [first], error: undefined })
    w.stop()
  })

  it('rolls a failed create back and keeps the error', async () => {
    const owner = createClient(server.frontend('owner'))
    await owner.threads.create({ id: 'closed' })
    const store = createMessagesStore(alice, 'closed')
    const w = watch(store)
    await waitFor(() => !w.now().loading, 'first page')
    expect(w.now().error?.code).toBe('THREAD_ACCESS_DENIED')
    const failed = await store.create({ body: { text: 'denied' } }).catch((e: unknown) => e)
    expect(failed).toMatchObject({ code: 'THREAD_ACCESS_DENIED' })
    expect(w.seen.some((s) => s.messages.some((m) => m.pending))).toBe(true)
    expect(w.now().messages).toEqual([])
    expect(w.now().error?.code).toBe('THREAD_ACCESS_DENIED')
  })

  it('reflects update, react and remove', async () => {
    const store = createMessagesStore(alice, 'changes')
    const w = watch(store)
    await waitFor(() => !w.now().loading, 'first page')
    const a = await store.create({ body: { text: 'a' } })
    const b = await store.create({ body: { text: 'b' } })
    const untouched = w.now().messages[1]
    await store.update(a.id, { body: { text: 'a2' } })
    expect(w.now().messages[0]).toMatchObject({ id: a.id, body: { text: 'a2' }, version: 2 })
    expect(w.now().messages[1]).toBe(untouched)
    await store.react(b.id, '🎉')
    expect(w.now().messages[1]!.reactions).toEqual({ '🎉': ['alice'] })
    await store.react(b.id, '🎉', { remove: true })
    expect(w.now().messages[1]!.reactions).toEqual({})
    await store.remove(a.id)
    expect(w.now().messages.map((m) => m.id)).toEqual([b.id])
    expect((await alice.messages('changes').list()).messages.map((m) => m.id)).toEqual([b.id])
  })

  it('loadNewer appends what others wrote, in server order', async () => {
    const store = createMessagesStore(alice, 'newer')
    await alice.messages('newer').create({ id: 'n1', body: 1 })
    const w = watch(store)
    await waitFor(() => !w.now().loading, 'first page')
    await alice.messages('newer').create({ id: 'n2', body: 2 })
    await alice.messages('newer').create({ id: 'n3', body: 3 })
    await store.loadNewer()
    expect(w.now().messages.map((m) => m.id)).toEqual(['n1', 'n2', 'n3'])
  })

  it('threads store: first page, loadOlder, create, update, remove', async () => {
    const zed = createClient(server.frontend('zed'))
    for (let i = 0; i < 5; i++) await zed.threads.create({ id: `z${i}`, title: `Z${i}` })
    const store = createThreadsStore(zed, { pageSize: 3, sortBy: 'created_ts' })
    const w = watch(store)
    await waitFor(() => !w.now().loading, 'threads')
    expect(w.now().threads.map((t) => t.id)).toEqual(['z4', 'z3', 'z2'])
    await store.loadOlder()
    expect(w.now().threads.map((t) => t.id)).toEqual(['z4', 'z3', 'z2', 'z1', 'z0'])
    expect(w.now().hasOlder).toBe(false)
    const z3 = w.now().threads[1]
    await store.create({ id: 'z5', title: 'new' })
    expect(w.now().threads.map((t) => t.id)).toEqual(['z5', 'z4', 'z3', 'z2', 'z1', 'z0'])
    expect(w.now().threads[2]).toBe(z3)
    await store.update('z0', { title: 'renamed' })
    expect(w.now().threads.at(-1)!.title).toBe('renamed')
    await store.remove('z4')
    expect(w.now().threads.map((t) => t.id)).toEqual(['z5', 'z3', 'z2', 'z1', 'z0'])
    await store.load()
    expect(w.now().threads.map((t) => t.id)).toEqual(['z5', 'z3', 'z2', 'z1', 'z0'])
    expect(w.now().threads[1]).toBe(z3)
  })

  it('thread store and message store: load, change, soft delete shown as deleted', async () => {
    await alice.messages('single').create({ id: 'one', body: { text: 'x' } })
    const thread = createThreadStore(alice, 'single')
    const tw = watch(thread)
    await waitFor(() => !tw.now().loading, 'thread')
    expect(tw.now().item).toMatchObject({ id: 'single', message_count: 1 })
    await thread.update({ title: 'Titled' })
    expect(tw.now().item?.title).toBe('Titled')

    const message = createMessageStore(alice, 'single', 'one')
    const mw = watch(message)
    await waitFor(() => !mw.now().loading, 'message')
    await message.update({ body: { text: 'y' } })
    expect(mw.now().item).toMatchObject({ version: 2, body: { text: 'y' } })
    await message.react('👀')
    expect(mw.now().item?.reactions).toEqual({ '👀': ['alice'] })
    await message.remove()
    expect(mw.now().item?.deleted).toBe(true)
    await message.restore()
    expect(mw.now().item?.deleted).toBe(false)

    const missing = createMessageStore(alice, 'single', 'nope')
    const xw = watch(missing)
    await waitFor(() => !xw.now().loading, 'missing message')
    expect(xw.now()).toMatchObject({ item: undefined, error: { code: 'MESSAGE_NOT_FOUND' } })
  })
})
