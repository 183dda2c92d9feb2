import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createClient, type ProgressDBClient } from '../src/index.js'
import { startFixtureServer, type FixtureServer } from './fixture.js'

const COUNT = 1000
const THREAD = 'thousand'
const idOf = (i: number) => `k${String(i).padStart(4, '0')}`

describe('@progressdb/js page iterators over a 1,000-message thread', () => {
  let server: FixtureServer
  let client: ProgressDBClient
  /** The ids in stored (seq) order. */
  let expected: string[] = []

  beforeAll(async () => {
    server = await startFixtureServer()
    client = createClient(server.frontend('walker'))
    const chat = client.messages(THREAD)
    const created = []
    for (let i = 0; i < COUNT; i += 20) {
      const batch = Array.from({ length: 20 }, (_, j) =>
        chat.create({ id: idOf(i + j), body: { n: i + j } }),
      )
      created.push(...(await Promise.all(batch)))
    }
    // Concurrent creates land in any order: the expectation is the order the server assigned.
    expected = created.sort((a, b) => a.seq - b.seq).map((m) => m.id)
  }, 120_000)
  afterAll(async () => server.close())

  it('older() yields every message once, newest first', async () => {
    const seen: string[] = []
    for await (const m of client.messages(THREAD).older({ pageSize: 64 })) seen.push(m.id)
    expect(seen).toHaveLength(COUNT)
    expect(seen).toEqual([...expected].reverse())
  })

  it('newer() from the start yields every message once, oldest first', async () => {
    const seen: string[] = []
    for await (const m of client.messages(THREAD).newer({ pageSize: 77 })) seen.push(m.id)
    expect(seen).toEqual(expected)
  })

  it('walks from a cursor in both directions, and stays gap-free while the thread changes', async () => {
    const before: string[] = []
    for await (const m of client.messages(THREAD).older({ before: expected[500], pageSize: 100 }))
      before.push(m.id)
    expect(before).toEqual(expected.slice(0, 500).reverse())

    const after: string[] = []
    let edited = false
    for await (const m of client.messages(THREAD).newer({ after: expected[499], pageSize: 100 })) {
      after.push(m.id)
      if (!edited) {
        // Deleting one not yet reached and adding one at the end while the walk is under way.
        await client.messages(THREAD).delete(expected[700]!)
        await client.messages(THREAD).create({ id: 'late', body: { n: COUNT } })
        edited = true
      }
    }
    expect(after).toEqual([...expected.slice(500).filter((id) => id !== expected[700]), 'late'])
    await client.messages(THREAD).restore(expected[700]!)
    await client.messages(THREAD).delete('late', { hard: true })
  })

  it('includeDeleted walks soft-deleted messages too', async () => {
    await client.messages(THREAD).delete(expected[3]!)
    const first6 = expected.slice(0, 6).reverse()
    const live: string[] = []
    for await (const m of client.messages(THREAD).older({ before: expected[6], pageSize: 2 }))
      live.push(m.id)
    expect(live).toEqual(first6.filter((id) => id !== expected[3]))
    const all: string[] = []
    for await (const m of client
      .messages(THREAD)
      .older({ before: expected[6], pageSize: 2, includeDeleted: true }))
      all.push(m.id)
    expect(all).toEqual(first6)
  })
})
