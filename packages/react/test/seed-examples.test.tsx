// @vitest-environment jsdom
/**
 * The two integration examples of the product spec (SPEC.md section 1), verbatim, compiled by
 * `tsc -p tsconfig.test.json` and run against a real server.
 *
 * The backend snippet names `http://localhost:8080`, so the fixture server is started on port
 * 8080 and the snippet runs exactly as written. When 8080 is taken on a developer's machine
 * (e.g. by `npm start`), the snippet still runs unchanged and a fetch wrapper retargets
 * that one origin to the fixture's port, loudly; under CI=true a taken port fails the test
 * instead, so CI always proves the verbatim form.
 */
import ProgressDB from '@progressdb/node'
import { useMessages } from '@progressdb/react'
import { createClient, ProgressDBProvider, type NewMessage } from '@progressdb/react'
import WebSocket from 'ws'
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { useState } from 'react'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isPortFree, KEYS, startFixtureServer, type FixtureServer } from '../../js/test/fixture.js'

async function backendExample(chatId: string, message: NewMessage) {
  // prettier-ignore
  const db = ProgressDB({ baseUrl: 'http://localhost:8080', apiKey: process.env.PROGRESSDB_KEY })
  // prettier-ignore
  await db.createThreadMessage(chatId, message, 'user-123') // creates the thread if it is new
}

function Chat({ threadId }: { threadId: string }) {
  const [text, setText] = useState('')
  // prettier-ignore
  const { messages, create } = useMessages(threadId)
  async function send() {
    // prettier-ignore
    await create({ body: { text }, role: 'user' })
    setText('')
  }
  // prettier-ignore
  const texts = messages.map(m => m.body.text) // each m has m.id
  return (
    <div>
      <ul>
        {messages.map((m, i) => (
          <li key={m.id}>{texts[i]}</li>
        ))}
      </ul>
      <input aria-label="message" value={text} onChange={(e) => setText(e.target.value)} />
      <button onClick={() => void send()}>Send</button>
    </div>
  )
}

/** Sends requests for http://localhost:8080 to the fixture when 8080 was taken (see above). */
function retargetPort8080(url: string): () => void {
  const realFetch = globalThis.fetch
  globalThis.fetch = (input, init) => {
    const target = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url
    const moved = target.startsWith('http://localhost:8080')
      ? url + target.slice('http://localhost:8080'.length)
      : input
    return realFetch(moved, init)
  }
  return () => {
    globalThis.fetch = realFetch
  }
}

describe('the seed examples, verbatim', () => {
  let server: FixtureServer | undefined
  let restoreFetch = () => {}
  beforeAll(async () => {
    const free = await isPortFree(8080)
    if (!free && process.env.CI === 'true')
      throw new Error('Port 8080 is taken: the verbatim seed example needs it in CI.')
    server = await startFixtureServer(free ? { port: 8080 } : {})
    if (!free) {
      console.warn(
        `\n*** Port 8080 is taken: the seed backend example is retargeted to ${server.url} ***\n`,
      )
      restoreFetch = retargetPort8080(server.url)
    }
    process.env.PROGRESSDB_KEY = KEYS.backend
  })
  afterAll(async () => {
    cleanup()
    restoreFetch()
    delete process.env.PROGRESSDB_KEY
    // Undefined when beforeAll refused to start (port 8080 taken in CI): its error is the one to see.
    await server?.close()
  })

  it('the backend writes a message as user-123 and the React component shows it and sends another', async () => {
    await backendExample('seed-chat', {
      body: { text: 'Hello from the backend' },
      role: 'assistant',
    })

    const client = createClient({ ...server!.frontend('user-123'), WebSocket })
    const thread = await client.threads.get('seed-chat')
    expect(thread).toMatchObject({ author: 'user-123', message_count: 1 })

    render(
      <ProgressDBProvider client={client}>
        <Chat threadId="seed-chat" />
      </ProgressDBProvider>,
    )
    expect(await screen.findByText('Hello from the backend')).toBeTruthy()
    fireEvent.change(screen.getByLabelText('message'), { target: { value: 'Hi from React' } })
    fireEvent.click(screen.getByText('Send'))
    expect(await screen.findByText('Hi from React')).toBeTruthy()
    await waitFor(async () => {
      const stored = await client.messages<{ text: string }>('seed-chat').list()
      expect(stored.messages.map((m) => [m.role, m.body.text])).toEqual([
        ['assistant', 'Hello from the backend'],
        ['user', 'Hi from React'],
      ])
    })
    // The component clears its input once `create` has resolved.
    await waitFor(() => expect(screen.getByLabelText<HTMLInputElement>('message').value).toBe(''))
  })
})
