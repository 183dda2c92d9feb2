import { describe, expect, it } from 'vitest'
import type { ThreadSnapshot } from '../chat-store.js'
import { buildReadMarkerRecord, buildThreadRecord } from '../record-builders.js'
import { useFreshStore, type OpenChatStore } from './fixture.js'
import {
  appendMessages,
  commit,
  createThread,
  purgeMessages,
  replaceMessages,
  softDeleted,
  updateThread,
} from './write-steps.js'

/** mutateThread itself: creating threads, failing decides, and what the snapshot loads. */
export function describeMutationContract(open: OpenChatStore): void {
  describe('mutateThread and thread reads', () => {
    const sut = useFreshStore(open)

    it('creates a thread that getThread returns exactly as written', async () => {
      const thread = buildThreadRecord({
        id: 'team:general',
        title: 'General',
        metadata: { topic: 'everything', pinned: [1, 2] },
        participants: { alice: 'owner', bob: 'member', carol: 'viewer' },
        created_ts: 1_700_000_000_123,
        updated_ts: 1_700_000_000_456,
        // Counters a caller keeps; no log entries are written here, so last_change stays 0.
        next_seq: 7,
        last_change: 0,
        message_count: 2,
        last_message: { id: 'm6', author: 'bob', role: 'assistant', created_ts: 1_700_000_000_400 },
      })
      const result = await sut.store.mutateThread(
        thread.id,
        {},
        () => ({ writes: { thread }, result: { created: thread.id } }),
        'fast',
      )
      expect(result).toEqual({ created: 'team:general' })
      expect(await sut.store.getThread('team:general')).toEqual(thread)
      expect(await sut.store.getThread('team:general2')).toBeUndefined()
      expect(await sut.store.getThread('team')).toBeUndefined()
    })

    it('replaces the thread record on a later write', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1', title: 'Old' }))
      const updated = await updateThread(sut.store, 't1', (t) => ({
        ...t,
        title: 'New',
        metadata: { v: 2 },
        updated_ts: t.updated_ts + 10,
      }))
      expect(await sut.store.getThread('t1')).toEqual(updated)
      expect(updated.title).toBe('New')
    })

    it('getThreads returns threads in input order with undefined for missing ids', async () => {
      const a = await createThread(sut.store, buildThreadRecord({ id: 'a', title: 'A' }))
      const b = await createThread(sut.store, buildThreadRecord({ id: 'b', title: 'B' }))
      expect(await sut.store.getThreads(['b', 'missing', 'a', 'b'])).toEqual([b, undefined, a, b])
      expect(await sut.store.getThreads(['nope'])).toEqual([undefined])
      expect(await sut.store.getThreads([])).toEqual([])
    })

    it('a decide that throws writes nothing and the same error object propagates', async () => {
      const thread = await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const [m1] = await appendMessages(sut.store, 't1', [{ id: 'm1' }])
      const boom = new Error('decide failed')
      const attempt = sut.store.mutateThread(
        't1',
        { messageIds: ['m1'] },
        (snapshot) => {
          // Reads the snapshot first, as a real decide does, then refuses.
          expect(snapshot.thread?.next_seq).toBe(2)
          throw boom
        },
        'fast',
      )
      await expect(attempt).rejects.toBe(boom)

      expect(await sut.store.getThread('t1')).toEqual({
        ...thread,
        next_seq: 2,
        last_change: 1,
        message_count: 1,
        last_message: { id: 'm1', author: 'alice', role: 'user', created_ts: m1?.created_ts },
      })
      expect(
        await sut.store.listMessages('t1', { direction: 'newer', limit: 10, includeDeleted: true }),
      ).toEqual([m1])
      expect(await sut.store.listChanges('t1', 0, 10)).toHaveLength(1)
    })

    it('a throwing decide on a new thread leaves no thread, and a non-Error throw passes through', async () => {
      const reason = { code: 'NOPE', detail: [1, 2, 3] }
      const attempt = sut.store.mutateThread(
        'fresh',
        {},
        () => {
          // eslint-disable-next-line @typescript-eslint/only-throw-error -- non-Errors must pass through too
          throw reason
        },
        'safe',
      )
      await expect(attempt).rejects.toBe(reason)
      expect(await sut.store.getThread('fresh')).toBeUndefined()
      expect(
        await sut.store.listThreadsForUser('alice', {
          sortBy: 'created_ts',
          direction: 'older',
          limit: 10,
          includeDeleted: true,
        }),
      ).toEqual([])
    })

    it('the thread stays writable after a decide throws', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      for (let i = 0; i < 3; i++) {
        await expect(
          sut.store.mutateThread(
            't1',
            {},
            () => {
              throw new RangeError(`fail ${i}`)
            },
            'fast',
          ),
        ).rejects.toThrow(RangeError)
      }
      const written = await appendMessages(sut.store, 't1', [{ id: 'after' }])
      expect(written.map((m) => m.seq)).toEqual([1])
      expect(await sut.store.getMessage('t1', 'after')).toEqual(written[0])
    })

    it('a plan with no writes changes nothing and still returns its result', async () => {
      const thread = await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const result = await sut.store.mutateThread(
        't1',
        {},
        () => ({ writes: {}, result: 'noop' }),
        'safe',
      )
      expect(result).toBe('noop')
      expect(await sut.store.getThread('t1')).toEqual(thread)
      expect(await sut.store.listChanges('t1', 0, 10)).toEqual([])
    })

    it('the snapshot holds the latest committed thread', async () => {
      const thread = await createThread(sut.store, buildThreadRecord({ id: 't1', title: 'first' }))
      const seen: ThreadSnapshot['thread'][] = []
      await commit(sut.store, 't1', (s) => {
        seen.push(s.thread)
        return { thread: { ...thread, title: 'second' } }
      })
      await commit(sut.store, 't1', (s) => {
        seen.push(s.thread)
        return {}
      })
      expect(seen).toEqual([thread, { ...thread, title: 'second' }])
      const unknown = await sut.store.mutateThread(
        't-unknown',
        {},
        (s) => ({
          writes: {},
          result: [s.thread, s.messages.size, s.readMarkers.size],
        }),
        'fast',
      )
      expect(unknown).toEqual([undefined, 0, 0])
    })

    it('needs.messageIds loads those messages, soft-deleted included, missing and purged absent', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      await createThread(sut.store, buildThreadRecord({ id: 't10' }))
      const [m1, m2, m3] = await appendMessages(sut.store, 't1', [
        { id: 'm1' },
        { id: 'm2' },
        { id: 'm3' },
      ])
      // Same message id in a thread whose id extends this one's: must not be loaded for t1.
      await appendMessages(sut.store, 't10', [{ id: 'm4', body: 'other thread' }])
      if (m1 === undefined || m2 === undefined || m3 === undefined) throw new Error('setup')
      const m2Deleted = softDeleted(m2)
      await replaceMessages(sut.store, 't1', [m2Deleted])
      await purgeMessages(sut.store, 't1', [m3])

      const loaded = await sut.store.mutateThread(
        't1',
        { messageIds: ['m1', 'm2', 'm3', 'm4', 'missing'] },
        (s) => ({
          writes: {},
          result: [...s.messages.entries()].sort(([a], [b]) => a.localeCompare(b)),
        }),
        'fast',
      )
      expect(loaded).toEqual([
        ['m1', m1],
        ['m2', m2Deleted],
      ])
      const none = await sut.store.mutateThread(
        't1',
        {},
        (s) => ({ writes: {}, result: s.messages.size }),
        'fast',
      )
      expect(none).toBe(0)
    })

    it("needs.readers loads those users' read markers", async () => {
      await createThread(
        sut.store,
        buildThreadRecord({ id: 't1', participants: { alice: 'owner', bob: 'member' } }),
      )
      await appendMessages(sut.store, 't1', [{ id: 'm1' }, { id: 'm2' }])
      const alice = buildReadMarkerRecord({ user: 'alice', message_id: 'm2', seq: 2 })
      const bob = buildReadMarkerRecord({ user: 'bob', message_id: 'm1', seq: 1 })
      await commit(sut.store, 't1', () => ({ putReadMarkers: [alice, bob] }))

      const loaded = await sut.store.mutateThread(
        't1',
        { readers: ['bob', 'carol', 'alice'] },
        (s) => ({
          writes: {},
          result: [
            s.readMarkers.get('alice'),
            s.readMarkers.get('bob'),
            s.readMarkers.has('carol'),
            s.readMarkers.size,
          ],
        }),
        'fast',
      )
      expect(loaded).toEqual([alice, bob, false, 2])
    })
  })
}
