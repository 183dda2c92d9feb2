import fs from 'node:fs'
import path from 'node:path'
import { BODY_1KB } from './bench-fixture.js'
import { runClosedLoop } from './load-loop.js'
import type { BenchRow, ScenarioContext } from './bench-scenarios.js'
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
 * `count` creates as fast as they go, measured like every run (ctx.measure: CPU, peak RSS, the
 * server's /metrics) and with the RSS, anonymous part included, sampled every second for the
 * JSON's timeline: memory must stay bounded, and the data directory must grow linearly
 * (reported as bytes per message).
 */
export async function memoryScenario(
  ctx: ScenarioContext,
  serverPid: number,
  dataDir: string,
  count: number,
): Promise<{
  row: BenchRow
  maxRssMb: number
  maxAnonMb: number
  bytesPerMessage: number
  rssTimeline: number[]
}> {
  const before = dirBytes(dataDir)
  const timeline: number[] = []
  const anonTimeline: number[] = []
  const sample = () => {
    const { rssBytes, anonBytes } = sampleProcessTree(serverPid)
    timeline.push(rssBytes / (1 << 20))
    anonTimeline.push(anonBytes / (1 << 20))
  }
  const sampler = setInterval(sample, 1000)
  const measured = await ctx.measure(() =>
    runClosedLoop(
      ctx.client.pool,
      (i) => ctx.client.create(`mem-${i % 1000}`, i % 1000, BODY_1KB, 'fast'),
      { connections: 64, durationMs: 30 * 60_000, maxRequests: count },
    ),
  )
  clearInterval(sampler)
  sample()
  const bytesPerMessage = (dirBytes(dataDir) - before) / Math.max(1, measured.result.requests)
  const maxRssMb = Math.max(...timeline, measured.server?.rssMb ?? 0)
  const maxAnonMb = Math.max(...anonTimeline)
  return {
    row: {
      scenario: `memory ${count.toLocaleString('en')} creates`,
      mode: 'fast',
      loop: 'closed',
      load: '64 conns',
      ...measured,
      server: measured.server && { ...measured.server, rssMb: maxRssMb },
      note: `max RSS ${maxRssMb.toFixed(0)} MB (anon ${maxAnonMb.toFixed(0)} MB), ${bytesPerMessage.toFixed(0)} B/message on disk`,
    },
    maxRssMb,
    maxAnonMb,
    bytesPerMessage,
    rssTimeline: timeline.map((mb) => Math.round(mb)),
  }
}
