import fs from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach } from 'vitest'

/**
 * Test helper: fresh temporary directories, all removed after each test. Call it at the top
 * level of a test file; it returns the function that makes one.
 */
export function useTempDirs(prefix: string): () => string {
  const dirs: string[] = []
  afterEach(() => {
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true })
  })
  return () => {
    const dir = fs.mkdtempSync(path.join(tmpdir(), prefix))
    dirs.push(dir)
    return dir
  }
}
