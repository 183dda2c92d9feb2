import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { spawnServer, type ServerProcess } from '../src/bench/server-process.js'
import { crashEnv, headersFor } from './crash-workload.js'
import { KEYS } from './harness.js'
import { eventually, startWebhookReceiver, verifyProgressDBWebhook, type WebhookReceiver } from './webhook-receiver.js'

const SECRET = 'crash-test-webhook-secret'

/**
 * The outbox survives a crash: a delivery pending when the server process is SIGKILLed (its
 * attempt in flight, the receiver not having answered) is delivered by the next process on the
 * same data directory, under the same delivery id.
 */
describe('webhooks across a SIGKILL', () => {
  const dirs: string[] = []
  const procs: ServerProcess[] = []
  const receivers: WebhookReceiver[] = []
  afterEach(async () => {
    for (const p of procs.splice(0)) await p.stop('SIGKILL')
    for (const r of receivers.splice(0)) await r.close()
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true })
  })

  it('delivers after a restart what was pending when the server was killed', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-webhook-crash-'))
    dirs.push(dataDir)
    // The first process gets two 503s, then its third attempt is held open until the kill.
    let serverUp = 1
    const receiver = await startWebhookReceiver((n) => (serverUp === 1 ? (n <= 2 ? 503 : 'hold') : 200))
    receivers.push(receiver)
    const config = path.join(dataDir, 'webhooks.yaml')
    fs.writeFileSync(
      config,
      [
        'webhooks:',
        '  initialDelayMs: 20',
        '  maxDelayMs: 50',
        '  timeoutMs: 500',
        '  pollIntervalMs: 50',
        '  endpoints:',
        '    - id: crash-hook',
        `      url: ${receiver.url}`,
        "      events: ['message.created']",
        `      secret: ${SECRET}`,
        '',
      ].join('\n'),
    )
    const start = async () => {
      const proc = await spawnServer({
        args: ['--port', '0', '--data-dir', dataDir, '--log-level', 'error', '--config', config],
        env: { ...crashEnv, PROGRESSDB_ADMIN_KEYS: KEYS.admin },
      })
      procs.push(proc)
      return proc
    }

    const first = await start()
    const created = await fetch(`${first.url}/frontend/v1/threads/crash-hook-t/messages`, {
      method: 'POST',
      headers: headersFor('writer', 'fast'),
      body: JSON.stringify({ id: 'm1', body: { text: 'survives' } }),
    })
    expect(created.status).toBe(201)
    await receiver.waitFor(3)
    first.child.kill('SIGKILL')
    expect(await first.exited).toBe('SIGKILL')

    serverUp = 2
    const second = await start()
    const all = await eventually(async () => receiver.received, (list) => list.some((r) => r.answered === 200))
    const delivered = all.find((r) => r.answered === 200)!
    const ids = new Set(all.map((r) => r.headers['progressdb-webhook-id']))
    expect(ids.size).toBe(1)
    expect(verifyProgressDBWebhook(SECRET, delivered.headers, delivered.raw)).toBe(true)
    expect(JSON.parse(delivered.raw)).toMatchObject({ type: 'message.created', message: { id: 'm1', body: { text: 'survives' } } })

    const auth = { authorization: `Bearer ${KEYS.admin}` }
    const log = await eventually(
      async () => (await (await fetch(`${second.url}/admin/webhooks/crash-hook/deliveries`, { headers: auth })).json()) as { deliveries: Record<string, unknown>[] },
      (body) => body.deliveries[0]?.status === 'delivered',
    )
    expect(log.deliveries).toHaveLength(1)
    expect(log.deliveries[0]).toMatchObject({ id: [...ids][0], status: 'delivered', last_status_code: 200 })
    // Every request was a counted attempt (a claim cut off before sending counts too).
    expect(log.deliveries[0]!.attempts).toBeGreaterThanOrEqual(all.length)
  })
})
