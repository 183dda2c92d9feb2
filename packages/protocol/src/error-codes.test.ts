import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from './error-codes.js'

describe('docs/errors.md', () => {
  const doc = fs.readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8')
  const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])])

  it('lists exactly the codes of the registry, with their statuses', () => {
    const registry = Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status])
    expect(rows.sort()).toEqual(registry.sort())
  })

  it('uses only 4xx/5xx statuses', () => {
    for (const { status } of Object.values(ERROR_CODES)) expect(status).toBeGreaterThanOrEqual(400)
  })
})
