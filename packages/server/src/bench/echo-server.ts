import http from 'node:http'
import { SERVER_TIMING_HEADER, serverTimingValue } from '../http/server-timing.js'

/**
 * The `baseline` of the benchmark: node:http answering a JSON echo (read the body, parse it,
 * send it back). What the HTTP stack itself can do on this machine. It sends `Server-Timing`
 * like a ProgressDB server the bench starts, so its rows have the same `srv p99` column.
 */
const server = http.createServer((req, res) => {
  const started = performance.now()
  const chunks: Buffer[] = []
  req.on('data', (c: Buffer) => chunks.push(c))
  req.on('end', () => {
    const text = chunks.length ? Buffer.concat(chunks).toString() : '{}'
    const json = JSON.stringify({ echo: JSON.parse(text) as unknown })
    res.writeHead(200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(json),
      [SERVER_TIMING_HEADER]: serverTimingValue(started),
    })
    res.end(json)
  })
})
server.listen(0, '127.0.0.1', () => {
  const address = server.address()
  if (address && typeof address === 'object') process.stdout.write(`ProgressDB listening on http://127.0.0.1:${address.port}\n`)
})
process.on('SIGTERM', () => server.close(() => process.exit(0)))
