import { BENCH_USERS, BODY_1KB, seedThreads, type BenchClient } from './bench-fixture.js'
import { runClosedLoop, runOpenLoop, type LoadResult, type NextRequest } from './load-loop.js'
import type { ServerFigures } from './server-figures.js'

export type Mode = 'fast' | 'safe'

/** One measured run, as printed and written to JSON. */
export interface BenchRow {
  scenario: string
  mode: Mode | '-'
  loop: 'closed' | 'open'
  load: string
  result: LoadResult
  server?: { cpuPercent: number; rssMb: number }
  /** From the server's /metrics around the run (absent for the echo server). */
  figures?: ServerFigures
  note?: string
}

export interface ScenarioContext {
  client: BenchClient
  durationMs: number
  /** Measures the server around a run: its process tree (not with --url) and its /metrics. */
  measure: (run: () => Promise<LoadResult>) => Promise<Pick<BenchRow, 'result' | 'server' | 'figures'>>
}

const THREADS = 1000
/**
 * Unmeasured load each server gets before its first measured run. Without it the first run
 * measured the server's warm-up (JIT compilation, the first journal segment, the first LMDB
 * pages): run twice in a row on one server, the first create closed loop was 3-9 % slower and
 * had a 72-77 ms maximum against 27-28 ms for the second.
 */
const WARM_UP_MS = 2000

async function warmUp(ctx: ScenarioContext, next: NextRequest): Promise<void> {
  await runClosedLoop(ctx.client.pool, next, { connections: 64, durationMs: WARM_UP_MS })
}

/** Warms a ProgressDB server up with creates in threads of its own (`<prefix>-warm-*`). */
export async function warmUpServer(ctx: ScenarioContext, prefix: string): Promise<void> {
  await warmUp(ctx, (i) => ctx.client.create(`${prefix}-warm-${i % THREADS}`, i % THREADS, BODY_1KB, 'fast'))
}

async function closed(ctx: ScenarioContext, scenario: string, mode: Mode | '-', connections: number, next: NextRequest, note?: string): Promise<BenchRow> {
  const measured = await ctx.measure(() => runClosedLoop(ctx.client.pool, next, { connections, durationMs: ctx.durationMs }))
  return { scenario, mode, loop: 'closed', load: `${connections} conns`, ...measured, note }
}

async function open(ctx: ScenarioContext, scenario: string, mode: Mode | '-', ratePerS: number, next: NextRequest): Promise<BenchRow> {
  const measured = await ctx.measure(() => runOpenLoop(ctx.client.pool, next, { ratePerS, durationMs: ctx.durationMs }))
  return { scenario, mode, loop: 'open', load: `${ratePerS}/s`, ...measured }
}

/** Message creates spread over 1,000 threads, 1 KB bodies, frontend key + user signatures. */
export async function createScenario(ctx: ScenarioContext, prefix: string): Promise<BenchRow[]> {
  const next = (mode: Mode): NextRequest => (i) => ctx.client.create(`${prefix}-${i % THREADS}`, i % THREADS, BODY_1KB, mode)
  return [
    await closed(ctx, 'create', 'fast', 64, next('fast')),
    await open(ctx, 'create', 'fast', 3000, next('fast')),
    await closed(ctx, 'create', 'safe', 64, next('safe')),
    await open(ctx, 'create', 'safe', 1000, next('safe')),
  ]
}

/** Newest-50 pages and anchor reads of threads holding 10,000 messages each. */
export async function readScenario(ctx: ScenarioContext, threadCount: number): Promise<BenchRow[]> {
  const threads = Array.from({ length: threadCount }, (_, i) => ({ id: `read-${i}`, owner: i }))
  await seedThreads(ctx.client, threads, 10_000)
  const page = (i: number, query: string) => ({
    method: 'GET' as const,
    path: `/frontend/v1/threads/read-${i % threadCount}/messages?${query}`,
    headers: ctx.client.as(i % threadCount, undefined),
  })
  return [
    await closed(ctx, 'read newest-50', '-', 64, (i) => page(i, 'limit=50')),
    await closed(ctx, 'read anchor-50', '-', 64, (i) => page(i, `limit=50&anchor=m${(i * 7919) % 10_000}`)),
  ]
}

/** 70 % newest-50 reads, 25 % creates, 5 % edits over 1,000 threads. */
export async function chatScenario(ctx: ScenarioContext): Promise<BenchRow[]> {
  const threads = Array.from({ length: THREADS }, (_, i) => ({ id: `chat-${i}`, owner: i }))
  await seedThreads(ctx.client, threads, 10)
  const edit = JSON.stringify({ body: { text: 'edited '.repeat(140) } })
  const next = (mode: Mode): NextRequest => (i) => {
    const t = (i * 7) % THREADS
    const roll = i % 20
    if (roll < 14) return { method: 'GET', path: `/frontend/v1/threads/chat-${t}/messages?limit=50`, headers: ctx.client.as(t, undefined) }
    if (roll < 19) return ctx.client.create(`chat-${t}`, t, BODY_1KB, mode)
    return { method: 'PUT', path: `/frontend/v1/threads/chat-${t}/messages/m${i % 10}`, headers: ctx.client.as(t, mode), body: edit }
  }
  return [await closed(ctx, 'chat mix', 'fast', 64, next('fast')), await closed(ctx, 'chat mix', 'safe', 64, next('safe'))]
}

/** Bursts of 1 MiB and 8 MiB bodies (code-agent payloads). */
export async function largeScenario(ctx: ScenarioContext): Promise<BenchRow[]> {
  const body = (bytes: number) => JSON.stringify({ role: 'tool', body: { text: 'y'.repeat(bytes - 40) } })
  const rows: BenchRow[] = []
  for (const [label, bytes, conns] of [['1 MiB', 1 << 20, 8], ['8 MiB', 8 << 20, 2]] as const) {
    const payload = body(bytes)
    for (const mode of ['fast', 'safe'] as const) {
      const row = await closed(ctx, `large ${label}`, mode, conns, (i) => ctx.client.create(`large-${i % 16}`, i % 16, payload, mode))
      row.note = `${((row.result.rps * bytes) / (1 << 20)).toFixed(0)} MiB/s`
      rows.push(row)
    }
  }
  return rows
}

/**
 * A trivial JSON echo on node:http: the ceiling the HTTP stack sets here (closed loop), and the
 * latency floor of the measurement itself at the create scenario's fixed rate (open loop): the
 * load generator shares the machine, so its own pauses show up in every open-loop percentile.
 */
export async function baselineScenario(ctx: ScenarioContext): Promise<BenchRow[]> {
  const headers = { 'content-type': 'application/json' }
  const echo: NextRequest = () => ({ method: 'POST', path: '/echo', headers, body: BODY_1KB })
  await warmUp(ctx, echo)
  return [await closed(ctx, 'baseline echo', '-', 64, echo), await open(ctx, 'baseline echo', '-', 3000, echo)]
}

export const SCENARIO_USERS = BENCH_USERS
