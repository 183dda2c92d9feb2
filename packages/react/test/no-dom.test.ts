import fs from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'

/**
 * The hooks must run under React Native: no react-dom, no browser-only globals. (The
 * compiler cannot enforce this, since @progressdb/js types its options with the DOM lib's
 * fetch and AbortSignal, which React Native also provides.)
 */
describe('@progressdb/react uses no DOM-only API', () => {
  it('imports only react and @progressdb/js, and touches no browser global', () => {
    const dir = path.resolve(import.meta.dirname, '../src')
    const files = fs.readdirSync(dir).filter((f) => f.endsWith('.ts'))
    expect(files.length).toBeGreaterThan(3)
    for (const file of files) {
      const code = fs
        .readFileSync(path.join(dir, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\/|\/\/.*$/gm, '')
      for (const [, specifier] of code.matchAll(/from '([^']+)'/g))
        expect(specifier, file).toMatch(/^(react|@progressdb\/js|\.\/.*)$/)
      expect(code, file).not.toMatch(
        /\b(window|document|navigator|localStorage|sessionStorage|HTMLElement|Element)\b/,
      )
    }
  })
})
