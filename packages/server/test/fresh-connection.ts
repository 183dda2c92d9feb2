import http from 'node:http'
import { headersFor } from './crash-workload.js'

/** One request on a new connection (no keep-alive), so node:cluster hands it to the next worker. */
function fresh(
  url: string,
  pathname: string,
  options: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${pathname}`,
      { method: options.method, agent: false, headers: { ...options.headers, connection: 'close' } },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
      },
    )
    req.on('error', reject)
    req.end(options.body)
  })
}

/** A create (or any POST) as writer-0 on a new connection; resolves with the status. */
export async function postFresh(url: string, pathname: string, body: unknown): Promise<number> {
  const res = await fresh(url, pathname, { method: 'POST', headers: headersFor('writer-0', 'fast'), body: JSON.stringify(body) })
  return res.status
}

/** A GET on a new connection, with the body as text. */
export function getFresh(url: string, pathname: string): Promise<{ status: number; text: string }> {
  return fresh(url, pathname, { method: 'GET' })
}
