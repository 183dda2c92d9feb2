import type { Message } from '@progressdb/protocol'
import type { RecordCodec } from './record-codec.js'
import type { MessageRecord } from './records.js'

/**
 * A stored message is its wire JSON. Backends keep messages as the exact bytes of
 * `JSON.stringify(toWireMessage(record))`, so a page of messages is answered by splicing the
 * stored texts into the response, with no parse and no re-serialisation (docs/performance.md).
 * The record is the wire object plus nothing: `key` (= `id`) is the only field it adds.
 */
export function toWireMessage(record: MessageRecord): Message {
  // `id` first, then `key`: messageIdOfJson() relies on this order.
  return {
    id: record.id,
    key: record.id,
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

const ID_PREFIX = Buffer.from('{"id":"')
const KEY_FIELD = Buffer.from(',"key":')
const QUOTE = 0x22

/**
 * The id of a stored message in the current layout (`{"id":"…","key":…`), or undefined for one
 * in another layout (written before messages were stored in wire form). Ids never need JSON
 * escapes (they are `[A-Za-z0-9._~:@-]`), so the id ends at the next quote.
 */
function messageIdOfJson(json: Uint8Array): string | undefined {
  if (!bytesAt(json, 0, ID_PREFIX)) return undefined
  const end = json.indexOf(QUOTE, ID_PREFIX.length)
  if (end < 0 || !bytesAt(json, end + 1, KEY_FIELD)) return undefined
  return Buffer.from(json.buffer, json.byteOffset + ID_PREFIX.length, end - ID_PREFIX.length).toString('latin1')
}

/** Whether `bytes` holds `pattern` at `offset` (a short pattern: a loop beats a native call). */
function bytesAt(bytes: Uint8Array, offset: number, pattern: Uint8Array): boolean {
  if (offset + pattern.length > bytes.length) return false
  for (let i = 0; i < pattern.length; i++) if (bytes[offset + i] !== pattern[i]) return false
  return true
}

const decoder = new TextDecoder()

export function encodeMessage(codec: RecordCodec, threadId: string, record: MessageRecord): Buffer {
  return codec.sealBytes(threadId, Buffer.from(JSON.stringify(toWireMessage(record))))
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
  const json = Buffer.from(codec.openBytes(threadId, bytes))
  const id = messageIdOfJson(json)
  if (id !== undefined) return { seq, id, json }
  // An older layout: normalise it through the record.
  const record = decodeMessage(codec, threadId, bytes)
  return { seq, id: record.id, json: Buffer.from(JSON.stringify(toWireMessage(record))) }
}
