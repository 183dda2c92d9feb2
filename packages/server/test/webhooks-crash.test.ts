import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { spawnServer, type ServerProcess } from '../src/bench/server-process.js'
import { crashEnv, headersFor } from './crash-workload.js'
import { postFresh } from './fresh-connection.js'
import { KEYS } from './harness.js'
import {
  eventually,
  startWebhookReceiver,
  verifyProgressDBWebhook,
  type WebhookReceiver,
} from './webhook-receiver.js'

const SECRET = 'crash-test-webhook-secret'

/** Writes a config file with one endpoint for every message.created, and fast retries. */
function writeConfig(dataDir: string, url: string): string {
  const file = path.join(dataDir, 'webhooks.yaml')
  fs.writeFileSync(
    file,
    [
      'webhooks:',
      '  initialDelayMs: 20',
      '  maxDelayMs: 50',
      '  timeoutMs: 500',
      '  pollIntervalMs: 50',
      '  endpoints:',
      '    - id: crash-hook',
      `      url: ${url}`,
      "      events: ['message.created']",
      `      secret: ${SECRET}`,
      '',
    ].join('\n'),
  )
  return file
}

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
    const receiver = await startWebhookReceiver((n) =>
      serverUp === 1 ? (n <= 2 ? 503 : 'hold') : 200,
    )
    receivers.push(receiver)
    const config = writeConfig(dataDir, receiver.url)
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
    const all = await eventually(
      async () => receiver.received,
      (list) => list.some((r) => r.answered === 200),
    )
    const delivered = all.find((r) => r.answered === 200)!
    const ids = new Set(all.map((r) => r.headers['progressdb-webhook-id']))
    expect(ids.size).toBe(1)
    expect(verifyProgressDBWebhook(SECRET, delivered.headers, delivered.raw)).toBe(true)
    expect(JSON.parse(delivered.raw)).toMatchObject({
      type: 'message.created',
      message: { id: 'm1', body: { text: 'survives' } },
    })

    const auth = { authorization: `Bearer ${KEYS.admin}` }
    const log = await eventually(
      async () =>
        (await (
          await fetch(`${second.url}/admin/webhooks/crash-hook/deliveries`, { headers: auth })
        ).json()) as { deliveries: Record<string, unknown>[] },
      (body) => body.deliveries[0]?.status === 'delivered',
    )
    expect(log.deliveries).toHaveLength(1)
    expect(log.deliveries[0]).toMatchObject({
      id: [...ids][0],
      status: 'delivered',
      last_status_code: 200,
    })
    // Every request was a counted attempt (a claim cut off before sending counts too).
    expect(log.deliveries[0]!.attempts).toBeGreaterThanOrEqual(all.length)
  })

  it('sends each delivery once when --workers 2 share the outbox', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-webhook-workers-'))
    dirs.push(dataDir)
    const receiver = await startWebhookReceiver(() => 200)
    receivers.push(receiver)
    const config = writeConfig(dataDir, receiver.url)
    const server = await spawnServer({
      args: [
        '--port',
        '0',
        '--data-dir',
        dataDir,
        '--log-level',
        'error',
        '--config',
        config,
        '--workers',
        '2',
      ],
      env: crashEnv,
    })
    procs.push(server)
    // Fresh connections spread the writes over both workers; both dispatch from the one outbox.
    for (let i = 0; i < 24; i++)
      expect(
        await postFresh(server.url, '/frontend/v1/threads/workers-hook-t/messages', {
          id: `w${i}`,
          body: i,
        }),
      ).toBe(201)
    const got = await receiver.waitFor(24)
    const ids = got.map((r) => r.headers['progressdb-webhook-id'])
    expect(new Set(ids).size).toBe(24)
    const bodies = got.map((r) => (JSON.parse(r.raw) as { message_id: string }).message_id).sort()
    expect(bodies).toEqual(Array.from({ length: 24 }, (_, i) => `w${i}`).sort())
    expect(await server.stop()).toBe(0)
    // Nothing else was sent after the 24th: no attempt was repeated.
    expect(receiver.received).toHaveLength(24)
  })
})
