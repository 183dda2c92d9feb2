// @vitest-environment jsdom
import WebSocket from 'ws'
import { createClient, type ProgressDBClient } from '@progressdb/js'
import {
  ProgressDBProvider,
  useMessage,
  useMessages,
  useThread,
  useThreads,
  type StoreMessage,
} from '@progressdb/react'
import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../js/test/fixture.js'

describe('@progressdb/react hooks against a real server', () => {
  let server: FixtureServer
  let alice: ProgressDBClient
  let wrapper: (props: { children: ReactNode }) => ReactNode
  beforeAll(async () => {
    server = await startFixtureServer()
    alice = createClient({ ...server.frontend('alice'), WebSocket })
    wrapper = ({ children }) => <ProgressDBProvider client={alice}>{children}</ProgressDBProvider>
    for (let i = 1; i <= 12; i++)
      await alice.messages('h-long').create({ id: `h${i}`, body: { text: `#${i}` } })
  })
  afterEach(() => cleanup())
  afterAll(async () => server.close())

  it('loads the newest page in chronological order and renders it', async () => {
    function Texts() {
      const { messages, loading } = useMessages('h-long', { pageSize: 4 })
      return <p>{loading ? 'loading' : messages.map((m) => m.body.text).join(' ')}</p>
    }
    render(<Texts />, { wrapper })
    expect(screen.getByText('loading')).toBeTruthy()
    expect(await screen.findByText('#9 #10 #11 #12')).toBeTruthy()
  })

  it('loadOlder prepends the previous page while shown messages keep their identity', async () => {
    const { result } = renderHook(() => useMessages('h-long', { pageSize: 5 }), { wrapper })
    await waitFor(() => expect(result.current.loading).toBe(false))
    const shown = result.current.messages
    expect(shown.map((m) => m.id)).toEqual(['h8', 'h9', 'h10', 'h11', 'h12'])
    expect(result.current.hasOlder).toBe(true)
    await act(() => result.current.loadOlder())
    const now = result.current.messages
    expect(now.map((m) => m.id)).toEqual(['h3', 'h4', 'h5', 'h6', 'h7', ...shown.map((m) => m.id)])
    shown.forEach((m, i) => expect(now[i + 5]).toBe(m))
    await act(() => result.current.loadOlder())
    expect(result.current.messages).toHaveLength(12)
    expect(result.current.hasOlder).toBe(false)
  })

  it('create is optimistic: pending at once, then reconciled with the stored message', async () => {
    const { result } = renderHook(() => useMessages('h-send'), { wrapper })
    await waitFor(() => expect(result.current.loading).toBe(false))
    let sent!: Promise<unknown>
    act(() => {
      sent = result.current.create({ body: { text: 'hello' }, role: 'user' })
    })
    const pending = result.current.messages.at(-1)!
    expect(pending).toMatchObject({ pending: true, body: { text: 'hello' }, author: 'alice' })
    await act(async () => {
      await sent
    })
    const stored = result.current.messages.at(-1)!
    expect(stored.id).toBe(pending.id)
    expect(stored.pending).toBeUndefined()
    expect(stored.seq).toBe(1)
    expect((await alice.messages('h-send').get(stored.id)).body).toEqual({ text: 'hello' })
  })

  it('a thread not created yet is an empty list without an error; no access stays an error', async () => {
    const { result } = renderHook(() => useMessages('h-brand-new'), { wrapper })
    await waitFor(() => expect(result.current.loading).toBe(false))
    expect(result.current).toMatchObject({ messages: [], hasOlder: false, error: undefined })
    await act(() => result.current.create({ body: { text: 'hello' }, role: 'user' }))
    expect(result.current.messages.map((m) => m.body.text)).toEqual(['hello'])
    expect(result.current.error).toBeUndefined()

    const owner = createClient({ ...server.frontend('owner'), WebSocket })
    await owner.threads.create({ id: 'h-private' })
    const denied = renderHook(() => useMessages('h-private'), { wrapper })
    await waitFor(() => expect(denied.result.current.loading).toBe(false))
    expect(denied.result.current.error?.code).toBe('THREAD_ACCESS_DENIED')
  })

  it('a rejected create is rolled back, keeps what was shown, and reports the error', async () => {
    const owner = createClient({ ...server.frontend('owner'), WebSocket })
    await owner.messages('h-readonly').create({ id: 'ro1', body: { text: 'read me' } })
    await owner.participants('h-readonly').add('alice', 'viewer')
    const { result } = renderHook(() => useMessages('h-readonly'), { wrapper })
    await waitFor(() => expect(result.current.loading).toBe(false))
    const before = result.current.messages
    let failure: unknown
    await act(async () => {
      failure = await result.current
        .create({ body: { text: 'not allowed' } })
        .catch((e: unknown) => e)
    })
    expect(failure).toMatchObject({ status: 403, code: 'READ_ONLY_PARTICIPANT' })
    expect(result.current.messages).toEqual(before)
    expect(result.current.messages[0]).toBe(before[0])
    expect(result.current.error?.code).toBe('READ_ONLY_PARTICIPANT')
    expect((await owner.messages('h-readonly').list()).messages.map((m) => m.id)).toEqual(['ro1'])
  })

  it('a create whose reply is lost stays as failed; retry confirms it, discard drops one', async () => {
    let lose = 0
    const lossy = createClient({
      ...server.frontend('alice'),
      retry: { retries: 0 },
      fetch: async (input, init) => {
        const res = await fetch(input, init)
        if (init?.method !== 'POST' || lose === 0) return res
        lose -= 1
        throw new TypeError('fetch failed (the reply was lost)')
      },
    })
    const lossyWrapper = ({ children }: { children: ReactNode }) => (
      <ProgressDBProvider client={lossy}>{children}</ProgressDBProvider>
    )
    const { result } = renderHook(() => useMessages('h-lost', { live: false }), {
      wrapper: lossyWrapper,
    })
    await waitFor(() => expect(result.current.loading).toBe(false))
    lose = 2
    await act(async () => {
      await result.current.create({ body: { text: 'maybe stored' } }).catch(() => undefined)
      await result.current.create({ body: { text: 'drop me' } }).catch(() => undefined)
    })
    const [kept, dropped] = result.current.messages
    expect([kept?.sendState, dropped?.sendState]).toEqual(['failed', 'failed'])
    act(() => result.current.discard(dropped!.id))
    expect(result.current.messages.map((m) => m.id)).toEqual([kept!.id])
    await act(() => result.current.retry(kept!.id))
    expect(result.current.messages).toHaveLength(1)
    expect(result.current.messages[0]).toMatchObject({
      id: kept!.id,
      body: { text: 'maybe stored' },
    })
    expect(result.current.messages[0]?.pending).toBeUndefined()
    const stored = (await alice.messages('h-lost').list()).messages
    expect(stored.map((m) => m.body)).toEqual([{ text: 'maybe stored' }, { text: 'drop me' }])
  })

  it('edit, react and delete are reflected', async () => {
    await alice.messages('h-edit').create({ id: 'e1', body: { text: 'first' } })
    await alice.messages('h-edit').create({ id: 'e2', body: { text: 'second' } })
    const { result } = renderHook(() => useMessages('h-edit'), { wrapper })
    await waitFor(() => expect(result.current.loading).toBe(false))
    const untouched = result.current.messages[1]
    await act(() => result.current.update('e1', { body: { text: 'first, edited' } }))
    expect(result.current.messages[0]).toMatchObject({
      id: 'e1',
      version: 2,
      body: { text: 'first, edited' },
    })
    expect(result.current.messages[1]).toBe(untouched)
    await act(() => result.current.react('e2', '👍'))
    expect(result.current.messages[1]!.reactions).toEqual({ '👍': ['alice'] })
    await act(() => result.current.remove('e1'))
    expect(result.current.messages.map((m) => m.id)).toEqual(['e2'])
    expect((await alice.messages('h-edit').list()).messages.map((m) => m.id)).toEqual(['e2'])
  })

  it('switching threads never shows the previous thread’s messages', async () => {
    await alice.messages('h-a').create({ body: { text: 'in A' } })
    await alice.messages('h-b').create({ body: { text: 'in B' } })
    const rendered: { threadId: string; messages: readonly StoreMessage[] }[] = []
    const { result, rerender } = renderHook(
      ({ threadId }: { threadId: string }) => {
        const state = useMessages(threadId)
        rendered.push({ threadId, messages: state.messages })
        return state
      },
      { wrapper, initialProps: { threadId: 'h-a' } },
    )
    await waitFor(() => expect(result.current.messages.map((m) => m.body.text)).toEqual(['in A']))
    rerender({ threadId: 'h-b' })
    expect(result.current.messages).toEqual([])
    expect(result.current.loading).toBe(true)
    await waitFor(() => expect(result.current.messages.map((m) => m.body.text)).toEqual(['in B']))
    for (const r of rendered) for (const m of r.messages) expect(m.thread).toBe(r.threadId)
    expect(rendered.some((r) => r.threadId === 'h-b' && r.messages.length === 0)).toBe(true)
  })

  it('useThreads lists, creates and removes threads', async () => {
    const zoe = createClient({ ...server.frontend('zoe'), WebSocket })
    await zoe.threads.create({ id: 'zoe-1', title: 'One' })
    const zoeWrapper = ({ children }: { children: ReactNode }) => (
      <ProgressDBProvider client={zoe}>{children}</ProgressDBProvider>
    )
    const { result } = renderHook(() => useThreads({ sortBy: 'created_ts' }), {
      wrapper: zoeWrapper,
    })
    await waitFor(() => expect(result.current.loading).toBe(false))
    expect(result.current.threads.map((t) => t.id)).toEqual(['zoe-1'])
    await act(() => result.current.create({ id: 'zoe-2', title: 'Two' }))
    expect(result.current.threads.map((t) => t.id)).toEqual(['zoe-2', 'zoe-1'])
    await act(() => result.current.remove('zoe-1'))
    expect(result.current.threads.map((t) => t.title)).toEqual(['Two'])
  })

  it('useThread and useMessage read one item and apply changes', async () => {
    await alice.messages('h-one').create({ id: 'only', body: { text: 'solo' } })
    const { result } = renderHook(
      () => ({ thread: useThread('h-one'), message: useMessage('h-one', 'only') }),
      {
        wrapper,
      },
    )
    await waitFor(() =>
      expect(result.current.thread.loading || result.current.message.loading).toBe(false),
    )
    expect(result.current.thread.thread).toMatchObject({ id: 'h-one', message_count: 1 })
    expect(result.current.message.message?.body.text).toBe('solo')
    await act(() => result.current.thread.update({ title: 'Solo thread' }))
    expect(result.current.thread.thread?.title).toBe('Solo thread')
    await act(() => result.current.message.update({ body: { text: 'solo, edited' } }))
    expect(result.current.message.message).toMatchObject({
      version: 2,
      body: { text: 'solo, edited' },
    })
    await act(() => result.current.message.remove())
    expect(result.current.message.message?.deleted).toBe(true)
  })

  it('hooks outside a provider fail with a clear message', () => {
    expect(() => renderHook(() => useMessages('x'))).toThrow(/ProgressDBProvider/)
  })
})
