import { describe, expect, it } from 'vitest'
import { buildThreadRecord } from '../record-builders.js'
import { useFreshStore, type OpenChatStore } from './fixture.js'
import { appendMessages, createThread, purgeMessages, purgeThread, replaceMessages, softDeleted } from './write-steps.js'

/** The index of streaming messages that the idle-stream sweeper walks. */
export function describeStreamingIndexContract(open: OpenChatStore): void {
  describe('streaming messages', () => {
    const sut = useFreshStore(open)
    const sorted = (list: { threadId: string; messageId: string }[]) =>
      list.map((e) => `${e.threadId}/${e.messageId}`).sort()

    it('lists exactly the live messages whose status is streaming, across threads', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 'a' }))
      await createThread(sut.store, buildThreadRecord({ id: 'b' }))
      const [s1, , s3] = await appendMessages(sut.store, 'a', [
        { id: 's1', status: 'streaming' },
        { id: 'f2' },
        { id: 's3', status: 'streaming' },
      ])
      await appendMessages(sut.store, 'b', [{ id: 's4', status: 'streaming' }])
      expect(sorted(await sut.store.listStreamingMessages(100))).toEqual(['a/s1', 'a/s3', 'b/s4'])

      await replaceMessages(sut.store, 'a', [{ ...s1!, status: 'final' }, softDeleted(s3!)])
      expect(sorted(await sut.store.listStreamingMessages(100))).toEqual(['b/s4'])
      await replaceMessages(sut.store, 'a', [{ ...s3!, deleted: false }])
      expect(sorted(await sut.store.listStreamingMessages(100))).toEqual(['a/s3', 'b/s4'])
      expect(await sut.store.listStreamingMessages(1)).toHaveLength(1)
    })

    it('forgets purged messages and purged threads', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 'p' }))
      const [m] = await appendMessages(sut.store, 'p', [{ id: 'x', status: 'streaming' }, { id: 'y', status: 'streaming' }])
      await purgeMessages(sut.store, 'p', [m!])
      expect(sorted(await sut.store.listStreamingMessages(100))).toEqual(['p/y'])
      // The purged id, created again as a new message at a new seq: not streaming.
      await appendMessages(sut.store, 'p', [{ id: 'x' }])
      expect(sorted(await sut.store.listStreamingMessages(100))).toEqual(['p/y'])
      await purgeThread(sut.store, 'p')
      expect(await sut.store.listStreamingMessages(100)).toEqual([])
    })
  })
}
