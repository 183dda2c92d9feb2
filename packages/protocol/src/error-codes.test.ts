import fs from 'node:fs'
import { describe, expect, it } from 'vitest'
import { ERROR_CODES } from './error-codes.js'

const DOC = new URL('../../../docs/errors.md', import.meta.url)

/** The table of codes, rendered from the registry. */
function renderTable(): string {
  const rows = Object.entries(ERROR_CODES).map(
    ([code, { status, description }]) => `| \`${code}\` | ${status} | ${description.replace(/\|/g, '\\|')} |`,
  )
  return ['| Code | Status | Meaning |', '|---|---|---|', ...rows].join('\n') + '\n'
}

// UPDATE_DOCS=1 npx vitest run packages/protocol rewrites the table from the registry.
if (process.env.UPDATE_DOCS === '1') {
  const current = fs.readFileSync(DOC, 'utf8')
  fs.writeFileSync(DOC, current.slice(0, current.indexOf('| Code |')) + renderTable())
}

describe('docs/errors.md', () => {
  const doc = fs.readFileSync(DOC, 'utf8')
  const rows = [...doc.matchAll(/^\| `([A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1], Number(m[2])])

  it('lists exactly the codes of the registry, with their statuses', () => {
    const registry = Object.entries(ERROR_CODES).map(([code, { status }]) => [code, status])
    expect(rows.sort()).toEqual(registry.sort())
  })

  it('has the table as the registry renders it (UPDATE_DOCS=1 npx vitest run packages/protocol)', () => {
    expect(doc.slice(doc.indexOf('| Code |'))).toBe(renderTable())
  })

  it('uses only 4xx/5xx statuses', () => {
    for (const { status } of Object.values(ERROR_CODES)) expect(status).toBeGreaterThanOrEqual(400)
  })
})
