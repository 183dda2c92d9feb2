/**
 * The one place where stored records become bytes and back. Records that hold user content
 * (threads, messages, versions) go through a codec keyed by thread, so envelope encryption
 * (a per-thread data key) can replace the plain JSON codec without touching any backend.
 */
export interface RecordCodec {
  encode(threadId: string, value: unknown): Buffer
  decode<T>(threadId: string, bytes: Uint8Array): T
}

const decoder = new TextDecoder()

/** Plain JSON bytes: what lmdb-js measured fastest here, and readable by export tools. */
export function createJsonCodec(): RecordCodec {
  return {
    encode: (_threadId, value) => Buffer.from(JSON.stringify(value)),
    decode: <T>(_threadId: string, bytes: Uint8Array) => JSON.parse(decoder.decode(bytes)) as T,
  }
}
