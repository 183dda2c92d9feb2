import { describe, expect, it } from 'vitest'
import {
  buildChangeRecord,
  buildReadMarkerRecord,
  buildThreadRecord,
  buildVersionRecord,
} from '../record-builders.js'
import { useFreshStore, type OpenChatStore } from './fixture.js'
import { appendMessages, commit, createThread, range, requireThread } from './write-steps.js'

/** Bodies a client may send: any JSON value. */
const JSON_BODIES: readonly unknown[] = [
  'plain text',
  '',
  'unicode: héllo wörld, 日本語, עברית, emoji 🚀👩🏽‍💻🇩🇪',
  'control characters: \u0000 \u0001 \n \t " \\ \u2028',
  0,
  -17,
  3.141592653589793,
  1e300,
  Number.MAX_SAFE_INTEGER,
  true,
  false,
  null,
  [],
  {},
  [1, 'two', null, { three: [3] }, [[]]],
  {
    text: 'hi',
    parts: [{ type: 'text', text: 'a\u0000b' }],
    nested: { deep: { deeper: { n: 1 } } },
  },
  { 'key with spaces': 1, '': 'empty key', ключ: 'значение', '🔑': '🔒' },
]

const REACTIONS: Record<string, string[]> = { '👍': ['alice', 'bob'], '❤️': ['carol'] }

const ALLOWED_ID_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._~:@-'

/** Records come back exactly as written, whatever JSON they carry. */
export function describeValueRoundTripContract(open: OpenChatStore): void {
  describe('value round-trips', () => {
    const sut = useFreshStore(open)

    it('message bodies and metadata of any JSON shape come back exactly', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const written = await appendMessages(
        sut.store,
        't1',
        JSON_BODIES.map((body, i) => ({
          id: `m${i}`,
          body,
          metadata: { index: i, tags: ['a', 'b'], nested: { ok: true, none: null } },
          reactions: i % 2 === 1 ? REACTIONS : {},
          status: i % 3 === 0 ? 'streaming' : 'final',
          ephemeral: i === 1,
          expires_ts: i === 1 ? 1_800_000_000_000 : null,
        })),
      )
      for (const [i, message] of written.entries()) {
        const read = await sut.store.getMessage('t1', message.id)
        expect(read).toStrictEqual(message)
        expect(read?.body).toStrictEqual(JSON_BODIES[i])
      }
      const listed = await sut.store.listMessages('t1', {
        direction: 'newer',
        limit: 100,
        includeDeleted: true,
      })
      expect(listed).toStrictEqual(written)
    })

    it('keeps lone surrogates and __proto__ keys that JSON.parse can produce', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const body = JSON.parse(
        '{"__proto__": {"polluted": true}, "lone": "\\ud800x\\udfff"}',
      ) as unknown
      const metadata = JSON.parse('{"__proto__": 1, "constructor": {"prototype": 2}}') as Record<
        string,
        unknown
      >
      await appendMessages(sut.store, 't1', [{ id: 'odd', body, metadata }])
      const read = await sut.store.getMessage('t1', 'odd')
      // toStrictEqual would compare the own `constructor` keys by reference, so compare parts.
      const readBody = read?.body as Record<string, unknown>
      expect(Object.getPrototypeOf(readBody)).toBe(Object.prototype)
      expect(Object.keys(readBody).sort()).toEqual(['__proto__', 'lone'])
      expect(Object.getOwnPropertyDescriptor(readBody, '__proto__')?.value).toEqual({
        polluted: true,
      })
      expect(readBody['lone']).toBe('\ud800x\udfff')
      const readMetadata = read?.metadata ?? {}
      expect(Object.getPrototypeOf(readMetadata)).toBe(Object.prototype)
      expect(Object.keys(readMetadata).sort()).toEqual(['__proto__', 'constructor'])
      expect(Object.getOwnPropertyDescriptor(readMetadata, '__proto__')?.value).toBe(1)
      expect(readMetadata['constructor']).toEqual({ prototype: 2 })
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined()
    })

    it('a 1 MiB body comes back intact', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't1' }))
      const big = range(0, 1023)
        .map((i) => `${String(i).padStart(4, '0')}:${'é'.repeat(510)}`)
        .join('\n')
      const [message] = await appendMessages(
        sut.store,
        't1',
        [{ id: 'big', body: { text: big } }],
        'safe',
      )
      const read = await sut.store.getMessage('t1', 'big')
      expect(read).toStrictEqual(message)
      expect((read?.body as { text: string }).text.length).toBe(big.length)
    })

    it('thread records, versions, log entries and markers come back exactly', async () => {
      const thread = buildThreadRecord({
        id: 'room@example.com:42',
        title: 'Ünïcödé title 🎉 "quoted" \u0000',
        metadata: {
          app: { chatId: 42, tags: ['x'], empty: {}, list: [] },
          flag: false,
          nothing: null,
        },
        author: 'user@example.com',
        participants: { 'user@example.com': 'owner', 'bot-1': 'member', 'guest.9': 'viewer' },
        created_ts: 1_700_000_000_001,
        updated_ts: 1_700_000_000_002,
        deleted: true,
        deleted_ts: 1_700_000_000_003,
      })
      await createThread(sut.store, thread)
      expect(await sut.store.getThread(thread.id)).toStrictEqual(thread)

      const versions = JSON_BODIES.slice(0, 6).map((body, i) =>
        buildVersionRecord({ version: i + 1, body, metadata: { i }, editor: 'bot-1' }),
      )
      const change = buildChangeRecord({
        change: 1,
        type: 'reaction.added',
        emoji: '👩🏽‍💻',
        user: 'guest.9',
        message_id: 'm1',
      })
      const marker = buildReadMarkerRecord({ user: 'guest.9', message_id: 'm1', seq: 1 })
      await commit(sut.store, thread.id, (s) => ({
        thread: { ...requireThread(s, thread.id), last_change: 1 },
        archiveVersions: versions.map((version) => ({ messageId: 'm1', version })),
        events: [change],
        putReadMarkers: [marker],
      }))
      expect(await sut.store.listVersions(thread.id, 'm1')).toStrictEqual(versions)
      expect(await sut.store.listChanges(thread.id, 0, 10)).toStrictEqual([change])
      expect(await sut.store.getReadMarker(thread.id, 'guest.9')).toStrictEqual(marker)
    })

    it('accepts ids at the length limit and using every allowed character', async () => {
      const longId = ALLOWED_ID_CHARS.repeat(2).slice(0, 128)
      const ids = [longId, 'x', '~', '-', longId.slice(0, 127)]
      for (const id of ids) {
        await createThread(sut.store, buildThreadRecord({ id, title: `title ${id.length}` }))
        const [message] = await appendMessages(sut.store, id, [{ id: longId }, { id: '~' }])
        expect(await sut.store.getMessage(id, longId)).toStrictEqual(message)
        expect(await sut.store.resolveSeq(id, '~')).toBe(2)
      }
      expect((await sut.store.getThreads(ids)).map((t) => t?.id)).toEqual(ids)
      expect(
        await sut.store.listThreadsForUser('alice', {
          sortBy: 'created_ts',
          direction: 'newer',
          limit: 10,
          includeDeleted: false,
        }),
      ).toHaveLength(5)
      expect(
        await sut.store.listMessages(longId.slice(0, 127), {
          direction: 'newer',
          limit: 10,
          includeDeleted: false,
        }),
      ).toHaveLength(2)
    })
  })
}
