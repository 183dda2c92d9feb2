import fs from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from './harness.js'

/** docs/api.md must describe every route the server runs (the OpenAPI document lists them). */
describe('docs/api.md', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(async () => t.close())

  it('mentions every route of the OpenAPI document', async () => {
    const doc = fs.readFileSync(new URL('../../../docs/api.md', import.meta.url), 'utf8')
    const openapi = (await t.raw().get('/openapi.json')).body as { paths: Record<string, Record<string, unknown>> }
    const missing: string[] = []
    for (const [path, ops] of Object.entries(openapi.paths)) {
      const short = path.replace(/^\/frontend\/v1/, '')
      const rows = doc.split('\n').filter((line) => line.includes(`\`${short}\``) || line.includes(`\`${path}\``) || line.includes(` \`${short}\`,`))
      for (const method of Object.keys(ops)) {
        if (!rows.some((row) => row.toUpperCase().includes(method.toUpperCase()))) missing.push(`${method.toUpperCase()} ${path}`)
      }
    }
    expect(missing).toEqual([])
  })

  it('lists every success status a route answers with, not only the usual one', async () => {
    const { paths } = (await t.raw().get('/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
    }
    const statuses = (path: string, method: string) => Object.keys(paths[path]![method]!.responses).sort()
    expect(statuses('/frontend/v1/threads', 'post')).toEqual(['200', '201', 'default'])
    expect(statuses('/frontend/v1/threads/{threadId}/messages', 'post')).toEqual(['200', '201', 'default'])
    expect(statuses('/frontend/v1/threads/{threadId}', 'delete')).toEqual(['200', '204', 'default'])
    expect(statuses('/frontend/v1/threads/{threadId}/messages/{messageId}', 'delete')).toEqual(['200', '204', 'default'])
    expect(statuses('/frontend/v1/ws', 'get')).toEqual(['101', 'default'])
  })

  it('declares what every reply with a body holds', async () => {
    const { paths } = (await t.raw().get('/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>
    }
    const bare: string[] = []
    for (const [path, ops] of Object.entries(paths))
      for (const [method, op] of Object.entries(ops))
        for (const [status, response] of Object.entries(op.responses))
          if (!['101', '204'].includes(status) && response.content === undefined) bare.push(`${method} ${path} ${status}`)
    expect(bare).toEqual([])
  })
})
