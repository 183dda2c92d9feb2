import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { Pool } from 'undici'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runClosedLoop, runOpenLoop, type NextRequest } from './load-loop.js'

/**
 * A server that records when each request arrived; `/fail` answers 500, `/slow` after 30 ms,
 * `/timed` with a `Server-Timing` of 1.25 ms on even request numbers and 3.5 ms on odd ones.
 */
let server: http.Server
let pool: Pool
const arrivals: number[] = []

beforeAll(async () => {
  server = http.createServer((req, res) => {
    arrivals.push(performance.now())
    req.resume()
    req.on('end', () => {
      const timing = req.url?.startsWith('/timed/') ? { 'Server-Timing': `app;dur=${Number(req.url.slice(7)) % 2 ? '3.500' : '1.250'}` } : {}
      const answer = () => res.writeHead(req.url === '/fail' ? 500 : 200, timing).end('{}')
      if (req.url === '/slow') setTimeout(answer, 30)
      else answer()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  pool = new Pool(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, { connections: 16 })
})

afterAll(async () => {
  await pool.close()
  await new Promise((resolve) => server.close(resolve))
})

const get = (path: string): NextRequest => () => ({ method: 'GET', path, headers: {} })

describe('open loop', () => {
  it('sends every scheduled request, spread over the run at the given rate', async () => {
    arrivals.length = 0
    const result = await runOpenLoop(pool, get('/ok'), { ratePerS: 500, durationMs: 400 })
    expect(result.requests).toBe(200)
    expect(result.errors).toBe(0)
    expect(arrivals).toHaveLength(200)
    // Not sent in a burst: the last request is due 398 ms after the first (which also opens a
    // connection, so it may arrive a little late).
    expect(arrivals.at(-1)! - arrivals[0]!).toBeGreaterThanOrEqual(350)
    expect(result.durationS).toBeGreaterThanOrEqual(0.39)
    expect(result.latencyMs.p50).toBeGreaterThan(0)
  })

  it('counts queueing from the scheduled send time, not from when a request got out', async () => {
    // 16 connections, 30 ms each: at most ~530 requests/s get through, and 1,000/s are scheduled.
    const result = await runOpenLoop(pool, get('/slow'), { ratePerS: 1000, durationMs: 300 })
    expect(result.requests).toBe(300)
    // The last requests waited behind the earlier ones: far longer than the 30 ms service time.
    expect(result.latencyMs.max).toBeGreaterThan(200)
  })

  it('counts error statuses as errors, not as latencies', async () => {
    const result = await runOpenLoop(pool, get('/fail'), { ratePerS: 200, durationMs: 100 })
    expect(result.requests).toBe(0)
    expect(result.errors).toBe(20)
    expect(result.errorSamples[0]).toBe('HTTP 500')
  })
})

describe('closed loop', () => {
  it('keeps the given number of requests in flight until the limit', async () => {
    const result = await runClosedLoop(pool, get('/ok'), { connections: 8, durationMs: 10_000, maxRequests: 100 })
    expect(result.requests).toBe(100)
    expect(result.errors).toBe(0)
  })
})

describe("the server's own time", () => {
  it('is read from Server-Timing when replies carry it, and absent when they do not', async () => {
    const timed: NextRequest = (i) => ({ method: 'GET', path: `/timed/${i}`, headers: {} })
    const closed = await runClosedLoop(pool, timed, { connections: 4, durationMs: 10_000, maxRequests: 100 })
    expect(closed.serverMs).toMatchObject({ p50: 3.5, max: 3.5 })
    expect(closed.serverMs!.mean).toBeCloseTo((1.25 + 3.5) / 2, 6)
    const open = await runOpenLoop(pool, timed, { ratePerS: 500, durationMs: 100 })
    expect(open.serverMs).toMatchObject({ max: 3.5 })
    expect(open.serverMs!.p50).toBeGreaterThanOrEqual(1.25)
    const untimed = await runClosedLoop(pool, get('/ok'), { connections: 4, durationMs: 10_000, maxRequests: 20 })
    expect(untimed.serverMs).toBeUndefined()
  })
})

describe('load generator CPU', () => {
  it("reports the CPU the generator's own process used over the run", async () => {
    // Each request first burns 2 ms of this process's CPU: the generator is the busy side.
    const burn: NextRequest = (i) => {
      const until = process.cpuUsage().user + 2000
      while (process.cpuUsage().user < until);
      return get('/ok')(i)
    }
    const busy = await runClosedLoop(pool, burn, { connections: 1, durationMs: 10_000, maxRequests: 100 })
    // 50 requests a second with nothing to compute: the generator mostly sleeps.
    const idle = await runOpenLoop(pool, get('/ok'), { ratePerS: 50, durationMs: 400 })
    expect(busy.loadGenCpuPercent).toBeGreaterThan(25)
    expect(idle.loadGenCpuPercent).toBeGreaterThan(0)
    expect(idle.loadGenCpuPercent).toBeLessThan(busy.loadGenCpuPercent / 2)
  })
})
