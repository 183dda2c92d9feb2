import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'
import { workerScript } from './worker-script.js'

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'progressdb-worker-script-'))
afterAll(() => fs.rmSync(root, { recursive: true, force: true }))

describe('workerScript', () => {
  // A checkout under a directory called src, as in ~/src/progressdb.
  const pkg = path.join(root, 'src', 'progressdb', 'packages', 'server')
  fs.mkdirSync(path.join(pkg, 'dist', 'bench'), { recursive: true })
  fs.writeFileSync(path.join(pkg, 'dist', 'bench', 'ticker.js'), '')

  it("runs the build's copy when the module is TypeScript source, whatever the checkout is under", () => {
    const source = pathToFileURL(path.join(pkg, 'src', 'bench', 'load-loop.ts')).href
    expect(workerScript(source, './ticker.js').href).toBe(pathToFileURL(path.join(pkg, 'dist', 'bench', 'ticker.js')).href)
  })

  it('runs the file next to a built module', () => {
    const built = pathToFileURL(path.join(pkg, 'dist', 'bench', 'load-loop.js')).href
    expect(workerScript(built, './ticker.js').href).toBe(pathToFileURL(path.join(pkg, 'dist', 'bench', 'ticker.js')).href)
  })

  it('says to build when the script is missing', () => {
    const source = pathToFileURL(path.join(pkg, 'src', 'bench', 'load-loop.ts')).href
    expect(() => workerScript(source, './missing.js')).toThrow(/missing\.js is missing: run npm run build/)
  })
})
