/**
 * What the chat example's browser tests share: the same Vite dev server as `npm run dev`
 * (with its ProgressDB server, over a fresh data directory), Debian's Chromium through
 * playwright-core, and a backend client to check what the server stored.
 *
 * Without /usr/bin/chromium the tests are skipped with a loud warning, except under
 * `CI=true`, where they fail.
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import ProgressDB from '@progressdb/node'
import { chromium, type Browser } from 'playwright-core'
import { createServer, type ViteDevServer } from 'vite'

const CHROMIUM = '/usr/bin/chromium'
const exampleDir = path.resolve(import.meta.dirname, '..')
const hasChromium = fs.existsSync(CHROMIUM)
const inCI = process.env.CI === 'true'

/** Whether a suite should be skipped (no Chromium outside CI); warns loudly when it is. */
export function skipWithoutChromium(suite: string): boolean {
  if (hasChromium || inCI) return false
  console.warn(
    `\n${'!'.repeat(78)}\n!!  SKIPPING ${suite}: ${CHROMIUM} is missing.\n` +
      `!!  Install it with: apt-get install -y chromium   (CI installs it and fails without it)\n${'!'.repeat(78)}\n`,
  )
  return true
}

export interface ChatApp {
  /** The app's address, ending in `/`. */
  url: string
  browser: Browser
  /** A backend client of the app's ProgressDB server. */
  db: ReturnType<typeof ProgressDB>
  close(): Promise<void>
}

export async function startChatApp(): Promise<ChatApp> {
  if (!hasChromium)
    throw new Error(`${CHROMIUM} is missing: .ci/run must install Debian's chromium.`)
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-chat-e2e-'))
  process.env.CHAT_DATA_DIR = dataDir
  const vite: ViteDevServer = await createServer({
    configFile: path.join(exampleDir, 'vite.config.ts'),
    server: { port: 0, strictPort: false },
    logLevel: 'warn',
  })
  await vite.listen()
  const url = vite.resolvedUrls!.local[0]!
  const keys = JSON.parse(fs.readFileSync(path.join(dataDir, 'dev-keys.json'), 'utf8')) as {
    backendKey: string
  }
  const session = (await (await fetch(`${url}api/session`)).json()) as { baseUrl: string }
  const db = ProgressDB({ baseUrl: session.baseUrl, apiKey: keys.backendKey })
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  })
  return {
    url,
    browser,
    db,
    async close() {
      await browser.close()
      await vite.close()
      delete process.env.CHAT_DATA_DIR
      fs.rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
