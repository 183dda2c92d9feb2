import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { spawnServer, type ServerProcess } from '../src/bench/server-process.js'
import { crashEnv, headersFor } from './crash-workload.js'
import { connect, type Frame, type WsTestClient } from './ws-client.js'

const presence = (frames: readonly Frame[]) => frames.filter((f) => f.type === 'presence').map((f) => f.users)
const typing = (frames: readonly Frame[]) => frames.filter((f) => f.type === 'typing').map((f) => [f.user_id, f.typing])

async function post(url: string, user: string, pathname: string, body: unknown): Promise<number> {
  const res = await fetch(`${url}${pathname}`, { method: 'POST', headers: headersFor(user, 'fast'), body: JSON.stringify(body) })
  await res.arrayBuffer()
  return res.status
}

/**
 * Presence with `--workers 2`. Each WebSocket is a new TCP connection, which node:cluster hands
 * to the workers in turn, so alice and bob land on different workers; the worker kill below
 * checks that (exactly one of the two sockets dies with its worker).
 */
describe('presence and typing across --workers 2', () => {
  let server: ServerProcess
  let dataDir: string
  let alice: WsTestClient
  let bob: WsTestClient
  beforeAll(async () => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-presence-'))
    // Typing never lapses during the test: only a worker's exit can clear it.
    const config = path.join(dataDir, 'config.yaml')
    fs.writeFileSync(config, 'realtime:\n  typingTimeoutMs: 600000\n')
    const args = ['--port', '0', '--data-dir', dataDir, '--config', config, '--workers', '2', '--log-level', 'warn']
    server = await spawnServer({ args, env: crashEnv })
    expect(await post(server.url, 'alice', '/frontend/v1/threads/room/messages', { id: 'm1', body: 'hi' })).toBe(201)
    expect(await post(server.url, 'alice', '/frontend/v1/threads/room/participants', { user_id: 'bob' })).toBe(200)
  })
  afterAll(async () => {
    expect(await server.stop()).toBe(0)
    fs.rmSync(dataDir, { recursive: true, force: true })
  })

  it('shows users connected to either worker to everyone, and their typing', async () => {
    const ws = server.url.replace('http:', 'ws:')
    alice = await connect(ws, 'alice')
    alice.send({ type: 'subscribe', thread_id: 'room' })
    await alice.until((f) => presence(f).length === 1)
    bob = await connect(ws, 'bob')
    bob.send({ type: 'subscribe', thread_id: 'room' })
    await bob.until((f) => presence(f).some((users) => users!.length === 2))
    await alice.until((f) => presence(f).some((users) => users!.length === 2))
    expect(presence(alice.frames).at(-1)).toEqual(['alice', 'bob'])
    expect(presence(bob.frames).at(-1)).toEqual(['alice', 'bob'])

    bob.send({ type: 'typing', thread_id: 'room', typing: true })
    await alice.until((f) => typing(f).length === 1)
    bob.send({ type: 'typing', thread_id: 'room', typing: false })
    await alice.until((f) => typing(f).length === 2)
    expect(typing(alice.frames)).toEqual([['bob', true], ['bob', false]])
    alice.send({ type: 'typing', thread_id: 'room', typing: true })
    await bob.until((f) => typing(f).some(([user]) => user === 'alice'))
    expect(typing(bob.frames).filter(([user]) => user === 'alice')).toEqual([['alice', true]])
  })

  it('drops the users and typing of a worker that dies from what the other worker shows', async () => {
    bob.send({ type: 'typing', thread_id: 'room', typing: true })
    await alice.until((f) => typing(f).length === 3)
    const closed = (client: WsTestClient) => new Promise<WsTestClient>((resolve) => client.ws.once('close', () => resolve(client)))
    const firstClosed = Promise.race([closed(alice), closed(bob)])
    const workers = execFileSync('ps', ['-o', 'pid=', '--ppid', String(server.child.pid)], { encoding: 'utf8' })
      .split('\n')
      .map((line) => Number(line.trim()))
      .filter((pid) => pid > 0)
    expect(workers).toHaveLength(2)
    process.kill(workers[0]!, 'SIGKILL')
    const dead = await firstClosed
    const survivor = dead === alice ? bob : alice
    const gone = dead === alice ? 'alice' : 'bob'
    const self = dead === alice ? 'bob' : 'alice'
    await survivor.until((f) => sameList(presence(f).at(-1), [self]))
    expect(survivor.ws.readyState).toBe(survivor.ws.OPEN)
    expect(typing(survivor.frames).filter(([user]) => user === gone).at(-1)).toEqual([gone, false])
    survivor.ws.close()
  })
})

function sameList(a: readonly string[] | undefined, b: readonly string[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i])
}
