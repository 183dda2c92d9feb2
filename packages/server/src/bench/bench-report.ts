import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import type { BenchRow } from './bench-scenarios.js'

export function machineInfo() {
  let commit = 'unknown'
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
  } catch {
    // Not a git checkout.
  }
  return { nproc: os.availableParallelism(), cpu: os.cpus()[0]?.model ?? 'unknown', memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, commit, date: new Date().toISOString() }
}

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length))
const lpad = (s: string, n: number) => (s.length >= n ? s : ' '.repeat(n - s.length) + s)

/**
 * The table as printed. `vs echo` is a row's throughput over the closed-loop echo's, shown only
 * for rows run like it (closed loop, the same number of connections): comparable load shapes.
 */
export function renderTable(rows: readonly BenchRow[], baseline: BenchRow | undefined): string {
  const comparable = (r: BenchRow) => baseline !== undefined && r.loop === baseline.loop && r.load === baseline.load
  const header = ['scenario', 'mode', 'loop', 'load', 'req/s', 'vs echo', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'srv p99 ms', 'srv stall ms', 'errors', 'cpu %', 'rss MB', 'gen cpu %', 'note']
  const lines = rows.map((r) => [
    r.scenario,
    r.mode,
    r.loop,
    r.load,
    r.result.rps.toFixed(0),
    comparable(r) ? `${((r.result.rps / baseline!.result.rps) * 100).toFixed(0)} %` : '',
    r.result.latencyMs.p50.toFixed(2),
    r.result.latencyMs.p90.toFixed(2),
    r.result.latencyMs.p99.toFixed(2),
    r.result.latencyMs.max.toFixed(1),
    r.result.serverMs ? r.result.serverMs.p99.toFixed(2) : '',
    r.figures ? stallBound(r.figures.loopDelayMaxMs) : '',
    String(r.result.errors),
    r.server ? r.server.cpuPercent.toFixed(0) : '',
    r.server ? r.server.rssMb.toFixed(0) : '',
    r.result.loadGenCpuPercent.toFixed(0),
    r.note ?? '',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)))
  const numeric = new Set([4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15])
  const fmt = (cells: string[]) => cells.map((c, i) => (numeric.has(i) ? lpad(c, widths[i]!) : pad(c, widths[i]!))).join('  ')
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n')
}

/**
 * The `srv stall ms` cell: the server's greatest event-loop lateness in the run, as the upper
 * bound of its /metrics bucket (`≤25`: between the next bound down and 25 ms). The sampler's
 * timer is due every 20 ms, so `≤25` rules out a block over 45 ms, not a shorter one.
 */
function stallBound(ms: number): string {
  if (ms === Infinity) return '>1000'
  return `≤${Number(ms.toPrecision(3))}`
}

export function writeResults(outDir: string, payload: unknown): string {
  fs.mkdirSync(outDir, { recursive: true })
  const file = path.join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`)
  fs.writeFileSync(file, JSON.stringify(payload, null, 2) + '\n')
  return file
}
