import { AppError } from '../app-error.js'
import type { ChatStore, Durability } from '../store/chat-store.js'
import type { Clock } from './clock.js'

export interface ChatLimits {
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
