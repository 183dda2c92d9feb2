import fs from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient } from '../src/index.js'
import { startFixtureServer, type FixtureServer } from './fixture.js'

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

describe('@progressdb/js without a complete URLSearchParams (React Native)', () => {
  let server: FixtureServer
  beforeAll(async () => {
    server = await startFixtureServer()
  })
  afterAll(async () => server.close())

  it('sends query strings with no URLSearchParams#set', async () => {
    const alice = createClient(server.frontend('rn'))
    await alice.threads.create({ id: 'rn-1', title: 'Q&A: a+b = c?' })
    await alice.threads.create({ id: 'rn-2', title: 'other' })
    const original = globalThis.URLSearchParams
    // Some React Native releases ship a URLSearchParams without `set` (or `get`, `has`...).
    globalThis.URLSearchParams = class {
      append() {}
      toString() {
        return ''
      }
    } as unknown as typeof URLSearchParams
    try {
      const found = await alice.threads.list({ title: 'a: A+B = C?', limit: 5 })
      expect(found.threads.map((t) => t.id)).toEqual(['rn-1'])
      const first = await alice.threads.list({ limit: 1 })
      const next = await alice.threads.list({ before: first.pagination.before_anchor! })
      expect([...first.threads, ...next.threads].map((t) => t.id)).toEqual(['rn-2', 'rn-1'])
    } finally {
      globalThis.URLSearchParams = original
    }
  })
})
