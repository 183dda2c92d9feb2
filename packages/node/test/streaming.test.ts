import ProgressDB, { isProgressDBError, type ProgressDBBackend } from '@progressdb/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { KEYS, startFixtureServer, type FixtureServer } from '../../js/test/fixture.js'

describe('@progressdb/node streamed messages', () => {
  let server: FixtureServer
  let db: ProgressDBBackend
  beforeAll(async () => {
    server = await startFixtureServer()
    db = ProgressDB({ baseUrl: server.url, apiKey: KEYS.backend })
  })
  afterAll(async () => server.close())

  it('streams as the user given last, in order, and finalizes', async () => {
    const s = await db.streamMessage('ns-1', { role: 'assistant' }, 'ann')
    expect(s.message).toMatchObject({ author: 'ann', status: 'streaming', version: 1 })
    const parts = Array.from({ length: 50 }, (_, i) => `w${i} `)
    for (const part of parts) void s.append(part)
    await s.append('')
    expect((await db.getThreadMessage('ns-1', s.id, 'ann')).body.text).toBe(parts.join(''))
    const final = await s.finalize()
    expect(final).toMatchObject({ author: 'ann', status: 'final', version: 2 })
    expect(final.body.text).toBe(parts.join(''))
    expect(await db.listMessageVersions('ns-1', s.id, 'ann')).toHaveLength(2)
    const late = await s.append('x').catch((e: unknown) => e)
    expect(isProgressDBError(late) && late.code).toBe('MESSAGE_NOT_STREAMING')
  })

  it('aborts', async () => {
    const s = await db.streamMessage('ns-2', { body: { text: 'so far' } }, 'ann')
    expect(await s.abort()).toMatchObject({ status: 'aborted', body: { text: 'so far' } })
  })
})
