import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { CONFIG_EXAMPLE_YAML, renderConfigDocs } from './config-docs.js'
import { loadConfig } from './load-config.js'
import { configLeaves } from './schema.js'

const DOCS_PATH = fileURLToPath(new URL('../../../../docs/config.md', import.meta.url))
const REGENERATE = 'UPDATE_DOCS=1 npx vitest run packages/server/src/config/config-docs.test.ts'

describe('docs/config.md', () => {
  it('equals the output of renderConfigDocs()', () => {
    const expected = renderConfigDocs()
    if (process.env['UPDATE_DOCS'] === '1') writeFileSync(DOCS_PATH, expected)
    let actual: string
    try {
      actual = readFileSync(DOCS_PATH, 'utf8')
    } catch {
      throw new Error(`${DOCS_PATH} is missing; generate it with: ${REGENERATE}`)
    }
    expect(
      actual,
      `docs/config.md is out of date with the schema; regenerate with: ${REGENERATE}`,
    ).toBe(expected)
  })

  it('lists every key, env var and flag', () => {
    const docs = renderConfigDocs()
    for (const leaf of configLeaves) {
      expect(docs).toContain(`\`${leaf.path.split('.')[1] ?? ''}\``)
      if (leaf.env !== undefined) expect(docs).toContain(`\`${leaf.env}\``)
      if (leaf.flag !== undefined) expect(docs).toContain(`\`${leaf.flag}\``)
    }
  })

  it('shows a YAML example that loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'progressdb-config-'))
    writeFileSync(join(dir, 'example.yaml'), CONFIG_EXAMPLE_YAML)
    const { config } = loadConfig({ argv: ['--config', 'example.yaml'], env: {}, cwd: dir })
    expect(config.storage.durability).toBe('safe')
    expect(config.auth.backendKeys).toEqual(['sk_backend_change_me'])
  })
})
