import type { Message } from '@progressdb/protocol'
import type { RecordCodec } from './record-codec.js'
import type { MessageRecord } from './records.js'

type StoredMessage = Omit<Message, 'key'>

/**
 * A stored message is its wire JSON without `key` (which always equals `id`): backends keep
 * `JSON.stringify` of this, `id` first, so a page of messages is answered by splicing the stored
 * bytes into the response (with `key` inserted after `id`), with no parse and no
 * re-serialisation (docs/performance.md).
 */
function storedForm(record: MessageRecord): StoredMessage {
  return {
    id: record.id,
    thread: record.thread,
    seq: record.seq,
    author: record.author,
    role: record.role,
    body: record.body,
    reply_to: record.reply_to,
    metadata: record.metadata,
    reactions: record.reactions,
    version: record.version,
    editor: record.editor,
    change: record.change,
    status: record.status,
    ephemeral: record.ephemeral,
    expires_ts: record.expires_ts,
    created_ts: record.created_ts,
    updated_ts: record.updated_ts,
    deleted: record.deleted,
    deleted_ts: record.deleted_ts,
  }
}

export function toWireMessage(record: MessageRecord): Message {
  const { id, ...rest } = storedForm(record)
  return { id, key: id, ...rest }
}

const ID_PREFIX = Buffer.from('{"id":"')
const NEXT_FIELD = Buffer.from(',"thread":')
const QUOTE = 0x22

/**
 * Where the id of a stored message in the current layout (`{"id":"…","thread":…`) ends, or -1
 * for one in another layout (written before messages were stored in this form). Ids never need
 * JSON escapes (they are `[A-Za-z0-9._~:@-]`), so the id ends at the next quote.
 */
function idEndOf(json: Uint8Array): number {
  if (!bytesAt(json, 0, ID_PREFIX)) return -1
  let end = ID_PREFIX.length
  while (end < json.length && json[end] !== QUOTE) end++
  return end < json.length && bytesAt(json, end + 1, NEXT_FIELD) ? end : -1
}

/** Whether `bytes` holds `pattern` at `offset` (a short pattern: a loop beats a native call). */
function bytesAt(bytes: Uint8Array, offset: number, pattern: Uint8Array): boolean {
  if (offset + pattern.length > bytes.length) return false
  for (let i = 0; i < pattern.length; i++) if (bytes[offset + i] !== pattern[i]) return false
  return true
}

const decoder = new TextDecoder()

/** The plain stored JSON of records this process has encoded, while they live (see wireJsonOf). */
const encodedJson = new WeakMap<MessageRecord, Buffer>()

export function encodeMessage(codec: RecordCodec, threadId: string, record: MessageRecord): Buffer {
  const plain = Buffer.from(JSON.stringify(storedForm(record)))
  encodedJson.set(record, plain)
  return codec.sealBytes(threadId, plain)
}

/**
 * The wire JSON of a record this process has just stored (undefined for any other record):
 * its stored bytes with `key` spliced in, so a reply need not serialise the message again.
 */
export function wireJsonOf(record: MessageRecord): Buffer | undefined {
  const plain = encodedJson.get(record)
  if (!plain) return undefined
  const end = idEndOf(plain)
  return end < 0 ? undefined : withKey(plain, end)
}

/**
 * A record's wire JSON as bytes: the stored bytes this process just wrote for it when it has
 * them (wireJsonOf), else serialised.
 */
export function toWireJson(record: MessageRecord): Buffer {
  return wireJsonOf(record) ?? Buffer.from(JSON.stringify(toWireMessage(record)))
}

/** What goes between a stored message's id and the rest: the wire JSON's `key`, then its id again. */
const KEY_FIELD = Buffer.from('","key":"')

/** How many bytes splicing `key` in adds to a stored message whose id ends at `idEnd`. */
const keyFieldBytes = (idEnd: number) => KEY_FIELD.length + idEnd - ID_PREFIX.length

/** `stored` (one copy) with `,"key":"<id>"` spliced in after the id, which ends at `idEnd`. */
function withKey(stored: Uint8Array, idEnd: number): Buffer {
  const json = Buffer.allocUnsafe(stored.length + keyFieldBytes(idEnd))
  spliceKey(json, 0, stored, idEnd)
  return json
}

/**
 * Writes the wire JSON of `stored` into `target` at `at`: one copy of the stored bytes, then
 * the tail moved up and `","key":"<id>` written into the gap, the id copied from the bytes just
 * written. No view, string or buffer per message beyond the one copy (a page does this fifty
 * times: docs/performance.md, session 16).
 */
function spliceKey(target: Buffer, at: number, stored: Uint8Array, idEnd: number): void {
  const inserted = keyFieldBytes(idEnd)
  target.set(stored, at)
  target.copyWithin(at + idEnd + inserted, at + idEnd, at + stored.length)
  target.set(KEY_FIELD, at + idEnd)
  target.copyWithin(at + idEnd + KEY_FIELD.length, at + ID_PREFIX.length, at + idEnd)
}

export function decodeMessage(codec: RecordCodec, threadId: string, bytes: Uint8Array): MessageRecord {
  const text = decoder.decode(codec.openBytes(threadId, bytes))
  const record = JSON.parse(text) as MessageRecord & { key?: string }
  delete record.key
  record.change ??= 0 // stored before messages carried their change number
  return record
}

/** A stored message as its wire JSON bytes (its own copy), with the two fields paging needs. */
export interface MessageJson {
  seq: number
  id: string
  json: Buffer
}

/**
 * Where the messages of one page are copied out of the store: chunks of a page's size, filled
 * in turn and never reused, so each message's JSON is a view of a chunk, valid as long as the
 * page is held. One allocation per chunk instead of a buffer per message.
 */
export class MessageJsonArena {
  private chunk: Buffer | undefined
  private used = 0

  /** `expected`: how many messages the page will likely hold (sizes its first chunk). */
  constructor(private readonly expected: number) {}

  /** A chunk with `bytes` free at `this.used` (a new one when the current one is full). */
  private room(bytes: number): Buffer {
    if (this.chunk && this.used + bytes <= this.chunk.length) return this.chunk
    const size = Math.max(bytes, Math.min(ARENA_CHUNK_MAX, this.expected * ARENA_MESSAGE_BYTES))
    this.chunk = Buffer.allocUnsafeSlow(size)
    this.used = 0
    return this.chunk
  }

  /** The wire JSON of a stored message in the current layout (its id ending at `idEnd`). */
  add(seq: number, stored: Uint8Array, idEnd: number): MessageJson {
    const size = stored.length + keyFieldBytes(idEnd)
    const chunk = this.room(size)
    const at = this.used
    spliceKey(chunk, at, stored, idEnd)
    this.used += size
    return new SplicedMessageJson(seq, chunk.subarray(at, at + size), idEnd - ID_PREFIX.length)
  }
}

/** A first chunk's room per expected message (a 1 KB body stores as ~1.4 KB), and a chunk's most. */
const ARENA_MESSAGE_BYTES = 2048
const ARENA_CHUNK_MAX = 128 << 10

/** A message's wire JSON in an arena; its id is read from the JSON when asked (a page asks twice). */
class SplicedMessageJson implements MessageJson {
  constructor(
    readonly seq: number,
    readonly json: Buffer,
    private readonly idLength: number,
  ) {}

  get id(): string {
    return this.json.toString('latin1', ID_PREFIX.length, ID_PREFIX.length + this.idLength)
  }
}

export function decodeMessageJson(
  codec: RecordCodec,
  threadId: string,
  seq: number,
  bytes: Uint8Array,
  arena: MessageJsonArena,
): MessageJson {
  const stored = codec.openBytes(threadId, bytes)
  const end = idEndOf(stored)
  if (end < 0) {
    // An older layout: normalise it through the record.
    const record = decodeMessage(codec, threadId, bytes)
    return { seq, id: record.id, json: toWireJson(record) }
  }
  return arena.add(seq, stored, end)
}
