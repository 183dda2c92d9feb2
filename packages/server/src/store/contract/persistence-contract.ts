import { describe, expect, it } from 'vitest'
import type { ChatStore, StoreStats, ThreadRangeQuery } from '../chat-store.js'
import { buildReadMarkerRecord, buildThreadRecord, buildVersionRecord } from '../record-builders.js'
import type { MessageRecord } from '../records.js'
import { useFreshStore, type OpenChatStore } from './fixture.js'
import {
  appendMessages,
  commit,
  createThread,
  purgeMessages,
  purgeThread,
  replaceMessages,
  softDeleted,
} from './write-steps.js'

const BY_UPDATED: ThreadRangeQuery = {
  sortBy: 'updated_ts',
  direction: 'older',
  limit: 100,
  includeDeleted: true,
}

function counts(stats: StoreStats): Omit<StoreStats, 'bytes_on_disk'> {
  const { threads, messages, versions, events } = stats
  return { threads, messages, versions, events }
}

function pick(messages: readonly MessageRecord[], id: string): MessageRecord {
  const message = messages.find((m) => m.id === id)
  if (message === undefined) throw new Error(`test setup: no message ${id}`)
  return message
}

/** Everything a reader can observe, gathered to compare before and after a reopen. */
async function observe(store: ChatStore): Promise<Record<string, unknown>> {
  return {
    threads: await store.getThreads(['t1', 't2', 'gone']),
    messages: await store.listMessages('t1', {
      direction: 'newer',
      limit: 100,
      includeDeleted: true,
    }),
    liveMessages: await store.listMessages('t1', {
      direction: 'older',
      limit: 100,
      includeDeleted: false,
    }),
    m3: await store.getMessage('t1', 'm3'),
    purgedSeq: await store.resolveSeq('t1', 'm2'),
    versions: await store.listVersions('t1', 'm1'),
    changes: await store.listChanges('t1', 0, 100),
    marker: await store.getReadMarker('t1', 'bob'),
    unread: await store.countUnread('t1', 0, 'bob', 100),
    aliceList: await store.listThreadsForUser('alice', BY_UPDATED),
    bobList: await store.listThreadsForUser('bob', { ...BY_UPDATED, sortBy: 'created_ts' }),
  }
}

/** Data surviving close and reopen, and the store's statistics. */
export function describePersistenceContract(open: OpenChatStore): void {
  describe('persistence and stats', () => {
    const sut = useFreshStore(open)

    it('keeps everything across close and reopen, fast writes included', async (context) => {
      if (!sut.canReopen) context.skip('this backend fixture cannot close and reopen the same data (no reopen given)')
      await createThread(
        sut.store,
        buildThreadRecord({
          id: 't1',
          title: 'Kept',
          participants: { alice: 'owner', bob: 'member' },
          created_ts: 10,
          updated_ts: 30,
        }),
      )
      await createThread(
        sut.store,
        buildThreadRecord({ id: 't2', author: 'bob', created_ts: 20, updated_ts: 20 }),
        'safe',
      )
      await createThread(sut.store, buildThreadRecord({ id: 'gone' }))
      await purgeThread(sut.store, 'gone')
      const written = await appendMessages(sut.store, 't1', [
        { id: 'm1', body: { text: 'hi' } },
        { id: 'm2' },
        { id: 'm3', author: 'carol' },
        { id: 'm4', author: 'carol' },
      ])
      await commit(sut.store, 't1', () => ({
        archiveVersions: [
          { messageId: 'm1', version: buildVersionRecord({ version: 1, body: 'first' }) },
          { messageId: 'm1', version: buildVersionRecord({ version: 2, body: 'second' }) },
        ],
        putReadMarkers: [buildReadMarkerRecord({ user: 'bob', message_id: 'm1', seq: 1 })],
      }))
      await replaceMessages(sut.store, 't1', [softDeleted(pick(written, 'm4'))])
      await purgeMessages(sut.store, 't1', [pick(written, 'm2')])

      const before = await observe(sut.store)
      const statsBefore = await sut.store.stats()
      expect(before['purgedSeq']).toBe(2)
      expect(before['unread']).toBe(2)
      expect(before['marker']).toEqual(
        buildReadMarkerRecord({ user: 'bob', message_id: 'm1', seq: 1 }),
      )

      const reopened = await sut.reopen()
      expect(await observe(reopened)).toEqual(before)
      expect(counts(await reopened.stats())).toEqual(counts(statsBefore))

      // Writing resumes from the persisted state.
      const [m5] = await appendMessages(reopened, 't1', [{ id: 'm5' }], 'safe')
      expect(m5?.seq).toBe(5)
      expect((await reopened.listChanges('t1', 0, 100)).map((c) => c.change)).toEqual([
        1, 2, 3, 4, 5,
      ])

      const again = await sut.reopen()
      expect(await again.getMessage('t1', 'm5')).toEqual(m5)
    })

    it('counts threads, messages, versions and events, also after purges', async () => {
      expect(counts(await sut.store.stats())).toEqual({
        threads: 0,
        messages: 0,
        versions: 0,
        events: 0,
      })

      await createThread(sut.store, buildThreadRecord({ id: 'a' }))
      await createThread(sut.store, buildThreadRecord({ id: 'b' }))
      const inA = await appendMessages(sut.store, 'a', [{ id: 'm1' }, { id: 'm2' }, { id: 'm3' }])
      await appendMessages(sut.store, 'b', [{ id: 'm1' }, { id: 'm2' }])
      await commit(sut.store, 'a', () => ({
        archiveVersions: [1, 2].map((v) => ({
          messageId: 'm1',
          version: buildVersionRecord({ version: v }),
        })),
      }))
      await commit(sut.store, 'b', () => ({
        archiveVersions: [{ messageId: 'm2', version: buildVersionRecord({ version: 1 }) }],
      }))
      const stats = await sut.store.stats()
      expect(counts(stats)).toEqual({ threads: 2, messages: 5, versions: 3, events: 5 })
      expect(stats.bytes_on_disk).toBeGreaterThan(0)

      await purgeMessages(sut.store, 'a', [pick(inA, 'm1')])
      expect(counts(await sut.store.stats())).toEqual({
        threads: 2,
        messages: 4,
        versions: 1,
        events: 5,
      })

      await purgeThread(sut.store, 'b')
      expect(counts(await sut.store.stats())).toEqual({
        threads: 1,
        messages: 2,
        versions: 0,
        events: 3,
      })

      await purgeThread(sut.store, 'a')
      expect(counts(await sut.store.stats())).toEqual({
        threads: 0,
        messages: 0,
        versions: 0,
        events: 0,
      })
    })
  })
}
