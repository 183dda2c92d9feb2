import { describe, expect, it } from 'vitest'
import type { ChatStore, MessageRangeQuery } from '../chat-store.js'
import { toWireMessage } from '../message-json.js'
import { buildThreadRecord } from '../record-builders.js'
import type { MessageRecord } from '../records.js'
import { useFreshStore, type OpenChatStore } from './fixture.js'
import {
  appendMessages,
  createThread,
  putMessagesAtSeqs,
  range,
  replaceMessages,
  restored,
  seqsOf,
  softDeleted,
} from './write-steps.js'

/** Lists with both methods, asserting that the JSON form is exactly the records' wire JSON. */
async function listBoth(store: ChatStore, threadId: string, query: MessageRangeQuery): Promise<MessageRecord[]> {
  const records = await store.listMessages(threadId, query)
  // Read through the interface: a backend may give ids as getters.
  const texts = (await store.listMessageJson(threadId, query)).map(({ seq, id, json }) => ({ seq, id, json }))
  expect(texts).toEqual(
    records.map((r) => ({ seq: r.seq, id: r.id, json: Buffer.from(JSON.stringify(toWireMessage(r))) })),
  )
  return records
}

async function listSeqs(
  store: ChatStore,
  threadId: string,
  query: Partial<MessageRangeQuery> & Pick<MessageRangeQuery, 'direction'>,
): Promise<number[]> {
  return seqsOf(await listBoth(store, threadId, { limit: 1000, includeDeleted: false, ...query }))
}

function at(messages: readonly MessageRecord[], index: number): MessageRecord {
  const message = messages[index]
  if (message === undefined) throw new Error(`test setup: no message at ${index}`)
  return message
}

/** Message storage: point reads, seq-ordered pages, soft deletes, thread isolation. */
export function describeMessageContract(open: OpenChatStore): void {
  describe('messages', () => {
    const sut = useFreshStore(open)

    it('getMessage returns a put message by id, only in its own thread', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const [m1, m2] = await appendMessages(sut.store, 't1', [
        { id: 'm1', body: { text: 'hello' }, author: 'bob', role: 'assistant' },
        { id: 'm2', body: 'second', reply_to: 'm1', metadata: { model: 'x' } },
      ])
      expect(await sut.store.getMessage('t1', 'm1')).toEqual(m1)
      expect(await sut.store.getMessage('t1', 'm2')).toEqual(m2)
      expect(m2?.seq).toBe(2)
      expect(await sut.store.resolveSeq('t1', 'm2')).toBe(2)
      expect(await sut.store.getMessage('t1', 'm3')).toBeUndefined()
      expect(await sut.store.getMessage('t2', 'm1')).toBeUndefined()
      expect(await sut.store.resolveSeq('t1', 'm3')).toBeUndefined()
      expect(await sut.store.resolveSeq('t2', 'm1')).toBeUndefined()
    })

    it('a put at an existing seq replaces that message (an edit), not adds one', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const written = await appendMessages(sut.store, 't1', [{ id: 'm1', body: 'v1' }])
      const edited = { ...at(written, 0), body: 'v2', version: 2, editor: 'bob', updated_ts: 99 }
      await replaceMessages(sut.store, 't1', [edited])
      expect(await sut.store.getMessage('t1', 'm1')).toEqual(edited)
      expect(
        await sut.store.listMessages('t1', { direction: 'newer', limit: 10, includeDeleted: true }),
      ).toEqual([edited])
      expect(await sut.store.resolveSeq('t1', 'm1')).toBe(1)
    })

    it('lists newest-first for older and oldest-first for newer, with an exclusive fromSeq and a limit', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const written = await appendMessages(
        sut.store,
        't1',
        range(1, 10).map((i) => ({ id: `m${i}` })),
      )
      expect(seqsOf(written)).toEqual(range(1, 10))

      expect(
        await sut.store.listMessages('t1', { direction: 'older', limit: 3, includeDeleted: false }),
      ).toEqual([at(written, 9), at(written, 8), at(written, 7)])
      expect(
        await sut.store.listMessages('t1', { direction: 'newer', limit: 3, includeDeleted: false }),
      ).toEqual([at(written, 0), at(written, 1), at(written, 2)])
      expect(await listSeqs(sut.store, 't1', { direction: 'older', fromSeq: 8, limit: 3 })).toEqual(
        [7, 6, 5],
      )
      expect(await listSeqs(sut.store, 't1', { direction: 'newer', fromSeq: 3, limit: 3 })).toEqual(
        [4, 5, 6],
      )
      expect(await listSeqs(sut.store, 't1', { direction: 'older', fromSeq: 3 })).toEqual([2, 1])
      expect(await listSeqs(sut.store, 't1', { direction: 'newer', fromSeq: 8 })).toEqual([9, 10])
      expect(await listSeqs(sut.store, 't1', { direction: 'older', fromSeq: 1 })).toEqual([])
      expect(await listSeqs(sut.store, 't1', { direction: 'newer', fromSeq: 10 })).toEqual([])
      // A bound beyond either end still works: the first page from a cursor past the newest.
      expect(
        await listSeqs(sut.store, 't1', { direction: 'older', fromSeq: 1000, limit: 2 }),
      ).toEqual([10, 9])
      expect(await listSeqs(sut.store, 't1', { direction: 'newer', fromSeq: 0, limit: 2 })).toEqual(
        [1, 2],
      )
      expect(await listSeqs(sut.store, 't1', { direction: 'older' })).toEqual(
        range(1, 10).reverse(),
      )
      expect(await listSeqs(sut.store, 't1', { direction: 'newer', limit: 1 })).toEqual([1])
      expect(await listSeqs(sut.store, 'missing', { direction: 'newer' })).toEqual([])
    })

    it('listMessageJson returns the listed messages as their wire JSON, for every visibility filter', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const written = await appendMessages(
        sut.store,
        't1',
        range(1, 8).map((i) => ({
          id: `m${i}`,
          body: { text: `"quoted" \\ ${i} ✓`, nested: { editor: 'not the editor field' } },
          ...(i % 3 === 0 ? { ephemeral: true, expires_ts: 9_999_999_999_999 } : {}),
        })),
      )
      await replaceMessages(sut.store, 't1', [softDeleted(at(written, 1)), softDeleted(at(written, 6))])
      const seen = new Set<string>()
      for (const includeDeleted of [false, true])
        for (const includeEphemeral of [undefined, false, true])
          for (const direction of ['older', 'newer'] as const)
            for (const fromSeq of [undefined, 4]) {
              const query = { direction, limit: 5, includeDeleted, includeEphemeral, ...(fromSeq ? { fromSeq } : {}) }
              seen.add(seqsOf(await listBoth(sut.store, 't1', query)).join(','))
            }
      // The filters really differ (so the parity above covered each of them).
      expect(seen.size).toBeGreaterThan(8)
      expect(
        seqsOf(await listBoth(sut.store, 't1', { direction: 'newer', limit: 10, includeDeleted: false, includeEphemeral: false })),
      ).toEqual([1, 4, 5, 8])
    })

    it('paging with the last seq as the next bound visits every message once', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      await appendMessages(
        sut.store,
        't1',
        range(1, 23).map((i) => ({ id: `m${i}` })),
      )
      for (const direction of ['older', 'newer'] as const) {
        const seen: number[] = []
        let fromSeq: number | undefined
        // Bounded, so a store that repeats its bound fails the assertion instead of hanging.
        for (let pages = 0; pages < 10; pages++) {
          const page = await listSeqs(sut.store, 't1', {
            direction,
            limit: 5,
            ...(fromSeq === undefined ? {} : { fromSeq }),
          })
          if (page.length === 0) break
          seen.push(...page)
          fromSeq = page.at(-1)
        }
        expect(seen).toEqual(direction === 'newer' ? range(1, 23) : range(1, 23).reverse())
      }
    })

    it('includeDeleted false hides soft-deleted messages without shortening the page; true shows them', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const written = await appendMessages(
        sut.store,
        't1',
        range(1, 10).map((i) => ({ id: `m${i}` })),
      )
      const deleted5 = softDeleted(at(written, 4))
      await replaceMessages(sut.store, 't1', [
        deleted5,
        softDeleted(at(written, 5)),
        softDeleted(at(written, 9)),
      ])

      expect(await listSeqs(sut.store, 't1', { direction: 'older', limit: 3 })).toEqual([9, 8, 7])
      expect(await listSeqs(sut.store, 't1', { direction: 'newer', fromSeq: 4, limit: 2 })).toEqual(
        [7, 8],
      )
      expect(await listSeqs(sut.store, 't1', { direction: 'older', fromSeq: 7, limit: 3 })).toEqual(
        [4, 3, 2],
      )
      // A deleted message's seq is still a valid bound.
      expect(await listSeqs(sut.store, 't1', { direction: 'older', fromSeq: 6 })).toEqual([
        4, 3, 2, 1,
      ])
      expect(await listSeqs(sut.store, 't1', { direction: 'newer' })).toEqual([1, 2, 3, 4, 7, 8, 9])

      const withDeleted = await sut.store.listMessages('t1', {
        direction: 'newer',
        fromSeq: 3,
        limit: 3,
        includeDeleted: true,
      })
      expect(withDeleted).toEqual([at(written, 3), deleted5, softDeleted(at(written, 5))])
      expect(
        await listSeqs(sut.store, 't1', { direction: 'older', includeDeleted: true, limit: 2 }),
      ).toEqual([10, 9])
      // getMessage still returns a soft-deleted message, flagged.
      expect(await sut.store.getMessage('t1', 'm5')).toEqual(deleted5)

      await replaceMessages(sut.store, 't1', [restored(deleted5)])
      expect(await listSeqs(sut.store, 't1', { direction: 'newer' })).toEqual([
        1, 2, 3, 4, 5, 7, 8, 9,
      ])
    })

    it('orders seqs numerically across digit counts and byte boundaries, with gaps', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const seqs = [
        1,
        2,
        9,
        10,
        11,
        99,
        100,
        101,
        127,
        128,
        255,
        256,
        257,
        1000,
        65_535,
        65_536,
        16_777_216,
        2 ** 31,
      ]
      // Written in a scrambled order so insertion order cannot stand in for seq order.
      await putMessagesAtSeqs(
        sut.store,
        't1',
        [...seqs].reverse().filter((_, i) => i % 2 === 0),
      )
      await putMessagesAtSeqs(
        sut.store,
        't1',
        [...seqs].reverse().filter((_, i) => i % 2 === 1),
      )
      expect(await listSeqs(sut.store, 't1', { direction: 'newer' })).toEqual(seqs)
      expect(await listSeqs(sut.store, 't1', { direction: 'older' })).toEqual([...seqs].reverse())
      expect(
        await listSeqs(sut.store, 't1', { direction: 'newer', fromSeq: 99, limit: 4 }),
      ).toEqual([100, 101, 127, 128])
      expect(
        await listSeqs(sut.store, 't1', { direction: 'older', fromSeq: 256, limit: 3 }),
      ).toEqual([255, 128, 127])
      expect(
        await listSeqs(sut.store, 't1', { direction: 'older', fromSeq: 65_536, limit: 1 }),
      ).toEqual([65_535])
      expect(await sut.store.resolveSeq('t1', `m${2 ** 31}`)).toBe(2 ** 31)
    })

    it("keeps each thread's messages apart, even when thread ids are prefixes of each other", async () => {
      const threadIds = ['a', 'a1', 'a:b', 'a:', 'a.b', 'a-', 'a~', 'ab', 'b']
      for (const id of threadIds) await createThread(sut.store, buildThreadRecord({ id }))
      // Interleaved: round r appends one message to every thread, with a shared id.
      const byThread = new Map<string, MessageRecord[]>(threadIds.map((id) => [id, []]))
      for (let round = 1; round <= 4; round++) {
        for (const id of threadIds) {
          const written = await appendMessages(sut.store, id, [
            { id: `r${round}`, body: `${id}/${round}` },
          ])
          byThread.get(id)?.push(...written)
        }
      }
      for (const id of threadIds) {
        const expected = byThread.get(id) ?? []
        expect(
          await sut.store.listMessages(id, {
            direction: 'newer',
            limit: 100,
            includeDeleted: true,
          }),
        ).toEqual(expected)
        expect(
          await sut.store.listMessages(id, {
            direction: 'older',
            limit: 100,
            includeDeleted: true,
          }),
        ).toEqual([...expected].reverse())
        expect(await sut.store.getMessage(id, 'r3')).toEqual(at(expected, 2))
        expect((await sut.store.getMessage(id, 'r3'))?.body).toBe(`${id}/3`)
      }
      expect(await listSeqs(sut.store, 'a', { direction: 'newer', fromSeq: 4 })).toEqual([])
      expect(await listSeqs(sut.store, 'a', { direction: 'older', fromSeq: 1 })).toEqual([])
    })
  })
}
