import { signUser } from '../src/auth/user-signature.js'
import { KEYS } from './harness.js'

export const CRASH_THREADS = 4

export interface AckedMessage {
  thread: string
  version: number
  body: unknown
  /** An edit sent with if_version = version whose reply never arrived: it may have landed. */
  maybeNext?: unknown
}

export const crashEnv = {
  PROGRESSDB_BACKEND_KEYS: KEYS.backend,
  PROGRESSDB_FRONTEND_KEYS: KEYS.frontend,
  PROGRESSDB_SIGNING_KEYS: KEYS.signing,
  PROGRESSDB_RATE_LIMIT_USER_PER_SECOND: '0',
  PROGRESSDB_RATE_LIMIT_KEY_PER_SECOND: '0',
}

export function headersFor(user: string, durability: 'fast' | 'safe'): Record<string, string> {
  return {
    authorization: `Bearer ${KEYS.frontend}`,
    'x-user-id': user,
    'x-user-signature': signUser(KEYS.signing, user),
    'x-progressdb-durability': durability,
    'content-type': 'application/json',
  }
}

/**
 * Concurrent creates and edits that record every acknowledged write, until `stop()` or until
 * the server goes away. Each worker edits only its own messages, so every edit it sends has a
 * known `if_version`.
 */
export function startWorkload(
  url: string,
  durability: 'fast' | 'safe',
  workers = 12,
  onAck: (acknowledged: number) => void = () => {},
) {
  const acked = new Map<string, AckedMessage>()
  let acks = 0
  let stopped = false
  let failures = 0
  /** How each writer's last request failed: the reply, or the socket error under fetch's. */
  const errors: string[] = []
  const worker = async (w: number) => {
    const user = `writer-${w % CRASH_THREADS}`
    const headers = headersFor(user, durability)
    const mine: string[] = []
    for (let i = 0; !stopped; i++) {
      try {
        const target = i % 3 === 2 ? mine[(i * 7) % mine.length] : undefined
        if (target) {
          const state = acked.get(target)!
          const body = { w, i, edited: true }
          state.maybeNext = body
          const res = await fetch(`${url}/frontend/v1/threads/${state.thread}/messages/${target}`, {
            method: 'PUT',
            headers,
            body: JSON.stringify({ body, if_version: state.version }),
          })
          if (res.status !== 200) throw new Error(`edit answered ${res.status}: ${await res.text()}`)
          const { message } = (await res.json()) as { message: { version: number } }
          acked.set(target, { thread: state.thread, version: message.version, body })
          onAck(++acks)
        } else {
          const id = `w${w}-${i}`
          const thread = `crash-${w % CRASH_THREADS}`
          const body = { w, i, text: 'x'.repeat(200) }
          const res = await fetch(`${url}/frontend/v1/threads/${thread}/messages`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ id, body }),
          })
          if (res.status !== 201) throw new Error(`create answered ${res.status}: ${await res.text()}`)
          await res.arrayBuffer()
          acked.set(id, { thread, version: 1, body })
          mine.push(id)
          onAck(++acks)
        }
      } catch (error) {
        failures++
        const cause = (error as { cause?: { code?: string; message?: string } }).cause
        errors.push(cause ? `${cause.code ?? ''} ${cause.message ?? ''}` : String(error))
        return
      }
    }
  }
  const done = Promise.all(Array.from({ length: workers }, (_, w) => worker(w)))
  return {
    acked,
    done,
    failures: () => failures,
    errors: () => [...errors],
    stop: async () => {
      stopped = true
      await done
    },
  }
}
