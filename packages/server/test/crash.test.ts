import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { spawnServer, type ServerProcess } from '../src/bench/server-process.js'
import { listSegments } from '../src/store/lmdb/journal-file.js'
import { verifyAfterCrash } from './crash-verify.js'
import { crashEnv, headersFor, startWorkload } from './crash-workload.js'

/**
 * Crash tests: a real server process under concurrent creates and edits is SIGKILLed at
 * several points; after a restart on the same data directory every acknowledged write must
 * be there, and nothing half-applied may be visible.
 */
const dirs: string[] = []
const procs: ServerProcess[] = []
afterEach(async () => {
  for (const p of procs.splice(0)) await p.stop('SIGKILL')
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
})

async function start(dataDir: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const proc = await spawnServer({
    args: ['--port', '0', '--data-dir', dataDir, '--log-level', 'warn'],
    env: { ...crashEnv, ...env },
  })
  procs.push(proc)
  return proc
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-crash-'))
  dirs.push(dir)
  return dir
}

/** Resolves once `count` writes are acknowledged (or fails after a deadline). */
async function whenAcked(workload: ReturnType<typeof startWorkload>, count: number): Promise<void> {
  const deadline = Date.now() + 20_000
  while (workload.acked.size < count) {
    if (Date.now() > deadline) throw new Error(`only ${workload.acked.size} writes acknowledged`)
    await new Promise((r) => setTimeout(r, 5))
  }
}

describe.each(['fast', 'safe'] as const)('SIGKILL under load, %s durability', (durability) => {
  it.each([25, 150, 400])('loses no acknowledged write when killed at ack %i', async (killAt) => {
    const dataDir = tempDir()
    const first = await start(dataDir)
    // The kill is sent the moment the killAt-th acknowledgement arrives, while the server is
    // busy with the next writes, so an acknowledgement sent before its commit would show.
    const workload = startWorkload(first.url, durability, 12, (n) => {
      if (n === killAt) first.child.kill('SIGKILL')
    })
    expect(await first.exited).toBe('SIGKILL')
    await workload.done

    const second = await start(dataDir)
    const stored = await verifyAfterCrash(second.url, workload.acked)
    expect(stored).toBeGreaterThanOrEqual(workload.acked.size)
  })
})

describe.each(['fast', 'safe'] as const)('SIGKILL while journal segments switch, %s durability', (durability) => {
  it('loses no acknowledged write across segment switches and spares in the making', async () => {
    const dataDir = tempDir()
    // 16 KiB segments: a switch every few dozen writes, each next segment made ahead as a spare.
    const small = { PROGRESSDB_JOURNAL_SEGMENT_BYTES: '16384' }
    const first = await start(dataDir, small)
    const workload = startWorkload(first.url, durability, 12, (n) => {
      if (n === 600) first.child.kill('SIGKILL')
    })
    expect(await first.exited).toBe('SIGKILL')
    await workload.done
    // Segments are numbered in the order they were started: several switches happened.
    const numbers = listSegments(path.join(dataDir, 'journal')).map((segment) => segment.number)
    expect(Math.max(...numbers)).toBeGreaterThan(3)

    const second = await start(dataDir, small)
    const stored = await verifyAfterCrash(second.url, workload.acked)
    expect(stored).toBeGreaterThanOrEqual(workload.acked.size)
  })
})

describe('the journal on another device, through a symlink', () => {
  it('keeps its segments where the link points and replays them after SIGKILL', async () => {
    const dataDir = tempDir()
    const elsewhere = tempDir()
    const link = path.join(dataDir, 'journal')
    fs.symlinkSync(elsewhere, link)
    const first = await start(dataDir)
    const workload = startWorkload(first.url, 'safe', 12, (n) => {
      if (n === 400) first.child.kill('SIGKILL')
    })
    expect(await first.exited).toBe('SIGKILL')
    await workload.done
    // The server wrote through the link: the segments (and its lock) are in the other directory.
    expect(listSegments(elsewhere).length).toBeGreaterThan(0)

    const second = await start(dataDir)
    const stored = await verifyAfterCrash(second.url, workload.acked)
    expect(stored).toBeGreaterThanOrEqual(workload.acked.size)
    // Recovery deletes replayed segments, never the link or the directory it points to.
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true)
    expect(fs.statSync(elsewhere).isDirectory()).toBe(true)
  })
})

describe('SIGTERM', () => {
  it('lets in-flight requests finish and loses nothing acknowledged', async () => {
    const dataDir = tempDir()
    const first = await start(dataDir)
    const workload = startWorkload(first.url, 'fast', 8)
    await whenAcked(workload, 50)

    // A request whose body is still arriving when SIGTERM is sent must still be served.
    const text = 'slow '.repeat(2000)
    const payload = JSON.stringify({ id: 'in-flight', body: { text } })
    let sendRest!: () => void
    const rest = new Promise<void>((resolve) => (sendRest = resolve))
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(new TextEncoder().encode(payload.slice(0, 100)))
        await rest
        controller.enqueue(new TextEncoder().encode(payload.slice(100)))
        controller.close()
      },
    })
    const slow = fetch(`${first.url}/frontend/v1/threads/crash-0/messages`, {
      method: 'POST',
      headers: headersFor('writer-0', 'fast'),
      body,
      duplex: 'half',
    })
    await new Promise((r) => setTimeout(r, 100))
    first.child.kill('SIGTERM')
    await new Promise((r) => setTimeout(r, 100))
    sendRest()
    const res = await slow
    expect(res.status).toBe(201)
    expect(await first.exited).toBe(0)
    await workload.stop()
    // Writers on kept-alive connections were told (503 SHUTTING_DOWN) or refused a new
    // connection; none had a request reset under it, which would leave it unsure of the write.
    for (const error of workload.errors()) expect(error).toMatch(/answered 503: .*SHUTTING_DOWN|ECONNREFUSED/)

    const second = await start(dataDir)
    workload.acked.set('in-flight', { thread: 'crash-0', version: 1, body: { text } })
    await verifyAfterCrash(second.url, workload.acked)
  })
})
