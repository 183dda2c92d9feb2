import { performance } from 'node:perf_hooks'
import WebSocket from 'ws'
import { BENCH_USERS, type BenchClient } from './bench-fixture.js'
import type { BenchRow, ScenarioContext } from './bench-scenarios.js'
import { createRecorder } from './latency-stats.js'
import { runClosedLoop, startCpuMeter } from './load-loop.js'

async function send(client: BenchClient, method: 'POST', path: string, user: number, body: unknown): Promise<number> {
  const res = await client.pool.request({ method, path, headers: client.as(user, 'fast'), body: JSON.stringify(body) })
  await res.body.dump()
  return res.statusCode
}

/**
 * `subscribers` WebSockets on one thread; messages are written one at a time and each is timed
 * from the write's start to its delivery on the last subscriber.
 */
export async function fanOutScenario(ctx: ScenarioContext, url: string, subscribers: number, messages: number): Promise<BenchRow> {
  const thread = 'fanout-0'
  await send(ctx.client, 'POST', `/frontend/v1/threads/${thread}/messages`, 0, { id: 'seed', body: 'seed' })
  const delivered = new Map<string, number>()
  let lastDelivery = 0
  const sockets = await Promise.all(
    Array.from({ length: subscribers }, () => {
      const ws = new WebSocket(`${url.replace('http:', 'ws:')}/frontend/v1/ws`, { headers: ctx.client.as(0, undefined) })
      ws.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as { events?: { message_id?: string }[] }
        for (const e of frame.events ?? []) {
          if (!e.message_id) continue
          delivered.set(e.message_id, (delivered.get(e.message_id) ?? 0) + 1)
          lastDelivery = performance.now()
        }
      })
      return new Promise<WebSocket>((resolve, reject) => {
        ws.once('open', () => {
          ws.send(JSON.stringify({ type: 'subscribe', thread_id: thread }))
          resolve(ws)
        })
        ws.once('error', reject)
      })
    }),
  )
  await new Promise((r) => setTimeout(r, 200)) // let every subscribe frame be served
  const recorder = createRecorder()
  let errors = 0
  const start = performance.now()
  const cpuPercent = startCpuMeter()
  for (let i = 0; i < messages; i++) {
    const id = `f${i}`
    const sentAt = performance.now()
    if ((await send(ctx.client, 'POST', `/frontend/v1/threads/${thread}/messages`, 0, { id, body: { text: 'x'.repeat(200) } })) !== 201) errors++
    const deadline = sentAt + 10_000
    while ((delivered.get(id) ?? 0) < subscribers && performance.now() < deadline) await new Promise((r) => setImmediate(r))
    if ((delivered.get(id) ?? 0) < subscribers) errors++
    else recorder.add(lastDelivery - sentAt)
  }
  const durationS = (performance.now() - start) / 1000
  for (const ws of sockets) ws.close()
  return {
    scenario: `fan-out ${subscribers} ws`,
    mode: 'fast',
    loop: 'closed',
    load: '1 writer',
    result: {
      requests: recorder.count,
      errors,
      durationS,
      rps: recorder.count / durationS,
      latencyMs: recorder.summary(),
      errorSamples: [],
      loadGenCpuPercent: cpuPercent(durationS),
    },
    note: 'latency = write start to delivery on the last subscriber',
  }
}

/** `streams` streaming messages appended to as fast as they go (closed loop), then finalized. */
export async function streamingScenario(ctx: ScenarioContext, streams: number): Promise<BenchRow> {
  const ids = Array.from({ length: streams }, (_, i) => ({ thread: `stream-${i}`, id: `s${i}`, user: i % BENCH_USERS }))
  for (const s of ids)
    await send(ctx.client, 'POST', `/frontend/v1/threads/${s.thread}/messages`, s.user, { id: s.id, role: 'assistant', body: { text: '' }, status: 'streaming' })
  const measured = await ctx.measure(() =>
    runClosedLoop(
      ctx.client.pool,
      (i) => {
        const s = ids[i % streams]!
        return {
          method: 'POST',
          path: `/frontend/v1/threads/${s.thread}/messages/${s.id}/append`,
          headers: ctx.client.as(s.user, 'fast'),
          body: JSON.stringify({ text: 'token ' }),
        }
      },
      { connections: streams, durationMs: ctx.durationMs },
    ),
  )
  for (const s of ids) await send(ctx.client, 'POST', `/frontend/v1/threads/${s.thread}/messages/${s.id}/finalize`, s.user, {})
  return {
    scenario: `streaming ${streams} streams`,
    mode: 'fast',
    loop: 'closed',
    load: `${streams} conns`,
    ...measured,
    note: `${(measured.result.rps / streams).toFixed(0)} appends/s per stream`,
  }
}
