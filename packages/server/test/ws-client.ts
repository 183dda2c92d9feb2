import WebSocket from 'ws'
import { signUser } from '../src/auth/user-signature.js'
import { KEYS } from './harness.js'

export interface Frame {
  type: string
  thread_id?: string
  code?: string
  since?: number
  users?: string[]
  user_id?: string
  typing?: boolean
  events?: { change: number; type: string; message_id?: string }[]
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
