import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { signUser } from '../src/auth/user-signature.js'
import { loadConfig } from '../src/config/load-config.js'
import { startServer, type RunningServer } from '../src/server.js'

export const KEYS = {
  backend: 'test-backend-key',
  frontend: 'test-frontend-key',
  admin: 'test-admin-key',
  signing: 'test-signing-secret',
} as const

export interface ApiResponse<T = any> {
  status: number
  headers: Headers
  body: T
  text: string
}

export interface ApiClient {
  request<T = any>(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>
  get<T = any>(path: string, headers?: Record<string, string>): Promise<ApiResponse<T>>
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>
  put<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>
  patch<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>
  del<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<ApiResponse<T>>
}

export interface TestServer {
  url: string
  dataDir: string
  server: RunningServer
  /** A frontend client for `userId`, with a valid plain signature. */
  user(userId: string): ApiClient
  /** A backend-key client acting as `userId` (or no user when omitted). */
  backend(userId?: string): ApiClient
  admin(): ApiClient
  /** A client sending exactly the given headers. */
  raw(headers?: Record<string, string>): ApiClient
  /** Stops the server and starts a new one on the same data directory. */
  restart(): Promise<void>
  close(): Promise<void>
}

export interface TestServerOptions {
  /** Extra YAML config merged over the test defaults. */
  yaml?: string
  env?: Record<string, string>
  dataDir?: string
  /** Configure no keys, so the server runs in development mode with generated keys. */
  devKeys?: boolean
}

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-http-'))
  const argv = ['--port', '0', '--data-dir', dataDir, '--log-level', 'silent']
  if (options.yaml) {
    const file = path.join(dataDir, 'test-config.yaml')
    fs.writeFileSync(file, options.yaml)
    argv.push('--config', file)
  }
  const keys = options.devKeys
    ? {}
    : {
        PROGRESSDB_BACKEND_KEYS: KEYS.backend,
        PROGRESSDB_FRONTEND_KEYS: KEYS.frontend,
        PROGRESSDB_ADMIN_KEYS: KEYS.admin,
        PROGRESSDB_SIGNING_KEYS: KEYS.signing,
      }
  const env = {
    ...keys,
    PROGRESSDB_RATE_LIMIT_USER_PER_SECOND: '0',
    PROGRESSDB_RATE_LIMIT_KEY_PER_SECOND: '0',
    ...options.env,
  }
  const start = async () => startServer(loadConfig({ argv, env, cwd: dataDir }).config)
  let server = await start()
  const client = (headers: Record<string, string>): ApiClient => {
    const request = async (method: string, p: string, body?: unknown, extra: Record<string, string> = {}) => {
      const init: RequestInit = { method, headers: { ...headers, ...extra } }
      if (body !== undefined) {
        init.body = typeof body === 'string' || body instanceof Uint8Array ? (body as string) : JSON.stringify(body)
        ;(init.headers as Record<string, string>)['content-type'] ??= 'application/json'
      }
      const res = await fetch(server.url + p, init)
      const text = await res.text()
      let parsed: unknown
      try {
        parsed = text ? JSON.parse(text) : undefined
      } catch {
        // Not JSON (e.g. a raw 400 from the HTTP parser): tests read `text`.
      }
      return { status: res.status, headers: res.headers, body: parsed as any, text }
    }
    return {
      request,
      get: (p, h) => request('GET', p, undefined, h),
      post: (p, b, h) => request('POST', p, b, h),
      put: (p, b, h) => request('PUT', p, b, h),
      patch: (p, b, h) => request('PATCH', p, b, h),
      del: (p, b, h) => request('DELETE', p, b, h),
    }
  }
  return {
    get url() {
      return server.url
    },
    dataDir,
    get server() {
      return server
    },
    user: (userId) =>
      client({ authorization: `Bearer ${KEYS.frontend}`, 'x-user-id': userId, 'x-user-signature': signUser(KEYS.signing, userId) }),
    backend: (userId) =>
      client({ 'x-api-key': KEYS.backend, ...(userId === undefined ? {} : { 'x-user-id': userId }) }),
    admin: () => client({ authorization: `Bearer ${KEYS.admin}` }),
    raw: (headers = {}) => client(headers),
    restart: async () => {
      await server.close()
      server = await start()
    },
    close: async () => {
      await server.close()
      if (!options.dataDir) fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
