/**
 * The one place where stored records become bytes and back. Records that hold user content
 * (threads, messages, versions) go through a codec keyed by thread, so envelope encryption
 * (a per-thread data key) can replace the plain JSON codec without touching any backend.
 * `sealBytes`/`openBytes` are the byte layer (encryption goes there); `encode`/`decode` add
 * JSON on top. Messages use the byte layer directly (see message-json.ts).
 */
export interface RecordCodec {
  /** Must leave `plain` as it is (message-json.ts reuses it for replies). */
  sealBytes(threadId: string, plain: Uint8Array): Buffer
  /** The plain bytes; may be a view of `sealed` (copy it to keep it past the next read). */
  openBytes(threadId: string, sealed: Uint8Array): Uint8Array
  encode(threadId: string, value: unknown): Buffer
  decode<T>(threadId: string, bytes: Uint8Array): T
}

const decoder = new TextDecoder()

/** Plain JSON bytes: what lmdb-js measured fastest here, and readable by export tools. */
export function createJsonCodec(): RecordCodec {
  const sealBytes = (_threadId: string, plain: Uint8Array) => Buffer.from(plain.buffer, plain.byteOffset, plain.byteLength)
  const openBytes = (_threadId: string, sealed: Uint8Array) => sealed
  return {
    sealBytes,
    openBytes,
    encode: (threadId, value) => sealBytes(threadId, Buffer.from(JSON.stringify(value))),
    decode: <T>(threadId: string, bytes: Uint8Array) => JSON.parse(decoder.decode(openBytes(threadId, bytes))) as T,
  }
}
