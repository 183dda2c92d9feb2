import fs from 'node:fs'
import path from 'node:path'
import { BODY_1KB } from './bench-fixture.js'
import { runClosedLoop } from './load-loop.js'
import type { BenchRow, ScenarioContext } from './bench-scenarios.js'
import type { MemoryCgroup } from './memory-cgroup.js'
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
 * (reported as bytes per message). When the server runs in a memory `cgroup`, the row also says
 * its limit, the most the kernel charged the group (page cache included) and any OOM kill.
 */
export async function memoryScenario(
  ctx: ScenarioContext,
  serverPid: number,
  dataDir: string,
  count: number,
  cgroup?: MemoryCgroup,
): Promise<{
  row: BenchRow
  maxRssMb: number
  maxAnonMb: number
  bytesPerMessage: number
  /** Undefined when the server exited during the run (an OOM kill under a limit, say). */
  diskReadMb?: number
  rssTimelineMb: number[]
  limit?: { limitMb: number; peakMb?: number; oomKills: number }
}> {
  const before = dirBytes(dataDir)
  const mb = (bytes: number) => bytes / (1 << 20)
  const timeline: number[] = []
  const anonTimeline: number[] = []
  const sample = () => {
    const now = sampleProcessTree(serverPid)
    if (now) {
      timeline.push(mb(now.rssBytes))
      anonTimeline.push(mb(now.anonBytes))
    }
    return now
  }
  const readBefore = sample()?.diskReadBytes ?? 0
  const sampler = setInterval(sample, 1000)
  const measured = await ctx.measure(() =>
    runClosedLoop(
      ctx.client.pool,
      (i) => ctx.client.create(`mem-${i % 1000}`, i % 1000, BODY_1KB, 'fast'),
      { connections: 64, durationMs: 30 * 60_000, maxRequests: count },
    ),
  )
  clearInterval(sampler)
  const readAfter = sample()?.diskReadBytes
  const diskReadMb = readAfter === undefined ? undefined : mb(readAfter - readBefore)
  const bytesPerMessage = (dirBytes(dataDir) - before) / Math.max(1, measured.result.requests)
  const maxRssMb = Math.max(...timeline, measured.server?.rssMb ?? 0)
  const maxAnonMb = Math.max(...anonTimeline)
  const peak = cgroup?.peakBytes()
  const limit = cgroup && {
    limitMb: mb(cgroup.limitBytes),
    peakMb: peak === undefined ? undefined : mb(peak),
    oomKills: cgroup.oomKills(),
  }
  const limitNote = limit
    ? `; limit ${limit.limitMb} MB, charged at most ${limit.peakMb?.toFixed(0) ?? '(not reported)'} MB${limit.oomKills ? `, ${limit.oomKills} OOM kill(s)` : ''}`
    : ''
  return {
    row: {
      scenario: `memory ${count.toLocaleString('en')} creates`,
      mode: 'fast',
      loop: 'closed',
      load: '64 conns',
      ...measured,
      server: measured.server && { ...measured.server, rssMb: maxRssMb },
      note: `max RSS ${maxRssMb.toFixed(0)} MB (anon ${maxAnonMb.toFixed(0)} MB), ${bytesPerMessage.toFixed(0)} B/message on disk, ${diskReadMb === undefined ? 'the server exited during the run' : `${diskReadMb.toFixed(0)} MB read from it`}${limitNote}`,
    },
    maxRssMb,
    maxAnonMb,
    bytesPerMessage,
    diskReadMb,
    rssTimelineMb: timeline.map(Math.round),
    ...(limit && { limit }),
  }
}
