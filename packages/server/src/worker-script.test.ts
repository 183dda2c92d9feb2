import fs from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import { useTempDirs } from './store/temp-dirs.js'
import { workerScript } from './worker-script.js'

const tempDir = useTempDirs('progressdb-worker-script-')

/** A package with a built `dist/bench/ticker.js`, in a checkout under a directory called src. */
function checkoutUnderSrc(): string {
  const pkg = path.join(tempDir(), 'src', 'progressdb', 'packages', 'server')
  fs.mkdirSync(path.join(pkg, 'dist', 'bench'), { recursive: true })
  fs.writeFileSync(path.join(pkg, 'dist', 'bench', 'ticker.js'), '')
  return pkg
}

describe('workerScript', () => {
  it("runs the build's copy when the module is TypeScript source, whatever the checkout is under", () => {
    const pkg = checkoutUnderSrc()
    const source = pathToFileURL(path.join(pkg, 'src', 'bench', 'load-loop.ts')).href
    expect(workerScript(source, './ticker.js').href).toBe(pathToFileURL(path.join(pkg, 'dist', 'bench', 'ticker.js')).href)
  })

  it('runs the file next to a built module', () => {
    const pkg = checkoutUnderSrc()
    const built = pathToFileURL(path.join(pkg, 'dist', 'bench', 'load-loop.js')).href
    expect(workerScript(built, './ticker.js').href).toBe(pathToFileURL(path.join(pkg, 'dist', 'bench', 'ticker.js')).href)
  })

  it('says to build when the script is missing', () => {
    const pkg = checkoutUnderSrc()
    const source = pathToFileURL(path.join(pkg, 'src', 'bench', 'load-loop.ts')).href
    expect(() => workerScript(source, './missing.js')).toThrow(/missing\.js is missing: run npm run build/)
  })
})
