/**
 * A tiny HTTP proxy in front of the real server that can lose responses: `drop` forwards the
 * request, waits for the server's answer, then destroys the client's socket instead of
 * replying (the write happened, the client never hears of it); `hold` never answers; an
 * `{ status }` answers in the server's place without forwarding (a gateway's 503, a 429).
 */
import http, { type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

export type ProxyAction =
  'forward' | 'drop' | 'hold' | { status: number; headers?: Record<string, string>; body?: string }

export interface FaultyProxy {
  url: string
  /** Requests seen, as `METHOD path`, in arrival order. */
  seen: string[]
  close(): Promise<void>
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}

export async function startFaultyProxy(
  target: string,
  decide: (req: IncomingMessage, index: number) => ProxyAction,
): Promise<FaultyProxy> {
  const seen: string[] = []
  const upstream = new URL(target)
  const server = http.createServer((req, res) => {
    const action = decide(req, seen.length)
    seen.push(`${req.method} ${req.url}`)
    if (action === 'hold') return
    if (typeof action === 'object') {
      void readAll(req).then(() =>
        res
          .writeHead(action.status, { 'content-type': 'text/plain', ...action.headers })
          .end(action.body ?? 'injected'),
      )
      return
    }
    void readAll(req).then((body) => {
      const forwarded = http.request(
        {
          host: upstream.hostname,
          port: upstream.port,
          method: req.method,
          path: req.url,
          headers: { ...req.headers, host: upstream.host },
        },
        (answer) => {
          if (action === 'drop') {
            answer.resume()
            answer.on('end', () => req.socket.destroy())
            return
          }
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        },
      )
      forwarded.on('error', () => req.socket.destroy())
      forwarded.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}
