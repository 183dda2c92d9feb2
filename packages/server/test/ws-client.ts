import type { Thread } from '@progressdb/protocol'
import { afterAll, beforeAll } from 'vitest'
import WebSocket from 'ws'
import { signUser } from '../src/auth/user-signature.js'
import { KEYS, startTestServer, type TestServer, type TestServerOptions } from './harness.js'

/** One real server for the enclosing describe block, and its WebSocket base URL (`ws://…`). */
export function useRealtimeServer(options?: TestServerOptions): { readonly t: TestServer; readonly ws: string } {
  let server: TestServer | undefined
  beforeAll(async () => {
    server = await startTestServer(options)
  })
  afterAll(async () => server?.close())
  const started = () => {
    if (!server) throw new Error('the server starts in beforeAll')
    return server
  }
  return {
    get t() {
      return started()
    },
    get ws() {
      return started().url.replace('http:', 'ws:')
    },
  }
}

export interface Frame {
  type: string
  thread_id?: string
  code?: string
  since?: number
  users?: string[]
  user_id?: string
  typing?: boolean
  events?: { change: number; type: string; message_id?: string }[]
  cursor?: number
  threads?: Thread[]
  removed?: string[]
}

/** A test client: every frame received, and a way to wait for a condition on them. */
export async function connect(url: string, user: string, via: 'headers' | 'query' = 'headers') {
  const signature = signUser(KEYS.signing, user)
  const ws =
    via === 'headers'
      ? new WebSocket(`${url}/frontend/v1/ws`, {
          headers: { authorization: `Bearer ${KEYS.frontend}`, 'x-user-id': user, 'x-user-signature': signature },
        })
      : new WebSocket(`${url}/frontend/v1/ws?api_key=${KEYS.frontend}&user_id=${user}&signature=${signature}`)
  const frames: Frame[] = []
  ws.on('message', (data: Buffer) => frames.push(JSON.parse(data.toString()) as Frame))
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve())
    ws.once('error', reject)
  })
  const until = async (done: (f: Frame[]) => boolean, timeoutMs = 10_000) => {
    const deadline = Date.now() + timeoutMs
    while (!done(frames)) {
      if (Date.now() > deadline) throw new Error(`timed out; frames: ${JSON.stringify(frames).slice(0, 500)}`)
      await new Promise((r) => setTimeout(r, 10))
    }
  }
  const changes = () => frames.flatMap((f) => (f.type === 'events' ? f.events!.map((e) => e.change) : []))
  return { ws, frames, until, changes, send: (frame: object) => ws.send(JSON.stringify(frame)) }
}

export type WsTestClient = Awaited<ReturnType<typeof connect>>

/**
 * A thread list as a client keeps it from `threads` frames: upsert by id, drop the removed,
 * remember the newest cursor. `apply` takes frames from any number of connections in order.
 */
export function threadListView() {
  const threads = new Map<string, Thread>()
  let cursor: number | undefined
  return {
    threads,
    cursor: () => cursor,
    apply(frames: readonly Frame[]): void {
      for (const frame of frames) {
        if (frame.type === 'threads_subscribed') cursor = frame.cursor
        if (frame.type !== 'threads') continue
        for (const thread of frame.threads!) threads.set(thread.id, thread)
        for (const id of frame.removed!) threads.delete(id)
        cursor = frame.cursor
      }
    },
  }
}
