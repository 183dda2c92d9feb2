/**
 * A real ProgressDB server for SDK tests: started in-process on a free port (or the one asked
 * for) over a temp data directory, with known keys and rate limits off unless a test turns
 * them on. The @progressdb/node and @progressdb/react suites import this file too: a test
 * fixture is not part of any package's published surface, so it is shared by path rather
 * than copied.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { loadConfig, signUser, startServer } from '@progressdb/server'

export const KEYS = {
  backend: 'sdk-test-backend-key',
  frontend: 'sdk-test-frontend-key',
  admin: 'sdk-test-admin-key',
  signing: 'sdk-test-signing-secret',
} as const

export interface FixtureOptions {
  /** YAML config merged over the defaults, e.g. `limits:\n  bodyMaxBytes: 2048\n`. */
  yaml?: string
  /** `PROGRESSDB_*` variables; they win over `yaml` (as in production). */
  env?: Record<string, string>
  port?: number
  host?: string
}

export interface FixtureServer {
  url: string
  port: number
  /** The plain (non-expiring) signature of `userId` under the fixture's signing key. */
  sign(userId: string): string
  /** An expiring signature, `expiresAtS` in Unix seconds (may be in the past). */
  signUntil(userId: string, expiresAtS: number): string
  /** Frontend-key credentials for `userId`, ready to spread into `createClient`. */
  frontend(userId: string): { baseUrl: string; frontendKey: string; userId: string; userSignature: string }
  close(): Promise<void>
}

export async function startFixtureServer(options: FixtureOptions = {}): Promise<FixtureServer> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-sdk-'))
  const argv = ['--port', String(options.port ?? 0), '--data-dir', dataDir, '--log-level', 'silent']
  if (options.host) argv.push('--host', options.host)
  if (options.yaml) {
    const file = path.join(dataDir, 'fixture.yaml')
    fs.writeFileSync(file, options.yaml)
    argv.push('--config', file)
  }
  const env = {
    PROGRESSDB_BACKEND_KEYS: KEYS.backend,
    PROGRESSDB_FRONTEND_KEYS: KEYS.frontend,
    PROGRESSDB_ADMIN_KEYS: KEYS.admin,
    PROGRESSDB_SIGNING_KEYS: KEYS.signing,
    PROGRESSDB_RATE_LIMIT_USER_PER_SECOND: '0',
    PROGRESSDB_RATE_LIMIT_KEY_PER_SECOND: '0',
    ...options.env,
  }
  const server = await startServer(loadConfig({ argv, env, cwd: dataDir }).config)
  return {
    url: server.url,
    port: server.port,
    sign: (userId) => signUser(KEYS.signing, userId),
    signUntil: (userId, expiresAtS) => signUser(KEYS.signing, userId, expiresAtS),
    frontend: (userId) => ({
      baseUrl: server.url,
      frontendKey: KEYS.frontend,
      userId,
      userSignature: signUser(KEYS.signing, userId),
    }),
    close: async () => {
      await server.close()
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Polls `check` until it returns true, failing after `timeoutMs` (never a blind sleep). */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
