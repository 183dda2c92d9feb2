import fs from 'node:fs'
import { fileURLToPath } from 'node:url'

/**
 * The built script a worker thread runs, `file` next to the module at `moduleUrl`. Under the
 * test runner that module is TypeScript source, and a worker thread cannot load TypeScript: it
 * then runs the build's copy (`npm test` builds first).
 */
export function workerScript(moduleUrl: string, file: string): URL {
  // The package's own src/ (the last one in the path: the checkout may sit under a src/ too).
  const at = moduleUrl.lastIndexOf('/src/')
  const base = moduleUrl.endsWith('.ts') ? `${moduleUrl.slice(0, at)}/dist/${moduleUrl.slice(at + 5)}` : moduleUrl
  const url = new URL(file, base)
  if (!fs.existsSync(fileURLToPath(url))) throw new Error(`${fileURLToPath(url)} is missing: run npm run build`)
  return url
}
