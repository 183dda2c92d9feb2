import http from 'node:http'
import { headersFor } from './crash-workload.js'

/** One request on a new connection (no keep-alive), so node:cluster hands it to the next worker. */
export function postFresh(url: string, pathname: string, body: unknown): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${url}${pathname}`,
      {
        method: 'POST',
        agent: false,
        headers: { ...headersFor('writer-0', 'fast'), connection: 'close' },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', reject)
    req.end(JSON.stringify(body))
  })
}

/** A GET on a new connection (see postFresh), with the body as text. */
export function getFresh(url: string, pathname: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${url}${pathname}`, { agent: false, headers: { connection: 'close' } }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }))
    })
    req.on('error', reject)
    req.end()
  })
}
