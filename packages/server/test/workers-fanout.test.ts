import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { spawnServer, type ServerProcess } from '../src/bench/server-process.js'
import { crashEnv, headersFor } from './crash-workload.js'
import { parseExposition, sumOf } from '../src/metrics/exposition-parser.js'
import { getFresh, postFresh } from './fresh-connection.js'
import { openEventStream } from './sse-client.js'
import { connect } from './ws-client.js'

describe('--workers 2', () => {
  let server: ServerProcess
  let dataDir: string
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-workers-'))
    server = await spawnServer({ args: ['--port', '0', '--data-dir', dataDir, '--workers', '2', '--log-level', 'warn'], env: crashEnv })
  })
  afterAll(async () => {
    expect(await server.stop()).toBe(0)
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('keeps a second --workers group off its data directory: it exits with the reason', async () => {
    const second = spawnServer({ args: ['--port', '0', '--data-dir', dataDir, '--workers', '2', '--log-level', 'warn'], env: crashEnv })
    const failure = await second.then(
      () => 'started',
      (error: unknown) => String(error),
    )
    expect(failure).toMatch(/exited \(1\) before it was ready/)
    expect(failure).toContain('another --workers group')
    expect((await getFresh(server.url, '/healthz')).status).toBe(200)
  })

  it('delivers a change written through either worker to a stream held by one of them', async () => {
    const thread = '/frontend/v1/threads/fan'
    expect(await postFresh(server.url, `${thread}/messages`, { id: 'm0', body: 0 })).toBe(201)
    const stream = await openEventStream(`${server.url}${thread}/events`, headersFor('writer-0', 'fast'))
    // Each write waits for its own event: without the relay, a write served by the other
    // worker would not reach this stream until a later write on the stream's own worker.
    for (let i = 1; i <= 6; i++) {
      expect(await postFresh(server.url, `${thread}/messages`, { id: `m${i}`, body: i })).toBe(201)
      await stream.waitFor(i, 5_000)
    }
    stream.abort()
    expect(stream.frames.map((f) => (JSON.parse(f.data) as { message_id: string }).message_id)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'm6'])
  })

  it('delivers them to a WebSocket subscription too', async () => {
    const thread = '/frontend/v1/threads/fan-ws'
    expect(await postFresh(server.url, `${thread}/messages`, { id: 'w0', body: 0 })).toBe(201)
    const ws = new WebSocket(`${server.url.replace('http:', 'ws:')}/frontend/v1/ws`, { headers: headersFor('writer-0', 'fast') })
    const ids: string[] = []
    let subscribed = false
    ws.on('message', (data: Buffer) => {
      const frame = JSON.parse(data.toString()) as { type: string; events?: { message_id?: string }[] }
      if (frame.type === 'subscribed') subscribed = true
      for (const e of frame.events ?? []) if (e.message_id) ids.push(e.message_id)
    })
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject))
    ws.send(JSON.stringify({ type: 'subscribe', thread_id: 'fan-ws' }))
    const until = async (done: () => boolean) => {
      const deadline = Date.now() + 5_000
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out with ${JSON.stringify(ids)}`)
        await new Promise((r) => setTimeout(r, 10))
      }
    }
    await until(() => subscribed)
    for (let i = 1; i <= 6; i++) {
      expect(await postFresh(server.url, `${thread}/messages`, { id: `w${i}`, body: i })).toBe(201)
      await until(() => ids.length === i)
    }
    ws.close()
    expect(ids).toEqual(['w1', 'w2', 'w3', 'w4', 'w5', 'w6'])
  })

  it('delivers thread-list updates for writes through either worker', async () => {
    const client = await connect(server.url.replace('http:', 'ws:'), 'writer-0')
    client.send({ type: 'subscribe_threads' })
    await client.until((f) => f.some((x) => x.type === 'threads_subscribed'))
    const lastMessages = () =>
      client.frames.flatMap((f) => (f.type === 'threads' ? f.threads!.filter((t) => t.id === 'fan-list').map((t) => t.last_message?.id) : []))
    for (let i = 1; i <= 6; i++) {
      expect(await postFresh(server.url, '/frontend/v1/threads/fan-list/messages', { id: `l${i}`, body: i })).toBe(201)
      await client.until(() => lastMessages().includes(`l${i}`), 5_000)
    }
    client.ws.close()
    expect(lastMessages()).toEqual(['l1', 'l2', 'l3', 'l4', 'l5', 'l6'])
  })

  it('answers /metrics with every worker\'s figures, whichever worker is asked', async () => {
    const route = '/frontend/v1/threads/:threadId/messages'
    const created = (text: string, where: Record<string, string> = {}) =>
      sumOf(parseExposition(text), 'progressdb_http_requests_total', { method: 'POST', route, status: '201', ...where })
    const first = await getFresh(server.url, '/metrics')
    expect(first.status).toBe(200)
    for (let i = 1; i <= 6; i++) expect(await postFresh(server.url, '/frontend/v1/threads/fan-metrics/messages', { id: `x${i}`, body: i })).toBe(201)
    // Each scrape is a new connection, so they land on both workers; every one sees the group.
    for (let i = 0; i < 4; i++) {
      const { status, text } = await getFresh(server.url, '/metrics')
      expect(status).toBe(200)
      const workers = new Set(parseExposition(text).filter((s) => s.name === 'process_cpu_seconds_total').map((s) => s.labels.worker))
      expect(workers.size).toBe(2)
      expect(created(text) - created(first.text)).toBe(6)
      // The creates of this file went through both workers, and each counts its own.
      for (const worker of workers) expect(created(text, { worker: worker! })).toBeGreaterThan(0)
    }
  })
})
