import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signUser } from '../src/auth/user-signature.js'
import { spawnServer, type ServerProcess } from '../src/bench/server-process.js'
import { crashEnv, headersFor } from './crash-workload.js'
import { KEYS } from './harness.js'

/** The server's own log, as an operator reads it: a real process, its stdout. */
describe('the request log', () => {
  let server: ServerProcess
  let dataDir: string
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-log-'))
    server = await spawnServer({ args: ['--port', '0', '--data-dir', dataDir, '--log-level', 'debug'], env: crashEnv })
  })
  afterAll(async () => {
    await server.stop()
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('has a line for every reply, under the request id the client was given, and no secret', async () => {
    const secretBody = 'TOP-SECRET-BODY-4410'
    const signature = signUser(KEYS.signing, 'logged')
    const requests: [string, RequestInit][] = [
      ['/frontend/v1/threads/lg/messages', { method: 'POST', headers: headersFor('logged', 'fast'), body: JSON.stringify({ body: secretBody }) }],
      ['/frontend/v1/threads/lg/messages', { headers: { authorization: `Bearer ${KEYS.backend}x`, 'x-user-id': 'logged' } }],
      ['/frontend/v1/threads/nope', { headers: headersFor('logged', 'fast') }],
      ['/frontend/v1/threads/lg/messages', { method: 'POST', headers: headersFor('logged', 'fast'), body: `{"body": "${secretBody}"` }],
    ]
    const seen: { id: string; status: number }[] = []
    for (const [pathname, init] of requests) {
      const res = await fetch(server.url + pathname, init)
      await res.text()
      seen.push({ id: res.headers.get('x-request-id')!, status: res.status })
    }
    expect(seen.map((s) => s.status)).toEqual([201, 401, 404, 400])
    // Lines are written as replies go out; give the pipe a moment.
    await new Promise((resolve) => setTimeout(resolve, 200))
    const lines = server
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { msg: string; request_id?: string; status?: number; code?: string })
    for (const { id, status } of seen) {
      const line = lines.find((l) => l.request_id === id && l.status === status)
      expect(line, id).toBeDefined()
      if (status >= 400) expect(line).toMatchObject({ msg: 'request refused', code: expect.any(String) })
    }
    for (const secret of [KEYS.backend, KEYS.frontend, KEYS.signing, signature, secretBody])
      expect(server.output()).not.toContain(secret)
  })
})
