import fs from 'node:fs'
import path from 'node:path'
import { BODY_1KB, type BenchClient } from './bench-fixture.js'
import { runClosedLoop } from './load-loop.js'
import type { BenchRow } from './bench-scenarios.js'
import { sampleProcessTree } from './server-process.js'

function dirBytes(dir: string): number {
  let total = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    total += entry.isDirectory() ? dirBytes(full) : fs.statSync(full).size
  }
  return total
}

/**
 * `count` creates as fast as they go, sampling the server's RSS every second: memory must stay
 * bounded, and the data directory must grow linearly (reported as bytes per message).
 */
export async function memoryScenario(
  client: BenchClient,
  serverPid: number,
  dataDir: string,
  count: number,
): Promise<{ row: BenchRow; maxRssMb: number; maxAnonMb: number; bytesPerMessage: number; rssTimeline: number[] }> {
  const before = dirBytes(dataDir)
  const timeline: number[] = []
  const anonTimeline: number[] = []
  const sampler = setInterval(() => {
    const sample = sampleProcessTree(serverPid)
    timeline.push(sample.rssBytes / (1 << 20))
    anonTimeline.push(sample.anonBytes / (1 << 20))
  }, 1000)
  const cpuBefore = sampleProcessTree(serverPid).cpuS
  const result = await runClosedLoop(
    client.pool,
    (i) => client.create(`mem-${i % 1000}`, i % 1000, BODY_1KB, 'fast'),
    { connections: 64, durationMs: 30 * 60_000, maxRequests: count },
  )
  clearInterval(sampler)
  const after = sampleProcessTree(serverPid)
  const bytesPerMessage = (dirBytes(dataDir) - before) / Math.max(1, result.requests)
  const maxRssMb = Math.max(...timeline, after.rssBytes / (1 << 20))
  const maxAnonMb = Math.max(...anonTimeline, after.anonBytes / (1 << 20))
  return {
    row: {
      scenario: `memory ${count.toLocaleString('en')} creates`,
      mode: 'fast',
      loop: 'closed',
      load: '64 conns',
      result,
      server: { cpuPercent: ((after.cpuS - cpuBefore) / result.durationS) * 100, rssMb: maxRssMb },
      note: `max RSS ${maxRssMb.toFixed(0)} MB (anon ${maxAnonMb.toFixed(0)} MB), ${bytesPerMessage.toFixed(0)} B/message on disk`,
    },
    maxRssMb,
    maxAnonMb,
    bytesPerMessage,
    rssTimeline: timeline.map((mb) => Math.round(mb)),
  }
}
