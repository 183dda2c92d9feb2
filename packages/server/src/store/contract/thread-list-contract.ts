import { describe, expect, it } from 'vitest'
import type { ChatStore, ThreadRangeQuery } from '../chat-store.js'
import { buildThreadRecord } from '../record-builders.js'
import type { ThreadRecord } from '../records.js'
import { useFreshStore, type OpenChatStore } from './fixture.js'
import { createThread, idsOf, updateThread } from './write-steps.js'

type ListQuery = Partial<ThreadRangeQuery>

async function listIds(store: ChatStore, userId: string, query: ListQuery = {}): Promise<string[]> {
  return idsOf(
    await store.listThreadsForUser(userId, {
      sortBy: 'created_ts',
      direction: 'older',
      limit: 100,
      includeDeleted: false,
      ...query,
    }),
  )
}

/**
 * alice is in t-a (owner), t-b (member), t-c (viewer) and t-d (owner).
 * created_ts order: a < b < c < d; updated_ts order: b < d < c < a.
 */
async function seedThreads(store: ChatStore): Promise<Map<string, ThreadRecord>> {
  const threads = [
    buildThreadRecord({ id: 't-a', title: 'Launch Plan', created_ts: 100, updated_ts: 900 }),
    buildThreadRecord({
      id: 't-b',
      title: 'Lunch',
      author: 'bob',
      participants: { bob: 'owner', alice: 'member' },
      created_ts: 200,
      updated_ts: 300,
    }),
    buildThreadRecord({
      id: 't-c',
      title: 'PLANNING',
      author: 'carol',
      participants: { carol: 'owner', alice: 'viewer' },
      created_ts: 300,
      updated_ts: 700,
    }),
    buildThreadRecord({
      id: 't-d',
      participants: { alice: 'owner', bob: 'viewer' },
      created_ts: 400,
      updated_ts: 500,
    }),
    buildThreadRecord({ id: 'x-bob', author: 'bob', created_ts: 250, updated_ts: 800 }),
    buildThreadRecord({ id: 'x-alice1', author: 'alice1', created_ts: 350, updated_ts: 350 }),
  ]
  for (const thread of threads) await createThread(store, thread)
  return new Map(threads.map((t) => [t.id, t]))
}

/** Each user's thread list: membership, both sort keys, cursors, filters, index upkeep. */
export function describeThreadListContract(open: OpenChatStore): void {
  describe('listThreadsForUser', () => {
    const sut = useFreshStore(open)

    it('lists exactly the threads a user participates in, in any role', async () => {
      const threads = await seedThreads(sut.store)
      const aliceList = await sut.store.listThreadsForUser('alice', {
        sortBy: 'created_ts',
        direction: 'older',
        limit: 100,
        includeDeleted: false,
      })
      expect(aliceList).toEqual(['t-d', 't-c', 't-b', 't-a'].map((id) => threads.get(id)))
      expect(await listIds(sut.store, 'bob')).toEqual(['t-d', 'x-bob', 't-b'])
      expect(await listIds(sut.store, 'carol')).toEqual(['t-c'])
      expect(await listIds(sut.store, 'alice1')).toEqual(['x-alice1'])
      expect(await listIds(sut.store, 'ali')).toEqual([])
      expect(await listIds(sut.store, 'dave', { includeDeleted: true })).toEqual([])
    })

    it('sorts by created_ts or updated_ts, newest first for older and oldest first for newer', async () => {
      await seedThreads(sut.store)
      expect(await listIds(sut.store, 'alice', { direction: 'newer' })).toEqual([
        't-a',
        't-b',
        't-c',
        't-d',
      ])
      expect(await listIds(sut.store, 'alice', { sortBy: 'updated_ts' })).toEqual([
        't-a',
        't-c',
        't-d',
        't-b',
      ])
      expect(
        await listIds(sut.store, 'alice', { sortBy: 'updated_ts', direction: 'newer' }),
      ).toEqual(['t-b', 't-d', 't-c', 't-a'])
      expect(await listIds(sut.store, 'alice', { limit: 2 })).toEqual(['t-d', 't-c'])
      expect(
        await listIds(sut.store, 'alice', { sortBy: 'updated_ts', direction: 'newer', limit: 1 }),
      ).toEqual(['t-b'])
    })

    it('treats from as an exclusive position', async () => {
      await seedThreads(sut.store)
      expect(await listIds(sut.store, 'alice', { from: { ts: 300, id: 't-c' } })).toEqual([
        't-b',
        't-a',
      ])
      expect(
        await listIds(sut.store, 'alice', { from: { ts: 200, id: 't-b' }, direction: 'newer' }),
      ).toEqual(['t-c', 't-d'])
      expect(
        await listIds(sut.store, 'alice', {
          sortBy: 'updated_ts',
          from: { ts: 700, id: 't-c' },
          limit: 1,
        }),
      ).toEqual(['t-d'])
      expect(
        await listIds(sut.store, 'alice', {
          sortBy: 'updated_ts',
          from: { ts: 900, id: 't-a' },
          direction: 'newer',
        }),
      ).toEqual([])
      expect(await listIds(sut.store, 'alice', { from: { ts: 100, id: 't-a' } })).toEqual([])
      // A position no thread sits at (a cursor whose thread has since moved) still splits the list.
      expect(
        await listIds(sut.store, 'alice', { sortBy: 'updated_ts', from: { ts: 650, id: 'zzz' } }),
      ).toEqual(['t-d', 't-b'])
      expect(
        await listIds(sut.store, 'alice', {
          sortBy: 'updated_ts',
          from: { ts: 650, id: '' },
          direction: 'newer',
        }),
      ).toEqual(['t-c', 't-a'])
    })

    it('breaks timestamp ties by id so cursor paging visits every thread exactly once', async () => {
      const stamps = [50, 70, 70, 70, 90, 90, 110]
      const ids = ['k3', 'k1', 'k2', 'k0', 'k5', 'k4', 'k6']
      for (const [i, id] of ids.entries()) {
        const ts = stamps[i] ?? 0
        await createThread(sut.store, buildThreadRecord({ id, created_ts: ts, updated_ts: ts }))
      }
      for (const sortBy of ['created_ts', 'updated_ts'] as const) {
        const walks: Record<'older' | 'newer', ThreadRecord[]> = { older: [], newer: [] }
        for (const direction of ['older', 'newer'] as const) {
          for (let guard = 0; guard < 20; guard++) {
            const last = walks[direction].at(-1)
            const page = await sut.store.listThreadsForUser('alice', {
              sortBy,
              direction,
              limit: 2,
              includeDeleted: false,
              ...(last === undefined ? {} : { from: { ts: last[sortBy], id: last.id } }),
            })
            if (page.length === 0) break
            walks[direction].push(...page)
          }
        }
        expect(idsOf(walks.older).sort()).toEqual([...ids].sort())
        expect(walks.older.map((t) => t[sortBy])).toEqual([...stamps].sort((a, b) => b - a))
        expect(idsOf(walks.newer)).toEqual(idsOf(walks.older).reverse())
      }
    })

    it('orders timestamps numerically across magnitudes', async () => {
      const stamps = [5, 9, 10, 40, 300, 65_536, 1_700_000_000_000, 2_000_000_000_000]
      for (const ts of [...stamps].reverse()) {
        await createThread(
          sut.store,
          buildThreadRecord({ id: `ts${ts}`, created_ts: ts, updated_ts: ts }),
        )
      }
      expect(await listIds(sut.store, 'alice', { direction: 'newer' })).toEqual(
        stamps.map((ts) => `ts${ts}`),
      )
      expect(await listIds(sut.store, 'alice', { sortBy: 'updated_ts' })).toEqual(
        [...stamps].reverse().map((ts) => `ts${ts}`),
      )
      expect(
        await listIds(sut.store, 'alice', { from: { ts: 300, id: 'ts300' }, limit: 2 }),
      ).toEqual(['ts40', 'ts10'])
    })

    it('moves a thread when its updated_ts changes, leaving no stale entry behind', async () => {
      await seedThreads(sut.store)
      await updateThread(sut.store, 't-b', (t) => ({ ...t, updated_ts: 1000 }))
      expect(await listIds(sut.store, 'alice', { sortBy: 'updated_ts' })).toEqual([
        't-b',
        't-a',
        't-c',
        't-d',
      ])
      expect(
        await listIds(sut.store, 'alice', { sortBy: 'updated_ts', direction: 'newer' }),
      ).toEqual(['t-d', 't-c', 't-a', 't-b'])
      expect(
        await listIds(sut.store, 'alice', { sortBy: 'updated_ts', from: { ts: 600, id: 'zzz' } }),
      ).toEqual(['t-d'])
      expect(await listIds(sut.store, 'bob', { sortBy: 'updated_ts' })).toEqual([
        't-b',
        'x-bob',
        't-d',
      ])
      await updateThread(sut.store, 't-b', (t) => ({ ...t, updated_ts: 50 }))
      expect(await listIds(sut.store, 'alice', { sortBy: 'updated_ts' })).toEqual([
        't-a',
        't-c',
        't-d',
        't-b',
      ])
      // created_ts order is untouched, and the listed record is the current one.
      expect(await listIds(sut.store, 'alice')).toEqual(['t-d', 't-c', 't-b', 't-a'])
      const [first] = await sut.store.listThreadsForUser('bob', {
        sortBy: 'updated_ts',
        direction: 'newer',
        limit: 1,
        includeDeleted: false,
      })
      expect(first?.updated_ts).toBe(50)
    })

    it('follows participant changes: removed users lose the thread, added users gain it', async () => {
      await seedThreads(sut.store)
      await updateThread(sut.store, 't-b', (t) => ({ ...t, participants: { bob: 'owner' } }))
      expect(await listIds(sut.store, 'alice')).toEqual(['t-d', 't-c', 't-a'])
      expect(
        await listIds(sut.store, 'alice', { sortBy: 'updated_ts', includeDeleted: true }),
      ).toEqual(['t-a', 't-c', 't-d'])
      expect(await listIds(sut.store, 'bob')).toEqual(['t-d', 'x-bob', 't-b'])

      await updateThread(sut.store, 't-a', (t) => ({
        ...t,
        participants: { ...t.participants, dave: 'member' },
      }))
      expect(await listIds(sut.store, 'dave')).toEqual(['t-a'])
      expect(await listIds(sut.store, 'dave', { sortBy: 'updated_ts' })).toEqual(['t-a'])

      // A role change keeps exactly one entry.
      await updateThread(sut.store, 't-d', (t) => ({
        ...t,
        participants: { alice: 'owner', bob: 'member' },
        updated_ts: 950,
      }))
      expect(await listIds(sut.store, 'bob', { sortBy: 'updated_ts' })).toEqual([
        't-d',
        'x-bob',
        't-b',
      ])
      expect(await listIds(sut.store, 'bob')).toEqual(['t-d', 'x-bob', 't-b'])
    })

    it('hides soft-deleted threads unless includeDeleted, without shortening the page', async () => {
      const threads = await seedThreads(sut.store)
      const deleted = await updateThread(sut.store, 't-c', (t) => ({
        ...t,
        deleted: true,
        deleted_ts: 990,
      }))
      expect(await listIds(sut.store, 'alice')).toEqual(['t-d', 't-b', 't-a'])
      expect(await listIds(sut.store, 'alice', { limit: 2 })).toEqual(['t-d', 't-b'])
      expect(
        await listIds(sut.store, 'alice', {
          sortBy: 'updated_ts',
          from: { ts: 900, id: 't-a' },
          limit: 1,
        }),
      ).toEqual(['t-d'])
      const all = await sut.store.listThreadsForUser('alice', {
        sortBy: 'created_ts',
        direction: 'older',
        limit: 100,
        includeDeleted: true,
      })
      expect(all).toEqual([threads.get('t-d'), deleted, threads.get('t-b'), threads.get('t-a')])
      await updateThread(sut.store, 't-c', (t) => ({ ...t, deleted: false, deleted_ts: null }))
      expect(await listIds(sut.store, 'alice')).toEqual(['t-d', 't-c', 't-b', 't-a'])
    })

    it('filters by a case-insensitive title substring, counting only matches toward the limit', async () => {
      await seedThreads(sut.store)
      expect(await listIds(sut.store, 'alice', { titleContains: 'plan' })).toEqual(['t-c', 't-a'])
      expect(
        await listIds(sut.store, 'alice', { titleContains: 'PlAn', direction: 'newer' }),
      ).toEqual(['t-a', 't-c'])
      expect(await listIds(sut.store, 'alice', { titleContains: 'lun' })).toEqual(['t-b'])
      expect(await listIds(sut.store, 'alice', { titleContains: 'nothing like it' })).toEqual([])
      expect(await listIds(sut.store, 'alice', { titleContains: 'plan', limit: 1 })).toEqual([
        't-c',
      ])
      expect(
        await listIds(sut.store, 'alice', { titleContains: 'plan', from: { ts: 300, id: 't-c' } }),
      ).toEqual(['t-a'])
      expect(await listIds(sut.store, 'bob', { titleContains: 'plan' })).toEqual([])
      await updateThread(sut.store, 't-d', (t) => ({ ...t, title: 'Café Crème 🥐' }))
      expect(await listIds(sut.store, 'alice', { titleContains: 'CAFÉ' })).toEqual(['t-d'])
      expect(await listIds(sut.store, 'alice', { titleContains: 'crème 🥐' })).toEqual(['t-d'])
    })
  })
}
