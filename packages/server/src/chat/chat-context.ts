import { AppError } from '../app-error.js'
import type { ChatStore, Durability } from '../store/chat-store.js'
import type { Clock } from './clock.js'
import { jsonSizeBound } from './json-size-bound.js'

export interface ChatLimits {
  /** The largest request body, and so the largest message a stream may grow to. */
  bodyMaxBytes: number
  metadataMaxBytes: number
  titleMaxLength: number
  pageSizeDefault: number
  pageSizeMax: number
  eventsPageMax: number
  unreadCountMax: number
  ephemeralTtlMaxMs: number
}

/** What every chat operation needs, passed explicitly (no singletons). */
export interface ChatContext {
  store: ChatStore
  clock: Clock
  newId: () => string
  limits: ChatLimits
}

export interface WriteOptions {
  durability: Durability
}

export function assertMetadataSize(ctx: ChatContext, metadata: unknown): void {
  if (metadata === undefined) return
  const bytes = Buffer.byteLength(JSON.stringify(metadata))
  if (bytes > ctx.limits.metadataMaxBytes)
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `metadata is ${bytes} bytes; the limit is ${ctx.limits.metadataMaxBytes}.`,
    )
}

/**
 * A streamed message may not grow past what one request could have created: its body, as stored
 * JSON, stays within `bodyMaxBytes` (without this, appends grew messages past what a reply or
 * the change log could carry).
 */
export function assertGrownBodySize(ctx: ChatContext, body: unknown): void {
  // Serialised only when a cheap bound cannot rule the limit out.
  if (jsonSizeBound(body) <= ctx.limits.bodyMaxBytes) return
  const bytes = Buffer.byteLength(JSON.stringify(body) ?? '')
  if (bytes > ctx.limits.bodyMaxBytes)
    throw new AppError(
      'PAYLOAD_TOO_LARGE',
      `The message body would be ${bytes} bytes; the limit is ${ctx.limits.bodyMaxBytes}. Finalize it and go on in a new message.`,
    )
}
