import { describe, expect, it } from 'vitest'
import { decodeMessage, decodeMessageJson, encodeMessage, MessageJsonArena, toWireMessage, wireJsonOf } from './message-json.js'
import { buildMessageRecord } from './record-builders.js'
import { createJsonCodec } from './record-codec.js'

const codec = createJsonCodec()
const record = buildMessageRecord({ id: 'm-1', thread: 't', seq: 7, body: { key: 'x', id: 'y', text: '"{}"' } })

describe('stored message JSON', () => {
  it('stores the wire JSON without key and decodes back to the record', () => {
    const bytes = encodeMessage(codec, 't', record)
    // `key` repeats `id`, so it is not stored; pages splice it back in.
    expect(JSON.parse(bytes.toString())).not.toHaveProperty('key')
    expect(decodeMessage(codec, 't', bytes)).toEqual(record)
    const { seq, id, json } = decodeMessageJson(codec, 't', 7, bytes, new MessageJsonArena(1))
    expect({ seq, id, json }).toEqual({ seq: 7, id: 'm-1', json: Buffer.from(JSON.stringify(toWireMessage(record))) })
  })

  it('normalises a message stored in the earlier record layout (no key, other field order)', () => {
    const { id, ...rest } = record
    const older = codec.encode('t', { ...rest, id })
    const decoded = decodeMessageJson(codec, 't', 7, older, new MessageJsonArena(1))
    expect(decoded.id).toBe('m-1')
    expect(JSON.parse(decoded.json.toString())).toEqual(toWireMessage(record))
    expect(decodeMessage(codec, 't', older)).toEqual(record)
  })

  it('gives the wire JSON of a record it has just encoded, byte for byte, and nothing for others', () => {
    const fresh = buildMessageRecord({ id: 'm-2', thread: 't', seq: 8, body: { text: 'caf\u00e9 "quoted"' } })
    expect(wireJsonOf(fresh)).toBeUndefined()
    encodeMessage(codec, 't', fresh)
    expect(wireJsonOf(fresh)).toEqual(Buffer.from(JSON.stringify(toWireMessage(fresh))))
    expect(wireJsonOf({ ...fresh })).toBeUndefined()
  })

  it('copies a page into shared chunks without one message overwriting another, past a chunk and larger than one', () => {
    const arena = new MessageJsonArena(2)
    const sizes = [10, 3_000, 1_500, 200_000, 0, 70]
    const records = sizes.map((size, i) =>
      buildMessageRecord({ id: `m-${i}-${'x'.repeat(i * 20)}`, thread: 't', seq: i + 1, body: { text: 'b'.repeat(size) } }),
    )
    const listed = records.map((r) => decodeMessageJson(codec, 't', r.seq, encodeMessage(codec, 't', r), arena))
    records.forEach((r, i) => {
      expect(listed[i]!.seq).toBe(r.seq)
      expect(listed[i]!.id).toBe(r.id)
      expect(listed[i]!.json.toString()).toBe(JSON.stringify(toWireMessage(r)))
    })
  })
})
