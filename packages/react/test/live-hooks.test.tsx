// @vitest-environment jsdom
import WebSocket from 'ws'
import { createClient, type ChatBody, type ProgressDBClient } from '@progressdb/js'
import {
  ProgressDBProvider,
  useMessages,
  usePresence,
  useThread,
  useTyping,
  useUnread,
} from '@progressdb/react'
import { act, cleanup, render, renderHook, screen, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startFixtureServer, type FixtureServer } from '../../js/test/fixture.js'

describe('@progressdb/react hooks, live', () => {
  let server: FixtureServer
  let alice: ProgressDBClient
  let bob: ProgressDBClient
  const providerOf = (client: ProgressDBClient) =>
    function Wrapper({ children }: { children: ReactNode }) {
      return <ProgressDBProvider client={client}>{children}</ProgressDBProvider>
    }
  const shared = (threadId: string) =>
    alice.threads.create({ id: threadId, participants: { bob: 'member' } })

  beforeAll(async () => {
    server = await startFixtureServer()
    alice = createClient({ ...server.frontend('alice'), WebSocket })
    bob = createClient({ ...server.frontend('bob'), WebSocket })
  })
  afterEach(() => cleanup())
  afterAll(async () => {
    alice.realtime.close()
    bob.realtime.close()
    await server.close()
  })

  it("useMessages renders another user's messages, edits, deletes and a growing stream", async () => {
    await shared('lh-1')
    const rendered: string[] = []
    function Texts() {
      const { messages, loading } = useMessages('lh-1')
      const text = messages
        .map((m) => `${m.body.text}${m.status === 'streaming' ? '…' : ''}`)
        .join(' | ')
      rendered.push(text)
      return <p data-testid="texts">{loading ? 'loading' : text || 'empty'}</p>
    }
    render(<Texts />, { wrapper: providerOf(alice) })
    const shown = () => screen.getByTestId('texts').textContent
    await waitFor(() => expect(shown()).toBe('empty'))
    const theirs = bob.messages<ChatBody>('lh-1')
    await theirs.create({ id: 'b1', body: { text: 'hello' } })
    await waitFor(() => expect(shown()).toBe('hello'))
    await theirs.update('b1', { body: { text: 'hello, edited' } })
    await waitFor(() => expect(shown()).toBe('hello, edited'))
    await theirs.delete('b1')
    await waitFor(() => expect(shown()).toBe('empty'))

    const s = await bob.streamMessage<ChatBody>('lh-1', { role: 'assistant' })
    await s.append('Thinking')
    await waitFor(() => expect(shown()).toBe('Thinking…'))
    await s.append(' done')
    await waitFor(() => expect(shown()).toBe('Thinking done…'))
    await s.finalize()
    await waitFor(() => expect(shown()).toBe('Thinking done'))
    expect(rendered).toContain('Thinking…')
  })

  it('usePresence and useTyping: who is here, who else types', async () => {
    await shared('lh-2')
    const mine = renderHook(() => ({ users: usePresence('lh-2'), typing: useTyping('lh-2') }), {
      wrapper: providerOf(alice),
    })
    const theirs = renderHook(() => useTyping('lh-2'), { wrapper: providerOf(bob) })
    await waitFor(() => expect(mine.result.current.users).toEqual(['alice', 'bob']))
    act(() => theirs.result.current.setTyping(true))
    await waitFor(() => expect(mine.result.current.typing.typingUsers).toEqual(['bob']))
    expect(theirs.result.current.typingUsers).toEqual([]) // not shown to the typist
    act(() => theirs.result.current.setTyping(false))
    await waitFor(() => expect(mine.result.current.typing.typingUsers).toEqual([]))
    theirs.unmount()
    await waitFor(() => expect(mine.result.current.users).toEqual(['alice']))
  })

  it('useUnread counts what others wrote and drops to 0 when read', async () => {
    await shared('lh-3')
    const { result } = renderHook(() => useUnread('lh-3'), { wrapper: providerOf(alice) })
    await bob.messages('lh-3').create({ id: 'u1', body: { text: 'one' } })
    await bob.messages('lh-3').create({ id: 'u2', body: { text: 'two' } })
    await waitFor(() => expect(result.current).toBe(2))
    await alice.markRead('lh-3', 'u2')
    await waitFor(() => expect(result.current).toBe(0))
  })

  it('on a thread that does not exist yet, every hook goes live once the first create makes it', async () => {
    const { result } = renderHook(
      () => ({
        messages: useMessages('lh-new'),
        thread: useThread('lh-new'),
        unread: useUnread('lh-new'),
        here: usePresence('lh-new'),
        typing: useTyping('lh-new'),
      }),
      { wrapper: providerOf(alice) },
    )
    await waitFor(() => expect(result.current.thread.error?.code).toBe('THREAD_NOT_FOUND'))
    await waitFor(() => expect(result.current.messages.loading).toBe(false))
    expect(result.current.messages.error).toBeUndefined() // a new chat shows no error
    await act(() => result.current.messages.create({ body: { text: 'first' }, role: 'user' }))
    await alice.participants('lh-new').add('bob')
    const theirs = renderHook(() => useTyping('lh-new'), { wrapper: providerOf(bob) })
    await waitFor(() => expect(result.current.here).toEqual(['alice', 'bob']))
    act(() => theirs.result.current.setTyping(true))
    await waitFor(() => expect(result.current.typing.typingUsers).toEqual(['bob']))
    await bob.messages('lh-new').create({ id: 'r1', body: { text: 'reply' } })
    await waitFor(() => expect(result.current.unread).toBe(1))
    expect(result.current.thread).toMatchObject({ thread: { id: 'lh-new' }, error: undefined })
    await waitFor(() =>
      expect(result.current.messages.messages.map((m) => m.body.text)).toEqual(['first', 'reply']),
    )
    theirs.unmount()
  })
})
