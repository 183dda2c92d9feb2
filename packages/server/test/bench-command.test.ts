import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { spawnServer } from '../src/bench/server-process.js'

// `npm run bench` is the compiled CLI's `bench` command (npm test builds it first).
const MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url))
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-bench-test-'))
afterAll(() => fs.rmSync(out, { recursive: true, force: true }))

function bench(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string; pid: number }> {
  const child = spawn(process.execPath, [MAIN, 'bench', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return new Promise((resolve) =>
    child.once('exit', (code) => resolve({ code, stdout, stderr, pid: child.pid! })),
  )
}

interface ResultRow {
  scenario: string
  mode: string
  loop: string
  result: { requests: number; errors: number; latencyMs: { p99: number } }
  server?: { cpuPercent: number; rssMb: number }
  figures?: { loopDelayMaxMs: number; journalFlushes: number }
}

describe('progressdb bench', () => {
  it('runs every scenario, short, without an error, and writes the table and the JSON', async () => {
    const run = await bench([
      '--duration-s',
      '0.5',
      '--memory-messages',
      '2000',
      '--read-threads',
      '1',
      '--out',
      out,
    ])
    expect(run.code, run.stderr).toBe(0)
    // Nothing logged by the servers it started (the bench repeats their lines when there are).
    expect(run.stderr).not.toContain('the server logged')

    const [file] = fs.readdirSync(out)
    const results = JSON.parse(fs.readFileSync(path.join(out, file!), 'utf8')) as {
      machine: { nproc: number }
      rows: ResultRow[]
      memory: { maxRssMb: number; maxAnonMb: number; bytesPerMessage: number; diskReadMb: number }
    }
    expect(results.machine.nproc).toBeGreaterThan(0)
    const scenarios = new Set(results.rows.map((r) => r.scenario))
    for (const name of [
      'baseline echo',
      'create',
      'read newest-50',
      'read anchor-50',
      'chat mix',
      'large 1 MiB',
      'large 8 MiB',
      'streaming 8 streams',
      'fan-out 100 ws',
      'create, 2 workers',
      'memory 2,000 creates',
    ])
      expect(scenarios, name).toContain(name)
    for (const mode of ['fast', 'safe'])
      for (const loop of ['closed', 'open'])
        expect(
          results.rows.some((r) => r.scenario === 'create' && r.mode === mode && r.loop === loop),
          `create ${mode} ${loop}`,
        ).toBe(true)

    for (const row of results.rows) {
      const name = `${row.scenario} ${row.mode} ${row.loop}`
      expect(row.result.errors, name).toBe(0)
      expect(row.result.requests, name).toBeGreaterThan(0)
      expect(row.result.latencyMs.p99, name).toBeGreaterThan(0)
      // ProgressDB's own rows carry its /metrics figures; the echo server has none.
      if (row.scenario !== 'baseline echo' && row.scenario !== 'fan-out 100 ws') {
        expect(row.figures?.loopDelayMaxMs, name).toBeGreaterThan(0)
        expect(row.server?.rssMb, name).toBeGreaterThan(0)
      }
    }
    const safeCreate = results.rows.find(
      (r) => r.scenario === 'create' && r.mode === 'safe' && r.loop === 'closed',
    )
    expect(safeCreate?.figures?.journalFlushes).toBeGreaterThan(0)
    expect(results.memory.maxAnonMb).toBeGreaterThan(0)
    expect(results.memory.maxRssMb).toBeGreaterThanOrEqual(results.memory.maxAnonMb)
    expect(results.memory.bytesPerMessage).toBeGreaterThan(1024)
    expect(results.memory.diskReadMb).toBeGreaterThanOrEqual(0)

    expect(run.stdout).toMatch(/^scenario +mode +loop +load +req\/s +vs echo/m)
    expect(run.stdout).toContain(`results: ${path.join(out, file!)}`)
  }, 120_000)

  it('targets a running server with --url, and reads its admin-only /metrics with --admin-key', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-bench-url-'))
    const keys = { backend: 'b-key', frontend: 'f-key', signing: 's-key', admin: 'a-key' }
    const server = await spawnServer({
      args: ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
      env: {
        PROGRESSDB_BACKEND_KEYS: keys.backend,
        PROGRESSDB_FRONTEND_KEYS: keys.frontend,
        PROGRESSDB_SIGNING_KEYS: keys.signing,
        PROGRESSDB_ADMIN_KEYS: keys.admin,
        PROGRESSDB_METRICS: 'admin',
      },
    })
    try {
      const target = [
        '--url',
        server.url,
        '--backend-key',
        keys.backend,
        '--frontend-key',
        keys.frontend,
        '--signing-key',
        keys.signing,
      ]
      const short = ['--scenarios', 'create', '--duration-s', '0.3', '--out', path.join(out, 'url')]
      const rowsOf = (stdout: string) => {
        const file = /^results: (.+)$/m.exec(stdout)![1]!
        return (JSON.parse(fs.readFileSync(file, 'utf8')) as { rows: ResultRow[] }).rows
      }

      // Without the admin key: measured all the same, without the server's figures, and said once.
      const refused = await bench([...target, ...short])
      expect(refused.code, refused.stderr).toBe(0)
      expect(
        refused.stderr.match(/\/metrics answered 401: the rows of .* have no srv stall ms/g),
      ).toHaveLength(1)
      const plain = rowsOf(refused.stdout)
      expect(plain).toHaveLength(4)
      for (const row of plain) {
        expect(row.result.errors).toBe(0)
        expect(row.figures).toBeUndefined()
      }

      const admitted = await bench([...target, '--admin-key', keys.admin, ...short])
      expect(admitted.code, admitted.stderr).toBe(0)
      expect(admitted.stderr).not.toContain('/metrics answered')
      for (const row of rowsOf(admitted.stdout))
        expect(row.figures?.loopDelayMaxMs).toBeGreaterThan(0)
    } finally {
      await server.stop()
      fs.rmSync(dataDir, { recursive: true, force: true })
    }
  }, 60_000)

  it('runs the memory scenario under --memory-limit-mb where a memory cgroup can be made, and says why not where it cannot', async () => {
    const dir = path.join(out, 'limited')
    const run = await bench([
      '--scenarios',
      'memory',
      '--memory-messages',
      '2000',
      '--memory-limit-mb',
      '256',
      '--out',
      dir,
    ])
    if (run.code === 2) {
      // No root, or no writable cgroup memory controller: refused before anything ran.
      expect(run.stderr).toContain(
        '--memory-limit-mb needs a cgroup with a memory limit, which cannot be made here: ',
      )
      expect(fs.existsSync(dir)).toBe(false)
      return
    }
    expect(run.code, run.stderr).toBe(0)
    const [file] = fs.readdirSync(dir)
    const { memory } = JSON.parse(fs.readFileSync(path.join(dir, file!), 'utf8')) as {
      memory: { limit: { limitMb: number; peakMb?: number; oomKills: number } }
    }
    expect(memory.limit.limitMb).toBe(256)
    expect(memory.limit.oomKills).toBe(0)
    // The kernel charged the server (when it reports a peak) and held it under the limit.
    if (memory.limit.peakMb !== undefined) {
      expect(memory.limit.peakMb).toBeGreaterThan(0)
      expect(memory.limit.peakMb).toBeLessThanOrEqual(256)
    }
    expect(run.stdout).toContain('limit 256 MB, charged at most')
    // The group is removed with the server.
    const groups = ['/sys/fs/cgroup', '/sys/fs/cgroup/memory'].map((root) =>
      path.join(root, `progressdb-bench-${run.pid}`),
    )
    for (const group of groups) expect(fs.existsSync(group), group).toBe(false)
  }, 60_000)

  it.each([
    [['--duration-s', 'soon'], '--duration-s must be a positive number, not "soon"'],
    [['--memory-messages', '1.5'], '--memory-messages must be a positive integer, not "1.5"'],
    [['--read-threads', '0'], '--read-threads must be a positive integer, not "0"'],
    [['--scenarios', 'create,nap'], 'unknown scenario(s): nap'],
    [['--speed', 'max'], "Unknown option '--speed'"],
    [['--memory-limit-mb', 'lots'], '--memory-limit-mb must be a positive integer, not "lots"'],
    [
      ['--memory-limit-mb', '300', '--scenarios', 'create'],
      '--memory-limit-mb applies to the memory scenario, which --scenarios leaves out',
    ],
    [
      ['--memory-limit-mb', '300', '--url', 'http://127.0.0.1:1'],
      '--memory-limit-mb limits a server the bench starts; it cannot limit the one at --url',
    ],
  ])('refuses %j with exit code 2 and the usage', async (args, message) => {
    const run = await bench(args)
    expect(run.code).toBe(2)
    expect(run.stderr).toContain(message)
    expect(run.stderr).toContain('progressdb bench [options]')
  })
})
