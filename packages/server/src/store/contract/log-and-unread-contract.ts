import { describe, expect, it } from 'vitest'
import { buildChangeRecord, buildReadMarkerRecord, buildThreadRecord } from '../record-builders.js'
import type { ChangeRecord, MessageRecord } from '../records.js'
import { useFreshStore, type OpenChatStore } from './fixture.js'
import {
  appendMessages,
  commit,
  createThread,
  purgeMessages,
  range,
  replaceMessages,
  requireThread,
  restored,
  softDeleted,
} from './write-steps.js'

function bySeq(messages: readonly MessageRecord[], seq: number): MessageRecord {
  const message = messages.find((m) => m.seq === seq)
  if (message === undefined) throw new Error(`test setup: no message at seq ${seq}`)
  return message
}

/** The change log, read markers and unread counts. */
export function describeLogAndUnreadContract(open: OpenChatStore): void {
  describe('change log', () => {
    const sut = useFreshStore(open)

    async function writeEvents(threadId: string, count: number): Promise<ChangeRecord[]> {
      let events: ChangeRecord[] = []
      await commit(sut.store, threadId, (s) => {
        const thread = requireThread(s, threadId)
        events = range(thread.last_change + 1, thread.last_change + count).map((change) =>
          buildChangeRecord({ change, type: 'thread.updated', actor: `user${change}` }),
        )
        return { thread: { ...thread, last_change: thread.last_change + count }, events }
      })
      return events
    }

    it('lists entries with change > since, ascending, at most limit', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const all = [
        ...(await writeEvents('t1', 1)),
        ...(await writeEvents('t1', 7)),
        ...(await writeEvents('t1', 17)),
      ]
      expect(all.map((e) => e.change)).toEqual(range(1, 25))
      expect(await sut.store.listChanges('t1', 0, 100)).toEqual(all)
      expect(await sut.store.listChanges('t1', 8, 5)).toEqual(all.slice(8, 13))
      expect((await sut.store.listChanges('t1', 9, 3)).map((e) => e.change)).toEqual([10, 11, 12])
      expect((await sut.store.listChanges('t1', 0, 1)).map((e) => e.change)).toEqual([1])
      expect((await sut.store.listChanges('t1', 24, 10)).map((e) => e.change)).toEqual([25])
      expect(await sut.store.listChanges('t1', 25, 10)).toEqual([])
      expect(await sut.store.listChanges('t1', 1000, 10)).toEqual([])
      expect(await sut.store.listChanges('nope', 0, 10)).toEqual([])
    })

    it('round-trips every optional field of an entry and keeps threads apart', async () => {
      for (const id of ['a', 'a1', 'a:x']) await createThread(sut.store, buildThreadRecord({ id }))
      const full = buildChangeRecord({
        change: 1,
        type: 'participant.added',
        actor: 'alice',
        ts: 1_700_000_000_999,
        message_id: 'm1',
        version: 3,
        hard: true,
        emoji: '👍🏽',
        user: 'bob',
        role: 'viewer',
      })
      await commit(sut.store, 'a', (s) => ({
        thread: { ...requireThread(s, 'a'), last_change: 1 },
        events: [full],
      }))
      await writeEvents('a1', 3)
      await writeEvents('a:x', 2)
      expect(await sut.store.listChanges('a', 0, 100)).toEqual([full])
      expect((await sut.store.listChanges('a1', 0, 100)).map((e) => e.actor)).toEqual([
        'user1',
        'user2',
        'user3',
      ])
      expect(await sut.store.listChanges('a:x', 0, 100)).toHaveLength(2)
    })
  })

  describe('read markers', () => {
    const sut = useFreshStore(open)

    it('stores one marker per user and thread; a later put replaces it', async () => {
      for (const id of ['a', 'a1']) await createThread(sut.store, buildThreadRecord({ id }))
      const bob1 = buildReadMarkerRecord({ user: 'bob', message_id: 'm1', seq: 1 })
      const bob2x = buildReadMarkerRecord({ user: 'bob2', message_id: 'm2', seq: 2 })
      await commit(sut.store, 'a', () => ({ putReadMarkers: [bob1, bob2x] }))
      const otherThread = buildReadMarkerRecord({ user: 'bob', message_id: 'm9', seq: 9 })
      await commit(sut.store, 'a1', () => ({ putReadMarkers: [otherThread] }))

      expect(await sut.store.getReadMarker('a', 'bob')).toEqual(bob1)
      expect(await sut.store.getReadMarker('a', 'bob2')).toEqual(bob2x)
      expect(await sut.store.getReadMarker('a1', 'bob')).toEqual(otherThread)
      expect(await sut.store.getReadMarker('a', 'bo')).toBeUndefined()
      expect(await sut.store.getReadMarker('a', 'carol')).toBeUndefined()
      expect(await sut.store.getReadMarker('nope', 'bob')).toBeUndefined()

      const later = buildReadMarkerRecord({
        user: 'bob',
        message_id: 'm5',
        seq: 5,
        ts: 1_700_000_999_000,
      })
      await commit(sut.store, 'a', () => ({ putReadMarkers: [later] }))
      expect(await sut.store.getReadMarker('a', 'bob')).toEqual(later)
      expect(await sut.store.getReadMarker('a', 'bob2')).toEqual(bob2x)
    })
  })

  describe('countUnread', () => {
    const sut = useFreshStore(open)
    // seq:     1        2      3      4        5        6
    const authors = ['alice', 'bob', 'bob', 'carol', 'alice', 'bob']

    async function seed(threadId: string): Promise<MessageRecord[]> {
      await createThread(sut.store, buildThreadRecord({ id: threadId }))
      return appendMessages(
        sut.store,
        threadId,
        authors.map((author, i) => ({ id: `m${i + 1}`, author })),
      )
    }

    it('counts live messages after a seq that were not written by the user', async () => {
      await seed('t1')
      expect(await sut.store.countUnread('t1', 0, 'alice', 100)).toBe(4)
      expect(await sut.store.countUnread('t1', 3, 'alice', 100)).toBe(2)
      expect(await sut.store.countUnread('t1', 5, 'alice', 100)).toBe(1)
      expect(await sut.store.countUnread('t1', 6, 'alice', 100)).toBe(0)
      expect(await sut.store.countUnread('t1', 0, 'bob', 100)).toBe(3)
      expect(await sut.store.countUnread('t1', 0, 'dave', 100)).toBe(6)
      expect(await sut.store.countUnread('t1', 0, 'ali', 100)).toBe(6)
      expect(await sut.store.countUnread('nope', 0, 'alice', 100)).toBe(0)
    })

    it('soft delete removes a message from the count, restore adds it back, edits do not double it', async () => {
      const messages = await seed('t1')
      const m4 = bySeq(messages, 4)
      await replaceMessages(sut.store, 't1', [softDeleted(m4)])
      expect(await sut.store.countUnread('t1', 0, 'alice', 100)).toBe(3)
      // Deleting twice does not subtract twice.
      await replaceMessages(sut.store, 't1', [softDeleted(m4, m4.updated_ts + 5)])
      expect(await sut.store.countUnread('t1', 0, 'alice', 100)).toBe(3)
      await replaceMessages(sut.store, 't1', [restored(softDeleted(m4))])
      expect(await sut.store.countUnread('t1', 0, 'alice', 100)).toBe(4)
      await replaceMessages(sut.store, 't1', [{ ...m4, body: 'edited', version: 2 }])
      await replaceMessages(sut.store, 't1', [{ ...m4, body: 'edited again', version: 3 }])
      expect(await sut.store.countUnread('t1', 0, 'alice', 100)).toBe(4)
      // Deleting one's own message does not change one's own count.
      await replaceMessages(sut.store, 't1', [softDeleted(bySeq(messages, 5))])
      expect(await sut.store.countUnread('t1', 0, 'alice', 100)).toBe(4)
      expect(await sut.store.countUnread('t1', 0, 'bob', 100)).toBe(2)
    })

    it('purged messages do not count, whether they were live or soft-deleted', async () => {
      const messages = await seed('t1')
      await purgeMessages(sut.store, 't1', [bySeq(messages, 6)])
      expect(await sut.store.countUnread('t1', 0, 'alice', 100)).toBe(3)
      const deleted3 = softDeleted(bySeq(messages, 3))
      await replaceMessages(sut.store, 't1', [deleted3])
      await purgeMessages(sut.store, 't1', [deleted3])
      expect(await sut.store.countUnread('t1', 0, 'alice', 100)).toBe(2)
      expect(await sut.store.countUnread('t1', 0, 'carol', 100)).toBe(3)
    })

    it('stops at the cap', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      await appendMessages(
        sut.store,
        't1',
        range(1, 12).map((i) => ({ id: `m${i}`, author: 'bob' })),
      )
      expect(await sut.store.countUnread('t1', 0, 'alice', 3)).toBe(3)
      expect(await sut.store.countUnread('t1', 0, 'alice', 12)).toBe(12)
      expect(await sut.store.countUnread('t1', 0, 'alice', 1000)).toBe(12)
      expect(await sut.store.countUnread('t1', 10, 'alice', 1000)).toBe(2)
      expect(await sut.store.countUnread('t1', 10, 'alice', 1)).toBe(1)
    })

    it("never counts another thread's messages", async () => {
      await seed('a')
      await seed('a1')
      await seed('a:b')
      expect(await sut.store.countUnread('a', 0, 'alice', 100)).toBe(4)
      expect(await sut.store.countUnread('a1', 2, 'alice', 100)).toBe(3)
      expect(await sut.store.countUnread('a:b', 6, 'alice', 100)).toBe(0)
    })
  })
}
