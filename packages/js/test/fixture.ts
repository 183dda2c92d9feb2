/**
 * A real ProgressDB server for SDK tests: the `progressdb serve` CLI in a child process, on a
 * free port (or the one asked for), over a temp data directory, with known keys and rate
 * limits off unless a test turns them on.
 *
 * Why a child process: the React suites run in jsdom, whose globals (TextEncoder, typed
 * arrays of another realm) break the embedded store when the server shares the process. A
 * separate process is also what users run. The @progressdb/node and @progressdb/react suites
 * import this file too: a test fixture is not part of any package's published surface, so it
 * is shared by path rather than copied.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { signUser } from '@progressdb/server'

export const KEYS = {
  backend: 'sdk-test-backend-key',
  frontend: 'sdk-test-frontend-key',
  admin: 'sdk-test-admin-key',
  signing: 'sdk-test-signing-secret',
} as const

const CLI = path.resolve(import.meta.dirname, '../../../node_modules/.bin/progressdb')

export interface FixtureOptions {
  /** YAML config merged over the defaults, e.g. `limits:\n  bodyMaxBytes: 2048\n`. */
  yaml?: string
  /** `PROGRESSDB_*` variables; they win over `yaml` (as in production). */
  env?: Record<string, string>
  port?: number
}

export interface FixtureServer {
  url: string
  port: number
  /** The plain (non-expiring) signature of `userId` under the fixture's signing key. */
  sign(userId: string): string
  /** An expiring signature, `expiresAtS` in Unix seconds (may be in the past). */
  signUntil(userId: string, expiresAtS: number): string
  /** Frontend-key credentials for `userId`, ready to spread into `createClient`. */
  frontend(userId: string): {
    baseUrl: string
    frontendKey: string
    userId: string
    userSignature: string
  }
  close(): Promise<void>
}

/** True when nothing listens on `port` of 127.0.0.1. */
export async function isPortFree(port: number): Promise<boolean> {
  const probe = net.createServer()
  return new Promise((resolve) => {
    probe.once('error', () => resolve(false))
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)))
  })
}

function waitForListening(child: ChildProcess, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = ''
    let err = ''
    const timer = setTimeout(
      () => fail(new Error(`progressdb did not start in ${timeoutMs} ms:\n${out}${err}`)),
      timeoutMs,
    )
    const fail = (error: Error) => {
      clearTimeout(timer)
      child.kill('SIGKILL')
      reject(error)
    }
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString()))
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString()
      const match = /ProgressDB listening on (\S+)/.exec(out)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    })
    child.once('exit', (code) => fail(new Error(`progressdb exited with ${code}:\n${out}${err}`)))
  })
}

export async function startFixtureServer(options: FixtureOptions = {}): Promise<FixtureServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-sdk-'))
  const argv = ['serve', '--port', String(options.port ?? 0), '--data-dir', dataDir]
  argv.push('--log-level', process.env.PDB_FIXTURE_LOG ?? 'silent')
  if (options.yaml) {
    const file = path.join(dataDir, 'fixture.yaml')
    fs.writeFileSync(file, options.yaml)
    argv.push('--config', file)
  }
  const env = {
    PATH: process.env.PATH ?? '',
    PROGRESSDB_BACKEND_KEYS: KEYS.backend,
    PROGRESSDB_FRONTEND_KEYS: KEYS.frontend,
    PROGRESSDB_ADMIN_KEYS: KEYS.admin,
    PROGRESSDB_SIGNING_KEYS: KEYS.signing,
    PROGRESSDB_RATE_LIMIT_USER_PER_SECOND: '0',
    PROGRESSDB_RATE_LIMIT_KEY_PER_SECOND: '0',
    ...options.env,
  }
  const child = spawn(process.execPath, [CLI, ...argv], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  const killOnExit = () => child.kill('SIGKILL')
  process.once('exit', killOnExit)
  const url = await waitForListening(child, 20_000)
  child.stdout.resume()
  child.stderr.resume()
  return {
    url,
    port: Number(new URL(url).port),
    sign: (userId) => signUser(KEYS.signing, userId),
    signUntil: (userId, expiresAtS) => signUser(KEYS.signing, userId, expiresAtS),
    frontend: (userId) => ({
      baseUrl: url,
      frontendKey: KEYS.frontend,
      userId,
      userSignature: signUser(KEYS.signing, userId),
    }),
    close: async () => {
      process.off('exit', killOnExit)
      child.removeAllListeners('exit')
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve))
        child.kill('SIGTERM')
        await exited
      }
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Polls `check` until it returns true, failing after `timeoutMs` (never a blind sleep). */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
