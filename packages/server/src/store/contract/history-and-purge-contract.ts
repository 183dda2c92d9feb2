import { describe, expect, it } from 'vitest'
import type { ChatStore, ThreadRangeQuery } from '../chat-store.js'
import { buildReadMarkerRecord, buildThreadRecord, buildVersionRecord } from '../record-builders.js'
import type { MessageRecord, VersionRecord } from '../records.js'
import { useFreshStore, type OpenChatStore } from './fixture.js'
import {
  appendMessages,
  commit,
  createThread,
  idsOf,
  purgeMessages,
  purgeThread,
  range,
  replaceMessages,
  seqsOf,
  softDeleted,
} from './write-steps.js'

const ALL_THREADS: ThreadRangeQuery = {
  sortBy: 'created_ts',
  direction: 'older',
  limit: 100,
  includeDeleted: true,
}

async function archive(
  store: ChatStore,
  threadId: string,
  messageId: string,
  versions: readonly VersionRecord[],
): Promise<void> {
  await commit(store, threadId, () => ({
    archiveVersions: versions.map((version) => ({ messageId, version })),
  }))
}

function only(messages: readonly MessageRecord[]): MessageRecord {
  const [message] = messages
  if (message === undefined || messages.length !== 1) throw new Error('test setup: one message')
  return message
}

/** Archived versions, purging messages (ids stay reserved as cursors) and purging threads. */
export function describeHistoryAndPurgeContract(open: OpenChatStore): void {
  describe('versions and purges', () => {
    const sut = useFreshStore(open)

    it('lists archived versions oldest first, numerically past version 9', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      await appendMessages(sut.store, 't1', [{ id: 'm' }])
      const versions = range(1, 12).map((v) =>
        buildVersionRecord({
          version: v,
          body: { text: `v${v}` },
          editor: v % 2 ? 'alice' : 'bob',
        }),
      )
      await archive(sut.store, 't1', 'm', versions.slice(0, 1))
      await archive(sut.store, 't1', 'm', versions.slice(1, 2))
      await archive(sut.store, 't1', 'm', versions.slice(2))
      expect(await sut.store.listVersions('t1', 'm')).toEqual(versions)
      expect(await sut.store.listVersions('t1', 'unknown')).toEqual([])
      expect(await sut.store.listVersions('unknown', 'm')).toEqual([])
    })

    it("keeps one message's versions apart from another's, across prefix ids and threads", async () => {
      for (const id of ['a', 'a1']) await createThread(sut.store, buildThreadRecord({ id }))
      await appendMessages(sut.store, 'a', [{ id: 'm' }, { id: 'm1' }, { id: 'm:1' }])
      await appendMessages(sut.store, 'a1', [{ id: 'm' }])
      const v = (version: number, tag: string): VersionRecord =>
        buildVersionRecord({ version, body: tag })
      await archive(sut.store, 'a', 'm', [v(1, 'a/m/1'), v(2, 'a/m/2')])
      await archive(sut.store, 'a', 'm1', [v(1, 'a/m1/1')])
      await archive(sut.store, 'a', 'm:1', [v(1, 'a/m:1/1'), v(2, 'a/m:1/2'), v(3, 'a/m:1/3')])
      await archive(sut.store, 'a1', 'm', [v(1, 'a1/m/1')])

      expect(await sut.store.listVersions('a', 'm')).toEqual([v(1, 'a/m/1'), v(2, 'a/m/2')])
      expect(await sut.store.listVersions('a', 'm1')).toEqual([v(1, 'a/m1/1')])
      expect(await sut.store.listVersions('a', 'm:1')).toEqual([
        v(1, 'a/m:1/1'),
        v(2, 'a/m:1/2'),
        v(3, 'a/m:1/3'),
      ])
      expect(await sut.store.listVersions('a1', 'm')).toEqual([v(1, 'a1/m/1')])
    })

    it('purgeMessages removes the message and its versions; its id keeps resolving to its old seq', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const [m1, m2, m3] = await appendMessages(sut.store, 't1', [
        { id: 'm1' },
        { id: 'm2' },
        { id: 'm3' },
      ])
      if (m1 === undefined || m2 === undefined || m3 === undefined) throw new Error('setup')
      await archive(sut.store, 't1', 'm2', [buildVersionRecord({ version: 1 })])
      await archive(sut.store, 't1', 'm3', [buildVersionRecord({ version: 1, body: 'kept' })])

      await purgeMessages(sut.store, 't1', [m2])
      expect(await sut.store.getMessage('t1', 'm2')).toBeUndefined()
      expect(await sut.store.listVersions('t1', 'm2')).toEqual([])
      expect(await sut.store.resolveSeq('t1', 'm2')).toBe(2)
      const page = await sut.store.listMessages('t1', {
        direction: 'newer',
        limit: 10,
        includeDeleted: true,
      })
      expect(page).toEqual([m1, m3])
      // The purged id still works as a cursor position.
      expect(
        seqsOf(
          await sut.store.listMessages('t1', {
            direction: 'newer',
            fromSeq: 2,
            limit: 10,
            includeDeleted: false,
          }),
        ),
      ).toEqual([3])
      // Neighbours are untouched.
      expect(await sut.store.getMessage('t1', 'm3')).toEqual(m3)
      expect(await sut.store.listVersions('t1', 'm3')).toEqual([
        buildVersionRecord({ version: 1, body: 'kept' }),
      ])
    })

    it('purging a soft-deleted message works the same way', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const m1 = only(await appendMessages(sut.store, 't1', [{ id: 'm1' }]))
      const deleted = softDeleted(m1)
      await replaceMessages(sut.store, 't1', [deleted])
      await purgeMessages(sut.store, 't1', [deleted])
      expect(await sut.store.getMessage('t1', 'm1')).toBeUndefined()
      expect(await sut.store.resolveSeq('t1', 'm1')).toBe(1)
      expect(
        await sut.store.listMessages('t1', { direction: 'older', limit: 10, includeDeleted: true }),
      ).toEqual([])
    })

    it('a purged id put again at a new seq resolves to the new seq, without the old versions', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const old = only(await appendMessages(sut.store, 't1', [{ id: 'dup', body: 'old' }]))
      await archive(sut.store, 't1', 'dup', [buildVersionRecord({ version: 1 })])
      await appendMessages(sut.store, 't1', [{ id: 'other' }])
      await purgeMessages(sut.store, 't1', [old])

      const fresh = only(await appendMessages(sut.store, 't1', [{ id: 'dup', body: 'new' }]))
      expect(fresh.seq).toBe(3)
      expect(await sut.store.resolveSeq('t1', 'dup')).toBe(3)
      expect(await sut.store.getMessage('t1', 'dup')).toEqual(fresh)
      expect(await sut.store.listVersions('t1', 'dup')).toEqual([])
      const page = await sut.store.listMessages('t1', {
        direction: 'newer',
        limit: 10,
        includeDeleted: true,
      })
      expect(idsOf(page)).toEqual(['other', 'dup'])
      expect(seqsOf(page)).toEqual([2, 3])
    })

    it('purgeThread removes the thread and everything in it, and only that thread', async () => {
      const participants = { alice: 'owner', bob: 'member', carol: 'viewer' } as const
      for (const id of ['a', 'a1', 'a:b']) {
        await createThread(sut.store, buildThreadRecord({ id, participants: { ...participants } }))
        await appendMessages(sut.store, id, [{ id: 'm1' }, { id: 'm2', author: 'bob' }])
        await archive(sut.store, id, 'm1', [buildVersionRecord({ version: 1, body: id })])
        await commit(sut.store, id, () => ({
          putReadMarkers: [buildReadMarkerRecord({ user: 'bob', message_id: 'm1', seq: 1 })],
        }))
      }
      const keptBefore = await Promise.all(['a1', 'a:b'].map((id) => snapshotOf(sut.store, id)))
      for (const kept of keptBefore) {
        expect(kept.messages).toHaveLength(2)
        expect(kept.versions).toHaveLength(1)
        expect(kept.changes).toHaveLength(2)
        expect(kept.marker?.seq).toBe(1)
        expect(kept.seq).toBe(2)
        expect(kept.unread).toBe(1)
      }

      await purgeThread(sut.store, 'a')

      expect(await sut.store.getThread('a')).toBeUndefined()
      expect(await sut.store.getMessage('a', 'm1')).toBeUndefined()
      expect(await sut.store.resolveSeq('a', 'm1')).toBeUndefined()
      expect(
        await sut.store.listMessages('a', { direction: 'newer', limit: 10, includeDeleted: true }),
      ).toEqual([])
      expect(await sut.store.listVersions('a', 'm1')).toEqual([])
      expect(await sut.store.listChanges('a', 0, 100)).toEqual([])
      expect(await sut.store.getReadMarker('a', 'bob')).toBeUndefined()
      expect(await sut.store.countUnread('a', 0, 'alice', 100)).toBe(0)
      for (const user of Object.keys(participants)) {
        expect(idsOf(await sut.store.listThreadsForUser(user, ALL_THREADS)).sort()).toEqual([
          'a1',
          'a:b',
        ])
        expect(
          idsOf(
            await sut.store.listThreadsForUser(user, { ...ALL_THREADS, sortBy: 'updated_ts' }),
          ).sort(),
        ).toEqual(['a1', 'a:b'])
      }
      const keptAfter = await Promise.all(['a1', 'a:b'].map((id) => snapshotOf(sut.store, id)))
      expect(keptAfter).toEqual(keptBefore)
    })

    it('a purged thread id can be created again from scratch', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1', title: 'first life' }))
      await appendMessages(sut.store, 't1', [{ id: 'm1' }, { id: 'm2' }])
      await purgeThread(sut.store, 't1')
      const reborn = await createThread(
        sut.store,
        buildThreadRecord({ id: 't1', title: 'second life' }),
      )
      const m9 = only(await appendMessages(sut.store, 't1', [{ id: 'm9' }]))
      expect(m9.seq).toBe(1)
      expect(await sut.store.getThread('t1')).toEqual({
        ...reborn,
        next_seq: 2,
        last_change: 1,
        message_count: 1,
        last_message: { id: 'm9', author: 'alice', role: 'user', created_ts: m9.created_ts },
      })
      expect(
        await sut.store.listMessages('t1', { direction: 'newer', limit: 10, includeDeleted: true }),
      ).toEqual([m9])
      expect(await sut.store.getMessage('t1', 'm2')).toBeUndefined()
      expect(await sut.store.resolveSeq('t1', 'm2')).toBeUndefined()
      expect((await sut.store.listChanges('t1', 0, 10)).map((c) => c.message_id)).toEqual(['m9'])
    })
  })
}

/** Everything a reader can see of one thread, to prove a neighbour's purge left it alone. */
async function snapshotOf(store: ChatStore, threadId: string) {
  return {
    thread: await store.getThread(threadId),
    messages: await store.listMessages(threadId, {
      direction: 'newer',
      limit: 100,
      includeDeleted: true,
    }),
    versions: await store.listVersions(threadId, 'm1'),
    changes: await store.listChanges(threadId, 0, 100),
    marker: await store.getReadMarker(threadId, 'bob'),
    seq: await store.resolveSeq(threadId, 'm2'),
    unread: await store.countUnread(threadId, 0, 'alice', 100),
  }
}
