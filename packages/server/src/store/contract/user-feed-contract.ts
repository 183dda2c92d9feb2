import { describe, expect, it } from 'vitest'
import type { ThreadPosition } from '../chat-store.js'
import { buildReadMarkerRecord, buildThreadRecord } from '../record-builders.js'
import { useFreshStore, type OpenChatStore } from './fixture.js'
import { commit, createThread, updateThread } from './write-steps.js'

const FROM_START: ThreadPosition = { ts: 0, id: '' }

/** The user feed: threads that changed for a user without moving in their updated_ts list. */
export function describeUserFeedContract(open: OpenChatStore): void {
  describe('user feed', () => {
    const sut = useFreshStore(open)
    const team = { alice: 'owner', bob: 'member', carol: 'viewer' } as const

    it('records a removed participant at the thread’s new updated_ts, and nobody else', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1', participants: { ...team }, updated_ts: 100 }))
      await updateThread(sut.store, 't1', (t) => ({ ...t, participants: { alice: 'owner', carol: 'viewer' }, updated_ts: 200 }))
      expect(await sut.store.listUserFeed('bob', FROM_START, 10)).toEqual([{ ts: 200, id: 't1' }])
      expect(await sut.store.listUserFeed('alice', FROM_START, 10)).toEqual([])
      expect(await sut.store.listUserFeed('carol', FROM_START, 10)).toEqual([])
    })

    it('records every participant of a purged thread at purgedTs', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1', participants: { ...team }, updated_ts: 100 }))
      await commit(sut.store, 't1', () => ({ purgeThread: true, purgedTs: 500 }))
      for (const user of Object.keys(team))
        expect(await sut.store.listUserFeed(user, FROM_START, 10)).toEqual([{ ts: 500, id: 't1' }])
    })

    it('keeps one entry per user and thread: a later read replaces the earlier one', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1', participants: { ...team } }))
      await commit(sut.store, 't1', () => ({
        putReadMarkers: [buildReadMarkerRecord({ user: 'bob', message_id: 'm1', seq: 1, ts: 300 })],
      }))
      await commit(sut.store, 't1', () => ({
        putReadMarkers: [buildReadMarkerRecord({ user: 'bob', message_id: 'm2', seq: 2, ts: 400 })],
      }))
      expect(await sut.store.listUserFeed('bob', FROM_START, 10)).toEqual([{ ts: 400, id: 't1' }])
    })

    it('keeps one entry per user and thread when reads commit together', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1', participants: { ...team } }))
      await Promise.all(
        [1, 2, 3, 4].map((seq) =>
          commit(sut.store, 't1', () => ({
            putReadMarkers: [buildReadMarkerRecord({ user: 'bob', message_id: `m${seq}`, seq, ts: 100 * seq })],
          })),
        ),
      )
      expect(await sut.store.listUserFeed('bob', FROM_START, 10)).toEqual([{ ts: 400, id: 't1' }])
    })

    it('ignores read markers of users who are not participants', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      await commit(sut.store, 't1', () => ({
        putReadMarkers: [buildReadMarkerRecord({ user: 'mallory', message_id: 'm1', seq: 1 })],
      }))
      expect(await sut.store.listUserFeed('mallory', FROM_START, 10)).toEqual([])
    })

    it('lists oldest first after an exclusive position, ties broken by thread id, up to the limit', async () => {
      for (const [id, ts] of [['t-b', 300], ['t-a', 300], ['t-c', 100], ['t-d', 700]] as const) {
        await createThread(sut.store, buildThreadRecord({ id, participants: { ...team } }))
        await commit(sut.store, id, () => ({
          putReadMarkers: [buildReadMarkerRecord({ user: 'bob', message_id: 'm1', seq: 1, ts })],
        }))
      }
      expect(await sut.store.listUserFeed('bob', FROM_START, 10)).toEqual([
        { ts: 100, id: 't-c' },
        { ts: 300, id: 't-a' },
        { ts: 300, id: 't-b' },
        { ts: 700, id: 't-d' },
      ])
      expect(await sut.store.listUserFeed('bob', { ts: 300, id: 't-a' }, 2)).toEqual([
        { ts: 300, id: 't-b' },
        { ts: 700, id: 't-d' },
      ])
      expect(await sut.store.listUserFeed('bob', { ts: 300, id: '' }, 1)).toEqual([{ ts: 300, id: 't-a' }])
      expect(await sut.store.listUserFeed('carol', FROM_START, 10)).toEqual([])
    })

    it('survives a reopen', async (context) => {
      if (!sut.canReopen) context.skip('this backend fixture cannot close and reopen the same data (no reopen given)')
      await createThread(sut.store, buildThreadRecord({ id: 't1', participants: { ...team } }))
      await commit(sut.store, 't1', () => ({ purgeThread: true, purgedTs: 900 }))
      const reopened = await sut.reopen()
      expect(await reopened.listUserFeed('carol', FROM_START, 10)).toEqual([{ ts: 900, id: 't1' }])
    })
  })
}
