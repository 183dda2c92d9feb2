import { createHmac, timingSafeEqual } from 'node:crypto'
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface ReceivedDelivery {
  headers: http.IncomingHttpHeaders
  /** The body exactly as received. */
  raw: string
  /** The status this receiver answered with (undefined while held). */
  answered: number | undefined
}

export interface WebhookReceiver {
  url: string
  received: ReceivedDelivery[]
  /** Resolves once `count` requests have arrived (or fails after the deadline). */
  waitFor(count: number, timeoutMs?: number): Promise<ReceivedDelivery[]>
  close(): Promise<void>
}

/**
 * A real HTTP receiver on loopback. `answer(n)` gives the status for the n-th request (1-based),
 * or `'hold'` to keep the request open without answering.
 */
export async function startWebhookReceiver(
  answer: (n: number) => number | 'hold' = () => 200,
): Promise<WebhookReceiver> {
  const received: ReceivedDelivery[] = []
  const held = new Set<http.ServerResponse>()
  const waiters: (() => void)[] = []
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const entry: ReceivedDelivery = {
        headers: req.headers,
        raw: Buffer.concat(chunks).toString('utf8'),
        answered: undefined,
      }
      received.push(entry)
      const status = answer(received.length)
      if (status === 'hold') held.add(res)
      else {
        entry.answered = status
        res.writeHead(status, { 'content-type': 'text/plain' }).end('ok')
      }
      for (const wake of waiters.splice(0)) wake()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    received,
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs
      while (received.length < count) {
        const left = deadline - Date.now()
        if (left <= 0) throw new Error(`the receiver got ${received.length} of ${count} requests`)
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, left)
          waiters.push(() => (clearTimeout(timer), resolve()))
        })
      }
      return received.slice(0, count)
    },
    async close() {
      for (const res of held) res.destroy()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** The verification procedure of docs/webhooks.md, as a receiver would write it. */
export function verifyProgressDBWebhook(
  secret: string,
  headers: http.IncomingHttpHeaders,
  rawBody: string,
  nowMs = Date.now(),
): boolean {
  const timestamp = headers['progressdb-webhook-timestamp']
  const signature = headers['progressdb-webhook-signature']
  if (typeof timestamp !== 'string' || typeof signature !== 'string' || !/^\d+$/.test(timestamp))
    return false
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > 300) return false
  const expected =
    'v1=' + createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')
  const a = Buffer.from(expected)
  const b = Buffer.from(signature)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** Polls `read` until `done` holds for its value (or fails after the deadline). */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline)
      throw new Error(`condition not met in time; last value: ${JSON.stringify(value)}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
