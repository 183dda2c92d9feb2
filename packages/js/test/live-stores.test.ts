import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  createClient,
  createMessageStore,
  createMessagesStore,
  createPresenceStore,
  createThreadStore,
  createThreadsStore,
  type ChatBody,
  type ProgressDBClient,
} from '../src/index.js'
import { startFixtureServer, waitFor, type FixtureServer } from './fixture.js'
import { watch } from './watch-store.js'

describe('@progressdb/js stores, live', () => {
  let server: FixtureServer
  let alice: ProgressDBClient
  let bob: ProgressDBClient
  const live = (user: string) =>
    createClient({ ...server.frontend(user), WebSocket, realtime: { idleCloseMs: 0 } })
  const shared = async (threadId: string) => {
    await alice.threads.create({ id: threadId, participants: { bob: 'member' } })
  }

  beforeAll(async () => {
    server = await startFixtureServer()
    alice = live('alice')
    bob = live('bob')
  })
  afterAll(async () => {
    alice.realtime.close()
    bob.realtime.close()
    await server.close()
  })

  it("messages: another user's create, edit, reaction, delete and restore appear without a reload", async () => {
    await shared('ls-1')
    await bob.messages('ls-1').create({ id: 'keep', body: { text: 'untouched' } })
    const store = createMessagesStore(alice, 'ls-1')
    const w = watch(store)
    await waitFor(() => !w.now().loading, 'first page')
    const untouched = w.now().messages[0]
    const texts = () => w.now().messages.map((m) => m.body.text)
    const theirs = bob.messages<ChatBody>('ls-1')
    await theirs.create({ id: 'b1', body: { text: 'hi alice' } })
    await waitFor(() => texts().join() === 'untouched,hi alice', 'the create')
    await theirs.update('b1', { body: { text: 'hi, alice' } })
    await waitFor(() => w.now().messages[1]?.version === 2, 'the edit')
    expect(texts()).toEqual(['untouched', 'hi, alice'])
    await theirs.react('b1', '🎉')
    await waitFor(() => w.now().messages[1]?.reactions['🎉']?.join() === 'bob', 'the reaction')
    await theirs.delete('b1')
    await waitFor(() => texts().join() === 'untouched', 'the delete')
    await theirs.restore('b1')
    await waitFor(() => texts().join() === 'untouched,hi, alice', 'the restore')
    expect(w.now().messages[0]).toBe(untouched)
    w.stop()
  })

  it('an optimistic create and its live event converge on one stored message', async () => {
    await shared('ls-2')
    const store = createMessagesStore(alice, 'ls-2')
    const w = watch(store)
    await waitFor(() => !w.now().loading && alice.realtime.status === 'open', 'live store')
    const stored = await Promise.all([
      store.create({ body: { text: 'one' } }),
      store.create({ body: { text: 'two' } }),
    ])
    await waitFor(() => w.now().messages.every((m) => !m.pending), 'confirmed')
    expect(w.now().messages.map((m) => [m.id, m.body.text])).toEqual(
      stored.map((m) => [m.id, m.body.text]),
    )
    // The live events arrive too (after or before the replies): still one of each.
    await bob.messages('ls-2').create({ id: 'marker', body: { text: 'marker' } })
    await waitFor(() => w.now().messages.length === 3, 'the marker')
    expect(w.now().messages.map((m) => m.body.text)).toEqual(['one', 'two', 'marker'])
    w.stop()
  })

  it('a streamed message grows as it streams, then is final; no text is repeated', async () => {
    await shared('ls-3')
    const store = createMessagesStore(alice, 'ls-3')
    const w = watch(store)
    await waitFor(() => !w.now().loading, 'first page')
    const s = await bob.streamMessage<ChatBody>('ls-3', { role: 'assistant' })
    const words = ['Once ', 'upon ', 'a ', 'time']
    for (const word of words) {
      await s.append(word)
      const sofar = words.slice(0, words.indexOf(word) + 1).join('')
      await waitFor(() => w.now().messages[0]?.body.text === sofar, `"${sofar}"`)
      expect(w.now().messages[0]?.status).toBe('streaming')
    }
    await s.finalize()
    await waitFor(() => w.now().messages[0]?.status === 'final', 'finalized')
    expect(w.now().messages[0]).toMatchObject({ body: { text: 'Once upon a time' }, version: 2 })
    const shownTexts = w.seen.map((snap) => snap.messages[0]?.body.text ?? '')
    for (const text of shownTexts) expect('Once upon a time'.startsWith(text)).toBe(true)
    w.stop()
  })

  it('a fast stream (un-awaited appends) ends with exactly the streamed text', async () => {
    await shared('ls-4')
    const store = createMessagesStore(alice, 'ls-4')
    const w = watch(store)
    await waitFor(() => !w.now().loading, 'first page')
    const s = await bob.streamMessage<ChatBody>('ls-4', { role: 'assistant' })
    const parts = Array.from({ length: 50 }, (_, i) => `${i} `)
    for (const part of parts) void s.append(part)
    await s.finalize()
    await waitFor(() => w.now().messages[0]?.status === 'final', 'finalized')
    expect(w.now().messages[0]?.body.text).toBe(parts.join(''))
    w.stop()
  })

  it('thread store: unread count, title and counts follow the changes', async () => {
    await shared('ls-5')
    const thread = createThreadStore(alice, 'ls-5')
    const w = watch(thread)
    await waitFor(() => w.now().item !== undefined, 'thread')
    expect(w.now().item?.unread_count).toBe(0)
    await bob.messages('ls-5').create({ id: 'u1', body: { text: 'one' } })
    await bob.messages('ls-5').create({ id: 'u2', body: { text: 'two' } })
    await waitFor(() => w.now().item?.unread_count === 2, 'two unread')
    expect(w.now().item?.message_count).toBe(2)
    await alice.threads.update('ls-5', { title: 'Renamed' })
    await waitFor(() => w.now().item?.title === 'Renamed', 'the title')
    await alice.markRead('ls-5', 'u2')
    await waitFor(() => w.now().item?.unread_count === 0, 'read')
    w.stop()
  })

  it('message store: edits and a soft delete of the quoted message show live', async () => {
    await shared('ls-6')
    await bob.messages('ls-6').create({ id: 'q', body: { text: 'quoted' } })
    const quoted = createMessageStore(alice, 'ls-6', 'q')
    const w = watch(quoted)
    await waitFor(() => w.now().item !== undefined, 'message')
    await bob.messages('ls-6').update('q', { body: { text: 'quoted, edited' } })
    await waitFor(() => w.now().item?.body.text === 'quoted, edited', 'the edit')
    await bob.messages('ls-6').delete('q')
    await waitFor(() => w.now().item?.deleted === true, 'deleted')
    w.stop()
  })

  it('presence store: who is here and who else types', async () => {
    await shared('ls-7')
    const mine = createPresenceStore(alice, 'ls-7')
    const theirs = createPresenceStore(bob, 'ls-7')
    const w = watch(mine)
    const wb = watch(theirs)
    await waitFor(() => w.now().users.join() === 'alice,bob', 'both present')
    mine.setTyping(true)
    await waitFor(() => wb.now().typingUsers.join() === 'alice', 'bob sees alice typing')
    expect(w.now().typingUsers).toEqual([]) // her own indicator is not shown to her
    mine.setTyping(false)
    await waitFor(() => wb.now().typingUsers.length === 0, 'stopped')
    wb.stop()
    await waitFor(() => w.now().users.join() === 'alice', 'bob left')
    w.stop()
  })

  it('a store of a thread that does not exist yet goes live once its first message creates it', async () => {
    const store = createMessagesStore(alice, 'ls-new')
    const w = watch(store)
    await waitFor(() => !w.now().loading, 'first page')
    await store.create({ id: 'first', body: { text: 'first' } })
    await alice.participants('ls-new').add('bob')
    await bob.messages('ls-new').create({ id: 'reply', body: { text: 'reply' } })
    await waitFor(
      () =>
        w
          .now()
          .messages.map((m) => m.id)
          .join() === 'first,reply',
      'the reply',
    )
    w.stop()
  })

  it('every store of a thread that does not exist yet recovers once the client creates it', async () => {
    const messages = watch(createMessagesStore(alice, 'ls-born'))
    const thread = watch(createThreadStore(alice, 'ls-born'))
    const presence = watch(createPresenceStore(alice, 'ls-born'))
    await waitFor(
      () => !thread.now().loading && presence.now().status === 'closed',
      'the thread not found',
    )
    expect(thread.now().error?.code).toBe('THREAD_NOT_FOUND')
    expect(messages.now()).toMatchObject({ messages: [], loading: false, error: undefined })

    const store = createMessagesStore(alice, 'ls-born')
    const w = watch(store)
    await store.create({ id: 'first', body: { text: 'first' }, role: 'user' })
    await alice.participants('ls-born').add('bob')
    const bobHere = watch(createPresenceStore(bob, 'ls-born'))
    await bob.messages('ls-born').create({ id: 'reply', body: { text: 'reply' } })
    await waitFor(() => thread.now().item?.unread_count === 1, 'the thread with one unread')
    expect(thread.now()).toMatchObject({ item: { id: 'ls-born' }, error: undefined })
    await waitFor(() => presence.now().users.join() === 'alice,bob', 'presence')
    expect(presence.now().status).toBe('live')
    const ids = (m: typeof w) =>
      m
        .now()
        .messages.map((x) => x.id)
        .join()
    await waitFor(() => ids(messages) === 'first,reply' && ids(w) === 'first,reply', 'messages')
    for (const x of [messages, thread, presence, w, bobHere]) x.stop()
  })

  it('stores recover whichever create of the client made the thread', async () => {
    const thread = watch(createThreadStore(alice, 'ls-born-2'))
    const messages = watch(createMessagesStore(alice, 'ls-born-2'))
    await waitFor(() => thread.now().error?.code === 'THREAD_NOT_FOUND', 'not found')
    await alice.threads.create({ id: 'ls-born-2', title: 'Born', participants: { bob: 'member' } })
    await waitFor(() => thread.now().item?.title === 'Born', 'the thread')
    await bob.messages('ls-born-2').create({ id: 'hello', body: { text: 'hello' } })
    await waitFor(() => messages.now().messages[0]?.id === 'hello', "bob's message")
    await waitFor(() => thread.now().item?.unread_count === 1, 'one unread')
    thread.stop()
    messages.stop()
  })

  it("threads store: others' activity moves threads up with unread counts; new and deleted threads", async () => {
    const carol = live('carol')
    const dave = live('dave')
    await carol.threads.create({ id: 'tl-a', title: 'A', participants: { dave: 'member' } })
    await carol.threads.create({ id: 'tl-b', title: 'B', participants: { dave: 'member' } })
    const store = createThreadsStore(carol)
    const w = watch(store)
    await waitFor(() => !w.now().loading && carol.realtime.status === 'open', 'threads')
    const ids = () =>
      w
        .now()
        .threads.map((t) => t.id)
        .join()
    expect(ids()).toBe('tl-b,tl-a')
    const b = w.now().threads[0]
    await dave.messages('tl-a').create({ id: 'd1', body: { text: 'hi' } })
    await waitFor(() => ids() === 'tl-a,tl-b' && w.now().threads[0]?.unread_count === 1, 'tl-a up')
    expect(w.now().threads[1]).toBe(b) // unchanged: same object
    await dave.threads.create({ id: 'tl-c', title: 'C', participants: { carol: 'member' } })
    await waitFor(() => ids() === 'tl-c,tl-a,tl-b', 'a new thread she is in')
    await carol.threads.delete('tl-a')
    await waitFor(() => ids() === 'tl-c,tl-b', 'the deleted thread leaves')
    w.stop()
    carol.realtime.close()
    dave.realtime.close()
  })
})
