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
  const end = json.indexOf(QUOTE, ID_PREFIX.length)
  return end >= 0 && bytesAt(json, end + 1, NEXT_FIELD) ? end : -1
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
  return end < 0 ? undefined : withKey(plain, end, record.id)
}

/**
 * A record's wire JSON as bytes: the stored bytes this process just wrote for it when it has
 * them (wireJsonOf), else serialised.
 */
export function toWireJson(record: MessageRecord): Buffer {
  return wireJsonOf(record) ?? Buffer.from(JSON.stringify(toWireMessage(record)))
}

/** `stored` (one copy) with `,"key":"<id>"` spliced in after the id, which ends at `idEnd`. */
function withKey(stored: Uint8Array, idEnd: number, id: string): Buffer {
  const key = `","key":"${id}`
  const json = Buffer.allocUnsafe(stored.length + key.length)
  json.set(stored.subarray(0, idEnd), 0)
  json.write(key, idEnd, 'latin1')
  json.set(stored.subarray(idEnd), idEnd + key.length)
  return json
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

export function decodeMessageJson(codec: RecordCodec, threadId: string, seq: number, bytes: Uint8Array): MessageJson {
  const stored = codec.openBytes(threadId, bytes)
  const end = idEndOf(stored)
  if (end < 0) {
    // An older layout: normalise it through the record.
    const record = decodeMessage(codec, threadId, bytes)
    return { seq, id: record.id, json: toWireJson(record) }
  }
  const id = Buffer.from(stored.buffer, stored.byteOffset + ID_PREFIX.length, end - ID_PREFIX.length).toString('latin1')
  // One copy out of the store's buffer.
  return { seq, id, json: withKey(stored, end, id) }
}
