import { describe, expect, it } from 'vitest'
import type { ChatStore, Durability } from '../chat-store.js'
import { buildChangeRecord, buildMessageRecord, buildThreadRecord } from '../record-builders.js'
import { useFreshStore, type OpenChatStore } from './fixture.js'
import { appendMessages, createThread, range, requireThread, seqsOf } from './write-steps.js'

/**
 * One appender as chat/ writes it: seq and change number come from the snapshot, so two
 * appenders that saw the same state would collide. Returns the seq it took.
 */
function appendFromSnapshot(
  store: ChatStore,
  threadId: string,
  messageId: string,
  durability: Durability,
): Promise<number> {
  return store.mutateThread(
    threadId,
    {},
    (snapshot) => {
      const thread = requireThread(snapshot, threadId)
      const seq = thread.next_seq
      const change = thread.last_change + 1
      return {
        writes: {
          thread: {
            ...thread,
            next_seq: seq + 1,
            last_change: change,
            message_count: thread.message_count + 1,
          },
          putMessages: [buildMessageRecord({ id: messageId, thread: threadId, seq })],
          events: [buildChangeRecord({ change, message_id: messageId })],
        },
        result: seq,
      }
    },
    durability,
  )
}

async function expectSerialisedAppends(
  store: ChatStore,
  threadId: string,
  count: number,
): Promise<void> {
  const thread = await store.getThread(threadId)
  expect(thread?.next_seq).toBe(count + 1)
  expect(thread?.last_change).toBe(count)
  expect(thread?.message_count).toBe(count)
  const messages = await store.listMessages(threadId, {
    direction: 'newer',
    limit: count + 10,
    includeDeleted: true,
  })
  expect(seqsOf(messages)).toEqual(range(1, count))
  expect(new Set(messages.map((m) => m.id)).size).toBe(count)
  const changes = await store.listChanges(threadId, 0, count + 10)
  expect(changes.map((c) => c.change)).toEqual(range(1, count))
  // Seq and change number were taken from the same snapshot, so they line up one to one.
  expect(changes.map((c) => c.message_id)).toEqual(messages.map((m) => m.id))
}

/** Serialisation of one thread's mutations, and when an acknowledged write becomes visible. */
export function describeConcurrencyContract(open: OpenChatStore): void {
  describe('concurrency and durability', () => {
    const sut = useFreshStore(open)

    for (const durability of ['fast', 'safe'] as const) {
      it(`serialises 200 concurrent mutations of one thread against the latest state (${durability})`, async () => {
        await createThread(sut.store, buildThreadRecord({ id: 'busy' }))
        const seqs = await Promise.all(
          range(1, 200).map((i) => appendFromSnapshot(sut.store, 'busy', `m${i}`, durability)),
        )
        expect([...seqs].sort((a, b) => a - b)).toEqual(range(1, 200))
        await expectSerialisedAppends(sut.store, 'busy', 200)
      })
    }

    it('serialises each thread on its own while threads with prefix ids are written at once', async () => {
      const threadIds = ['c', 'c1', 'c:1']
      for (const id of threadIds) await createThread(sut.store, buildThreadRecord({ id }))
      const writes = range(1, 60).flatMap((i) =>
        threadIds.map((id) => appendFromSnapshot(sut.store, id, `m${i}`, i % 2 ? 'fast' : 'safe')),
      )
      await Promise.all(writes)
      for (const id of threadIds) await expectSerialisedAppends(sut.store, id, 60)
    })

    it('a failing mutation amid concurrent ones does not disturb the others', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 'busy' }))
      const boom = new Error('refused')
      const outcomes = await Promise.allSettled(
        range(1, 30).map((i) =>
          i % 10 === 0
            ? sut.store.mutateThread(
                'busy',
                {},
                () => {
                  throw boom
                },
                'fast',
              )
            : appendFromSnapshot(sut.store, 'busy', `m${i}`, 'fast'),
        ),
      )
      const reasons: unknown[] = []
      for (const outcome of outcomes)
        if (outcome.status === 'rejected') reasons.push(outcome.reason)
      expect(reasons).toEqual([boom, boom, boom])
      expect(reasons[0]).toBe(boom)
      await expectSerialisedAppends(sut.store, 'busy', 27)
    })

    for (const durability of ['fast', 'safe'] as const) {
      it(`an acknowledged ${durability} write is visible to the very next read`, async () => {
        await createThread(
          sut.store,
          buildThreadRecord({ id: 't1', participants: { alice: 'owner', bob: 'member' } }),
          durability,
        )
        expect((await sut.store.getThread('t1'))?.id).toBe('t1')
        for (let i = 1; i <= 20; i++) {
          const [message] = await appendMessages(
            sut.store,
            't1',
            [{ id: `m${i}`, author: 'bob' }],
            durability,
          )
          expect(await sut.store.getMessage('t1', `m${i}`)).toEqual(message)
          expect((await sut.store.getThread('t1'))?.next_seq).toBe(i + 1)
          expect(await sut.store.resolveSeq('t1', `m${i}`)).toBe(i)
          expect((await sut.store.listChanges('t1', i - 1, 10)).map((c) => c.message_id)).toEqual([
            `m${i}`,
          ])
          expect(await sut.store.countUnread('t1', 0, 'alice', 1000)).toBe(i)
        }
        const [newest] = await sut.store.listMessages('t1', {
          direction: 'older',
          limit: 1,
          includeDeleted: false,
        })
        expect(newest?.id).toBe('m20')
      })
    }

    it('flush resolves, before and after writes, alone and alongside concurrent ones', async () => {
      await expect(sut.store.flush()).resolves.toBeUndefined()
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const pending = range(1, 20).map((i) => appendFromSnapshot(sut.store, 't1', `m${i}`, 'fast'))
      await Promise.all([...pending, sut.store.flush(), sut.store.flush()])
      await expect(sut.store.flush()).resolves.toBeUndefined()
      await expectSerialisedAppends(sut.store, 't1', 20)
    })
  })
}
