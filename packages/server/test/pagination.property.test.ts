import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type ApiClient, type TestServer } from './harness.js'
import { createMessageModel, type MessageModel, type Mutation } from './message-model.js'

/** 15 by default; raise it locally to search harder (PROGRESSDB_TEST_PROPERTY_RUNS=500). */
const RUNS = Number(process.env.PROGRESSDB_TEST_PROPERTY_RUNS ?? 15)

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  { arbitrary: fc.constant({ kind: 'create' as const }), weight: 3 },
  {
    arbitrary: fc.record({
      kind: fc.constantFrom('edit' as const, 'soft' as const, 'restore' as const, 'hard' as const),
      pick: fc.nat(1000),
    }),
    weight: 5,
  },
)

interface Walk {
  pages: { ids: string[]; seqs: number[] }[]
  /** Ids that were soft- or hard-deleted at some point after the walk started. */
  disturbed: Set<string>
  liveAtStart: Set<string>
  createdDuring: Set<string>
}

/**
 * Walks a thread's pages in one direction from `first` (a page response), applying one batch of
 * `steps` between consecutive fetches. Checks that each page only holds messages that are live
 * at the moment it is fetched, in chronological order.
 */
async function walk(
  client: ApiClient,
  model: MessageModel,
  direction: 'older' | 'newer',
  limit: number,
  first: { body: any },
  steps: Mutation[][],
): Promise<Walk> {
  const result: Walk = {
    pages: [],
    disturbed: new Set(),
    liveAtStart: new Set(model.liveIds()),
    createdDuring: new Set(),
  }
  let page = first
  for (let i = 0; ; i++) {
    expect(i, 'the walk did not end').toBeLessThan(500)
    const got = page.body.messages as { id: string; seq: number; deleted: boolean }[]
    for (const m of got) {
      expect(model.state.get(m.id), `${m.id} on a page but not live when fetched`).toBe('live')
      expect(m.seq).toBe(model.seqOf.get(m.id))
      expect(m.deleted).toBe(false)
    }
    result.pages.push({ ids: got.map((m) => m.id), seqs: got.map((m) => m.seq) })
    const more =
      direction === 'older' ? page.body.pagination.has_before : page.body.pagination.has_after
    if (!more) break
    for (const m of steps[i] ?? []) {
      const touched = await model.apply(m)
      if (!touched) continue
      if (m.kind === 'create') result.createdDuring.add(touched.id)
      if (m.kind === 'soft' || m.kind === 'hard') result.disturbed.add(touched.id)
    }
    const cursor =
      direction === 'older' ? page.body.pagination.before_anchor : page.body.pagination.after_anchor
    const res = await client.get(
      `${model.base}?limit=${limit}&${direction === 'older' ? 'before' : 'after'}=${cursor}`,
    )
    expect(res.status, res.text).toBe(200)
    page = res
  }
  return result
}

/** The checks every walk must pass, whatever happened between its pages. */
function checkWalk(model: MessageModel, direction: 'older' | 'newer', w: Walk) {
  const all = w.pages.flatMap((p) => p.ids)
  expect(new Set(all).size, 'a message appeared twice').toBe(all.length)
  for (const p of w.pages) expect([...p.seqs].sort((a, b) => a - b)).toEqual(p.seqs)
  for (let i = 1; i < w.pages.length; i++) {
    const prev = w.pages[i - 1]!.seqs
    const cur = w.pages[i]!.seqs
    const prevEdge = direction === 'older' ? Math.min(...prev) : Math.max(...prev)
    if (prev.length === 0 || cur.length === 0) continue
    if (direction === 'older') expect(Math.max(...cur)).toBeLessThan(prevEdge)
    else expect(Math.min(...cur)).toBeGreaterThan(prevEdge)
  }
  const seen = new Set(all)
  const mustSee = [...w.liveAtStart].filter((id) => !w.disturbed.has(id))
  // Walking towards the newest end also reaches what was created during the walk.
  if (direction === 'newer')
    mustSee.push(...[...w.createdDuring].filter((id) => !w.disturbed.has(id)))
  const missing = mustSee.filter((id) => !seen.has(id))
  expect(missing, 'messages live throughout the walk that no page returned').toEqual([])
}

/**
 * The page around an anchor the model expects: the anchor (when live) with `(limit - 1) / 2`
 * older messages and the rest newer, the side that runs short leaving its room to the other.
 */
function expectedAnchorPage(model: MessageModel, anchor: string, limit: number) {
  const live = model.liveIds()
  const anchorSeq = model.seqOf.get(anchor)!
  const olderAvailable = live.filter((id) => model.seqOf.get(id)! < anchorSeq).length
  const anchorLive = model.state.get(anchor) === 'live' ? 1 : 0
  const newerAvailable = live.length - olderAvailable - anchorLive
  const room = limit - anchorLive
  const newer = Math.min(newerAvailable, room - Math.min(olderAvailable, Math.floor((limit - 1) / 2)))
  const older = Math.min(olderAvailable, room - newer)
  return {
    ids: live.slice(olderAvailable - older, olderAvailable + anchorLive + newer),
    has_before: older < olderAvailable,
    has_after: newer < newerAvailable,
  }
}

describe('message pagination under concurrent mutation', () => {
  let t: TestServer
  let run = 0
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(async () => t.close())

  it(
    'pages older and newer without gaps or duplicates while messages change between pages',
    async () => {
      const input = fc.record({
        initial: fc.integer({ min: 1, max: 30 }),
        limit: fc.integer({ min: 1, max: 8 }),
        direction: fc.constantFrom('older' as const, 'newer' as const),
        before: fc.array(mutation, { maxLength: 10 }),
        steps: fc.array(fc.array(mutation, { maxLength: 4 }), { maxLength: 12 }),
      })
      await fc.assert(
        fc.asyncProperty(input, async ({ initial, limit, direction, before, steps }) => {
          const client = t.backend('pager')
          const model = createMessageModel(client, `prop-${run++}`)
          for (let i = 0; i < initial; i++) await model.create()
          for (const m of before) await model.apply(m)

          let first = await client.get(`${model.base}?limit=${limit}`)
          expect(first.status).toBe(200)
          if (direction === 'newer') {
            // Reach the oldest page first (nothing changes during this part).
            while (first.body.pagination.has_before)
              first = await client.get(
                `${model.base}?limit=${limit}&before=${first.body.pagination.before_anchor}`,
              )
          }
          const w = await walk(client, model, direction, limit, first, steps)
          checkWalk(model, direction, w)
        }),
        { numRuns: RUNS },
      )
    },
    20_000 + RUNS * 1_000,
  )

  it(
    'answers an anchor page with the messages around it, whatever was deleted near it or at the ends',
    async () => {
      const input = fc.record({
        initial: fc.integer({ min: 1, max: 40 }),
        mutations: fc.array(mutation, { maxLength: 25 }),
        anchors: fc.array(fc.record({ pick: fc.nat(1000), limit: fc.integer({ min: 1, max: 12 }) }), {
          minLength: 1,
          maxLength: 6,
        }),
      })
      await fc.assert(
        fc.asyncProperty(input, async ({ initial, mutations, anchors }) => {
          const client = t.backend('anchor-pager')
          const model = createMessageModel(client, `anchor-${run++}`)
          for (let i = 0; i < initial; i++) await model.create()
          for (const m of mutations) await model.apply(m)
          for (const { pick, limit } of anchors) {
            // Any message that ever existed, deleted or not, can be the anchor.
            const anchor = model.order[pick % model.order.length]!
            const page = await client.get(`${model.base}?limit=${limit}&anchor=${anchor}`)
            expect(page.status, page.text).toBe(200)
            const expected = expectedAnchorPage(model, anchor, limit)
            const what = `anchor ${anchor} (${model.state.get(anchor)}), limit ${limit}`
            expect(page.body.messages.map((m: { id: string }) => m.id), what).toEqual(expected.ids)
            expect(page.body.pagination, what).toMatchObject({
              has_before: expected.has_before,
              has_after: expected.has_after,
              count: expected.ids.length,
            })
          }
        }),
        { numRuns: RUNS },
      )
    },
    20_000 + RUNS * 1_000,
  )

  describe('a 1,000-message thread', () => {
    const client = () => t.backend('big-pager')
    let ids: string[] = []
    beforeAll(async () => {
      const created: { id: string; seq: number }[] = []
      for (let batch = 0; batch < 20; batch++) {
        const results = await Promise.all(
          Array.from({ length: 50 }, (_, i) =>
            client().post('/frontend/v1/threads/big/messages', {
              id: `b${batch * 50 + i}`,
              body: i,
            }),
          ),
        )
        for (const r of results) {
          expect(r.status).toBe(201)
          created.push({ id: r.body.message.id, seq: r.body.message.seq })
        }
      }
      created.sort((a, b) => a.seq - b.seq)
      expect(created.map((c) => c.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1))
      ids = created.map((c) => c.id)
    })

    it('walks older and then newer with limit 37 and returns every id exactly once, in order', async () => {
      const base = '/frontend/v1/threads/big/messages?limit=37'
      let page = await client().get(base)
      const olderPages = [page.body.messages.map((m: any) => m.id)]
      while (page.body.pagination.has_before) {
        page = await client().get(`${base}&before=${page.body.pagination.before_anchor}`)
        olderPages.push(page.body.messages.map((m: any) => m.id))
      }
      expect(olderPages).toHaveLength(Math.ceil(1000 / 37))
      expect(olderPages.reverse().flat()).toEqual(ids)

      const newer = [page.body.messages.map((m: any) => m.id)]
      while (page.body.pagination.has_after) {
        page = await client().get(`${base}&after=${page.body.pagination.after_anchor}`)
        newer.push(page.body.messages.map((m: any) => m.id))
      }
      expect(newer.flat()).toEqual(ids)
      expect(page.body.pagination).toMatchObject({ has_after: false, has_before: true })
    })

    it('returns the page around an anchor, with messages on both sides', async () => {
      const base = '/frontend/v1/threads/big/messages'
      const anchor = ids[499]!
      const page = await client().get(`${base}?limit=11&anchor=${anchor}`)
      expect(page.status).toBe(200)
      const got = page.body.messages.map((m: any) => m.id)
      expect(got).toEqual(ids.slice(494, 505))
      expect(page.body.pagination).toMatchObject({ has_before: true, has_after: true, count: 11 })

      // Near an end, the side that runs short leaves its share to the other: a full page.
      const atStart = await client().get(`${base}?limit=11&anchor=${ids[0]}`)
      expect(atStart.body.messages.map((m: any) => m.id)).toEqual(ids.slice(0, 11))
      expect(atStart.body.pagination).toMatchObject({ has_before: false, has_after: true, count: 11 })
      const nearEnd = await client().get(`${base}?limit=11&anchor=${ids[ids.length - 2]}`)
      expect(nearEnd.body.messages.map((m: any) => m.id)).toEqual(ids.slice(-11))
      expect(nearEnd.body.pagination).toMatchObject({ has_before: true, has_after: false, count: 11 })
      expect((await client().get(`${base}?limit=1&anchor=${ids[3]}`)).body.messages.map((m: any) => m.id)).toEqual([ids[3]])

      const hidden = ids[700]!
      expect((await client().del(`${base}/${hidden}`)).status).toBe(200)
      const aroundHidden = await client().get(`${base}?limit=10&anchor=${hidden}`)
      const around = aroundHidden.body.messages.map((m: any) => m.id)
      expect(around).not.toContain(hidden)
      expect(around).toContain(ids[699])
      expect(around).toContain(ids[701])
      const withDeleted = await client().get(
        `${base}?limit=11&anchor=${hidden}&include_deleted=true`,
      )
      expect(withDeleted.body.messages.map((m: any) => m.id)).toEqual(ids.slice(695, 706))
      // A hidden anchor at the very end: the page is the older side, full.
      const lastId = ids[ids.length - 1]!
      expect((await client().del(`${base}/${lastId}`)).status).toBe(200)
      const atHiddenEnd = await client().get(`${base}?limit=4&anchor=${lastId}`)
      expect(atHiddenEnd.body.messages.map((m: any) => m.id)).toEqual(ids.slice(-5, -1))
      expect(atHiddenEnd.body.pagination).toMatchObject({ has_before: true, has_after: false, count: 4 })
      expect((await client().post(`${base}/${lastId}/restore`)).status).toBe(200)
    })
  })
})
