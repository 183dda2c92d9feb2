import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '..')
const filesUnder = (dir: string, ext: string): string[] =>
  fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(ext) && !e.name.endsWith('.test.ts'))
    .map((e) => path.join(e.parentPath, e.name))

/**
 * The client must run in browsers and React Native: the compiler already refuses Node types
 * (tsconfig `types: []`); this keeps the emitted code free of Node-only names and of runtime
 * imports (the protocol package is used for types only, so no schema library is bundled).
 */
describe('@progressdb/js is universal', () => {
  it('its source uses no Node-only module or global', () => {
    const sources = filesUnder(path.join(root, 'src'), '.ts')
    expect(sources.length).toBeGreaterThan(5)
    for (const file of sources) {
      const code = fs.readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
      expect(code, file).not.toMatch(/\bfrom '(node:|fs|path|http|https|crypto|os|buffer)'/)
      expect(code, file).not.toMatch(/\b(process|Buffer|require|__dirname)\b/)
    }
  })

  it('its build imports nothing at run time but its own modules', () => {
    const built = filesUnder(path.join(root, 'dist'), '.js')
    let imports = 0
    for (const file of built) {
      const code = fs.readFileSync(file, 'utf8')
      for (const [, specifier] of code.matchAll(/^(?:import|export)\b[^'"]*?from\s*'([^']+)'/gm)) {
        imports++
        expect(specifier, file).toMatch(/^\.\.?\//)
      }
      expect(code, file).not.toMatch(/\bimport\(|\brequire\(/)
    }
    expect(imports).toBeGreaterThan(10)
  })
})
