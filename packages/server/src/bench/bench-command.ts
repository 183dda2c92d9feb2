import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { createBenchClient, type BenchKeys } from './bench-fixture.js'
import { machineInfo, renderTable, writeResults } from './bench-report.js'
import {
  baselineScenario,
  chatScenario,
  createScenario,
  largeScenario,
  readScenario,
  warmUpServer,
  type BenchRow,
  type ScenarioContext,
} from './bench-scenarios.js'
import type { LoadResult } from './load-loop.js'
import { createMemoryCgroup, MemoryCgroupUnavailable, type MemoryCgroup } from './memory-cgroup.js'
import { memoryScenario } from './memory-scenario.js'
import { fanOutScenario, streamingScenario } from './realtime-scenarios.js'
import { sampleProcessTree, spawnServer, type ServerProcess } from './server-process.js'
import { figuresBetween, scrapeMetrics } from './server-figures.js'

const ALL = ['baseline', 'create', 'read', 'chat', 'large', 'streaming', 'fanout', 'workers', 'memory'] as const
const KEYS: BenchKeys = { backend: 'bench-backend-key', frontend: 'bench-frontend-key', signing: 'bench-signing-key' }
const ECHO = fileURLToPath(new URL('./echo-server.js', import.meta.url))

export const BENCH_USAGE = `progressdb bench [options]
  --scenarios LIST      comma-separated, of: ${ALL.join(', ')} (default: all)
  --duration-s N        seconds per measured run (default 8)
  --memory-messages N   creates in the memory run (default 1000000)
  --memory-limit-mb N   run the memory scenario's server in a cgroup with this memory limit
                        (page cache included, like a container's; needs root and cgroup access)
  --read-threads N      threads of 10,000 messages for the read scenario (default 4)
  --out DIR             where results JSON goes (default bench/results)
  --profile DIR         run the servers under node --cpu-prof, writing .cpuprofile files to DIR
  --url URL             target a running server instead (needs --backend-key, --frontend-key, --signing-key)
  --admin-key K         with --url, for its /metrics when server.metrics is admin`

/** How the bench starts a server: its worker count, node's options, and a cgroup to run in. */
interface BenchServerOptions {
  workers: number
  nodeArgs: readonly string[]
  cgroup?: MemoryCgroup
}

async function startBenchServer({ workers, nodeArgs, cgroup }: BenchServerOptions): Promise<{ proc: ServerProcess; dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-bench-'))
  const args = ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn']
  if (workers > 1) args.push('--workers', String(workers))
  const proc = await spawnServer({
    args,
    nodeArgs,
    cgroup: cgroup?.dir,
    env: {
      PROGRESSDB_BACKEND_KEYS: KEYS.backend,
      PROGRESSDB_FRONTEND_KEYS: KEYS.frontend,
      PROGRESSDB_SIGNING_KEYS: KEYS.signing,
      PROGRESSDB_BODY_MAX_BYTES: String(16 << 20),
      // Rate limiting stays on the measured path, with limits the load cannot reach.
      PROGRESSDB_RATE_LIMIT_USER_PER_SECOND: '1000000000',
      PROGRESSDB_RATE_LIMIT_KEY_PER_SECOND: '1000000000',
      // The server's own time per request, beside the generator's (the `srv p99` column).
      PROGRESSDB_SERVER_TIMING: 'true',
    },
  })
  return { proc, dataDir }
}

/**
 * How each run against the server at `url` is measured: its process tree when the bench started
 * it (`pid`), and its /metrics when it has them. `metrics.warn` (ProgressDB servers, not the
 * echo) is told once why a scrape found no figures.
 */
function measuring(
  pid: number | undefined,
  url: string,
  metrics: { adminKey?: string; warn?: (message: string) => void } = {},
): ScenarioContext['measure'] {
  let warned = false
  const scrape = async () => {
    const scraped = await scrapeMetrics(url, metrics.adminKey)
    if ('samples' in scraped) return scraped.samples
    if (metrics.warn && !warned) metrics.warn(`${scraped.missing}: the rows of ${url} have no srv stall ms`)
    warned = true
    return undefined
  }
  return async (run: () => Promise<LoadResult>) => {
    const metricsBefore = await scrape()
    const before = pid === undefined ? undefined : sampleProcessTree(pid)
    let peakRss = before?.rssBytes ?? 0
    const sampler = pid === undefined ? undefined : setInterval(() => (peakRss = Math.max(peakRss, sampleProcessTree(pid)?.rssBytes ?? 0)), 500)
    const result = await run()
    clearInterval(sampler)
    const metricsAfter = metricsBefore && (await scrape())
    const figures = metricsBefore && metricsAfter ? { figures: figuresBetween(metricsBefore, metricsAfter) } : {}
    // A server that died during the run (OOM-killed under --memory-limit-mb, say) has no CPU
    // time left to read: its row shows none.
    const after = pid === undefined ? undefined : sampleProcessTree(pid)
    if (before === undefined || after === undefined) return { result, ...figures }
    peakRss = Math.max(peakRss, after.rssBytes)
    return { result, server: { cpuPercent: ((after.cpuS - before.cpuS) / result.durationS) * 100, rssMb: peakRss / (1 << 20) }, ...figures }
  }
}

async function withServer<T>(
  server: BenchServerOptions,
  body: (url: string, pid: number, dataDir: string) => Promise<T>,
): Promise<T> {
  const { proc, dataDir } = await startBenchServer(server)
  try {
    return await body(proc.url, proc.child.pid!, dataDir)
  } finally {
    await proc.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
    // The servers log at warn: anything they said is a problem worth seeing next to the table.
    const said = proc.output().split('\n').filter((line) => line.trim() && !line.includes('listening on'))
    if (said.length) process.stderr.write(`[bench] the server logged ${said.length} line(s); the last ones:\n${said.slice(-20).join('\n')}\n`)
  }
}

/** A command line the bench cannot run: said with the usage, exit code 2. */
class BenchUsageError extends Error {}

function parseBenchArgs(argv: readonly string[]) {
  let parsed
  try {
    parsed = parseArgs({
      args: [...argv],
      options: {
        scenarios: { type: 'string' },
        'duration-s': { type: 'string', default: '8' },
        'memory-messages': { type: 'string', default: '1000000' },
        'memory-limit-mb': { type: 'string' },
        'read-threads': { type: 'string', default: '4' },
        out: { type: 'string', default: 'bench/results' },
        profile: { type: 'string' },
        url: { type: 'string' },
        'backend-key': { type: 'string' },
        'frontend-key': { type: 'string' },
        'signing-key': { type: 'string' },
        'admin-key': { type: 'string' },
        help: { type: 'boolean' },
      },
    })
  } catch (error) {
    throw new BenchUsageError(error instanceof Error ? error.message : String(error))
  }
  const { values } = parsed
  const chosen = new Set(values.scenarios ? values.scenarios.split(',') : ALL)
  const unknown = [...chosen].filter((s) => !(ALL as readonly string[]).includes(s))
  if (unknown.length) throw new BenchUsageError(`unknown scenario(s): ${unknown.join(', ')}`)
  const positive = (flag: 'duration-s' | 'memory-messages' | 'memory-limit-mb' | 'read-threads', integer: boolean): number => {
    const n = Number(values[flag])
    if (!(n > 0) || !Number.isFinite(n) || (integer && !Number.isInteger(n)))
      throw new BenchUsageError(`--${flag} must be a positive ${integer ? 'integer' : 'number'}, not "${values[flag]}"`)
    return n
  }
  const memoryLimit = (): number | undefined => {
    if (values['memory-limit-mb'] === undefined) return undefined
    if (values.url) throw new BenchUsageError('--memory-limit-mb limits a server the bench starts; it cannot limit the one at --url')
    if (!chosen.has('memory')) throw new BenchUsageError('--memory-limit-mb applies to the memory scenario, which --scenarios leaves out')
    return positive('memory-limit-mb', true)
  }
  return {
    values,
    chosen,
    durationMs: positive('duration-s', false) * 1000,
    memoryMessages: positive('memory-messages', true),
    memoryLimitMb: memoryLimit(),
    readThreads: positive('read-threads', true),
  }
}

export async function runBench(argv: readonly string[]): Promise<number> {
  let options: ReturnType<typeof parseBenchArgs>
  try {
    options = parseBenchArgs(argv)
  } catch (error) {
    if (!(error instanceof BenchUsageError)) throw error
    process.stderr.write(`${error.message}\n\n${BENCH_USAGE}\n`)
    return 2
  }
  const { values, memoryLimitMb } = options
  if (values.help) {
    process.stdout.write(BENCH_USAGE + '\n')
    return 0
  }
  let cgroup: MemoryCgroup | undefined
  try {
    // Made before any scenario runs, so a machine that cannot limit memory says so at once.
    if (memoryLimitMb !== undefined) cgroup = createMemoryCgroup(memoryLimitMb * (1 << 20))
  } catch (error) {
    if (!(error instanceof MemoryCgroupUnavailable)) throw error
    process.stderr.write(`--memory-limit-mb needs a cgroup with a memory limit, which cannot be made here: ${error.message}\n`)
    return 2
  }
  try {
    return await runScenarios(options, cgroup)
  } finally {
    cgroup?.remove()
  }
}

async function runScenarios(options: ReturnType<typeof parseBenchArgs>, cgroup: MemoryCgroup | undefined): Promise<number> {
  const { values, chosen, durationMs, memoryMessages, readThreads } = options
  const nodeArgs = values.profile ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(values.profile)}`] : []
  const rows: BenchRow[] = []
  const extra: Record<string, unknown> = {}
  const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`)
  /** A client of the ProgressDB server at `url`, with its runs measured (the process too: `pid`). */
  const progressdb = (url: string, pid: number | undefined, keys: BenchKeys): ScenarioContext => ({
    client: createBenchClient(url, keys, 64),
    durationMs,
    measure: measuring(pid, url, { adminKey: values['admin-key'], warn: log }),
  })

  const runSuite = async (url: string, pid: number | undefined, keys: BenchKeys, prefix: string) => {
    const ctx = progressdb(url, pid, keys)
    try {
      log('warming the server up')
      await warmUpServer(ctx, prefix)
      const suite: [string, () => Promise<BenchRow[]>][] = [
        ['create', () => createScenario(ctx, prefix)],
        ['read', () => readScenario(ctx, readThreads)],
        ['chat', () => chatScenario(ctx)],
        ['large', () => largeScenario(ctx)],
        ['streaming', async () => [await streamingScenario(ctx, 8)]],
        ['fanout', async () => [await fanOutScenario(ctx, url, 100, 200)]],
      ]
      for (const [name, run] of suite) {
        if (!chosen.has(name)) continue
        log(name)
        rows.push(...(await run()))
      }
    } finally {
      await ctx.client.close()
    }
  }

  if (values.url) {
    const keys = { backend: values['backend-key'] ?? '', frontend: values['frontend-key'] ?? '', signing: values['signing-key'] ?? '' }
    await runSuite(values.url, undefined, keys, 'bench')
  } else {
    if (chosen.has('baseline')) {
      log('baseline')
      const echo = await spawnServer({ script: ECHO, args: [] })
      const client = createBenchClient(echo.url, KEYS, 64)
      rows.push(...(await baselineScenario({ client, durationMs, measure: measuring(echo.child.pid, echo.url) })))
      await client.close()
      await echo.stop()
    }
    await withServer({ workers: 1, nodeArgs }, (url, pid) => runSuite(url, pid, KEYS, 'w1'))
    if (chosen.has('workers'))
      await withServer({ workers: 2, nodeArgs }, async (url, pid) => {
        log('create with 2 workers')
        const ctx = progressdb(url, pid, KEYS)
        await warmUpServer(ctx, 'w2')
        const created = await createScenario(ctx, 'w2')
        rows.push(...created.filter((r) => r.loop === 'closed').map((r) => ({ ...r, scenario: 'create, 2 workers' })))
        await ctx.client.close()
      })
    if (chosen.has('memory'))
      await withServer({ workers: 1, nodeArgs, cgroup }, async (url, pid, dataDir) => {
        log(`memory: ${memoryMessages} creates${cgroup ? ` under a ${cgroup.limitBytes / (1 << 20)} MB memory limit` : ''}`)
        const ctx = progressdb(url, pid, KEYS)
        const { row, ...memory } = await memoryScenario(ctx, pid, dataDir, memoryMessages, cgroup)
        rows.push(row)
        extra.memory = memory
        await ctx.client.close()
      })
  }

  const table = renderTable(rows, rows.find((r) => r.scenario === 'baseline echo' && r.loop === 'closed'))
  process.stdout.write(`\n${table}\n\n`)
  const machine = machineInfo()
  process.stdout.write(`machine: ${machine.nproc} cores, ${machine.cpu}, node ${machine.node}, commit ${machine.commit}\n`)
  const file = writeResults(values.out, { machine, durationMs, rows, ...extra })
  process.stdout.write(`results: ${file}\n`)
  return rows.some((r) => r.result.requests === 0) ? 1 : 0
}
