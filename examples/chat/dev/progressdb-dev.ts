/**
 * Development-only backend for the chat example, as a Vite plugin: `vite` (npm run dev) also
 * starts a ProgressDB server and serves `GET /api/session?user=<id>`, the endpoint a real app
 * backend would have: it signs the user's id with the backend key (an expiring signature) and
 * hands the browser the publishable frontend key. The browser never sees the backend key.
 *
 * The server runs in development mode (no keys configured), so it generates its keys into
 * `<dataDir>/dev-keys.json` on first start; a fresh data directory is seeded with two threads.
 */
import fs from 'node:fs'
import path from 'node:path'
import ProgressDB from '@progressdb/node'
import { loadConfig, startServer, type RunningServer } from '@progressdb/server'
import type { Plugin, ViteDevServer } from 'vite'

export interface ProgressDBDevOptions {
  /** Where the ProgressDB data lives (default `.data` beside the config). */
  dataDir: string
  /** Messages in the seeded "Welcome" thread (default 80). */
  seedMessages?: number
}

/** What `/api/session` returns: everything `createClient` needs besides a fetch of this same route. */
export interface DevSession {
  baseUrl: string
  frontendKey: string
  userId: string
  signature: string
}

async function seed(db: ReturnType<typeof ProgressDB>, count: number): Promise<void> {
  await db.createThreadMessage('ideas', { body: { text: 'Ideas go here.' }, role: 'user' }, 'alice')
  await db.updateThread('ideas', { title: 'Ideas' }, 'alice')
  await db.createThread({ id: 'welcome', title: 'Welcome' }, 'alice')
  await db.addParticipant('welcome', { user_id: 'bob', role: 'member' }, 'alice')
  for (let i = 1; i <= count; i++) {
    const author = i % 3 === 0 ? 'bob' : 'alice'
    await db.createThreadMessage(
      'welcome',
      { id: `w${i}`, body: { text: `Welcome message ${i}` }, role: 'user' },
      author,
    )
  }
}

function sessionRoute(db: ReturnType<typeof ProgressDB>, server: RunningServer) {
  return (
    req: { url?: string },
    res: { statusCode: number; setHeader(n: string, v: string): void; end(b: string): void },
  ) => {
    const userId = new URL(req.url ?? '/', 'http://x').searchParams.get('user') || 'alice'
    db.signUser(userId, { expiresInS: 3600 }).then(
      ({ signature }) => {
        const session: DevSession = {
          baseUrl: server.url,
          frontendKey: server.devKeys!.frontendKey,
          userId,
          signature,
        }
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify(session))
      },
      (error: unknown) => {
        res.statusCode = 500
        res.end(JSON.stringify({ error: String(error) }))
      },
    )
  }
}

/** The Vite plugin; see the file comment. */
export function progressdbDev(options: ProgressDBDevOptions): Plugin {
  return {
    name: 'progressdb-dev',
    apply: 'serve',
    async configureServer(vite: ViteDevServer) {
      const dataDir = path.resolve(options.dataDir)
      const fresh = !fs.existsSync(path.join(dataDir, 'dev-keys.json'))
      const env = { PROGRESSDB_CORS_ORIGINS: '*', PROGRESSDB_LOG_LEVEL: 'warn' }
      const config = loadConfig({
        argv: ['--port', '0', '--data-dir', dataDir],
        env,
        cwd: process.cwd(),
      }).config
      const server = await startServer(config)
      const db = ProgressDB({ baseUrl: server.url, apiKey: server.devKeys!.backendKey })
      if (fresh) await seed(db, options.seedMessages ?? 80)
      vite.config.logger.info(`  ProgressDB (dev keys in ${dataDir}/dev-keys.json): ${server.url}`)
      vite.middlewares.use('/api/session', sessionRoute(db, server))
      vite.httpServer?.once('close', () => void server.close())
    },
  }
}
