import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signUser } from '../src/auth/user-signature.js'
import { KEYS, startTestServer, type TestServer } from './harness.js'

const T = '/frontend/v1/threads'
const DUR = /^app;dur=(\d+\.\d{3})$/

/** The `dur` of a `Server-Timing` header, in ms. */
function durationOf(header: string | null): number {
  const match = DUR.exec(header ?? '')
  if (!match) throw new Error(`no Server-Timing duration in ${String(header)}`)
  return Number(match[1])
}

describe('server.serverTiming', () => {
  let timed: TestServer
  let plain: TestServer
  beforeAll(async () => {
    timed = await startTestServer({ env: { PROGRESSDB_SERVER_TIMING: 'true' } })
    plain = await startTestServer()
  })
  afterAll(async () => {
    await timed.close()
    await plain.close()
  })

  it('is off by default', async () => {
    const res = await plain.user('ana').post(T, { id: 'quiet' })
    expect(res.status).toBe(201)
    expect(res.headers.get('server-timing')).toBeNull()
  })

  it('times every reply when on, errors included, within the round trip the client saw', async () => {
    const sentAt = performance.now()
    const created = await timed.user('ana').post(T, { id: 'timed' })
    const roundTrip = performance.now() - sentAt
    expect(created.status).toBe(201)
    const dur = durationOf(created.headers.get('server-timing'))
    expect(dur).toBeGreaterThan(0)
    expect(dur).toBeLessThan(roundTrip)

    const refused = await timed.raw().get(T)
    expect(refused.status).toBe(401)
    durationOf(refused.headers.get('server-timing'))
    const health = await timed.raw().get('/healthz')
    durationOf(health.headers.get('server-timing'))
  })

  it('counts from the request headers: a body that arrives late is inside the duration', async () => {
    let finish!: () => void
    const late = new Promise<void>((resolve) => (finish = resolve))
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode('{"id":"slow",'))
        await late
        controller.enqueue(new TextEncoder().encode('"body":{"text":"hi"}}'))
        controller.close()
      },
    })
    const reply = fetch(`${timed.url}${T}/slow-thread/messages`, {
      method: 'POST',
      body,
      duplex: 'half',
      headers: {
        authorization: `Bearer ${KEYS.frontend}`,
        'x-user-id': 'ana',
        'x-user-signature': signUser(KEYS.signing, 'ana'),
        'content-type': 'application/json',
      },
    })
    setTimeout(finish, 150)
    const res = await reply
    expect(res.status).toBe(201)
    expect(durationOf(res.headers.get('server-timing'))).toBeGreaterThanOrEqual(140)
  })
})
