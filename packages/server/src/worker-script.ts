import fs from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The built script a worker thread runs, `file` next to the module at `moduleUrl`. Under the
 * test runner that module is TypeScript source, and a worker thread cannot load TypeScript: it
 * then runs the build's copy (`npm test` builds first).
 */
export function workerScript(moduleUrl: string, file: string): URL {
  const base = moduleUrl.endsWith('.ts') ? moduleUrl.replace('/src/', '/dist/') : moduleUrl
  const url = new URL(file, base)
  if (!fs.existsSync(fileURLToPath(url))) throw new Error(`${fileURLToPath(url)} is missing: run npm run build`)
  return url
}
