import { Type, type Static } from '@sinclair/typebox'
import { ChatEvent } from './events.js'
import { Message, MessageVersion, Pagination, Participant, Thread } from './entities.js'

export const ThreadResponse = Type.Object({ thread: Thread })
export type ThreadResponse = Static<typeof ThreadResponse>

export const ThreadListResponse = Type.Object({ threads: Type.Array(Thread), pagination: Pagination })
export type ThreadListResponse = Static<typeof ThreadListResponse>

export const MessageResponse = Type.Object({ message: Message })
export type MessageResponse = Static<typeof MessageResponse>

export const MessageListResponse = Type.Object({
  messages: Type.Array(Message),
  pagination: Pagination,
})
export type MessageListResponse = Static<typeof MessageListResponse>

export const VersionListResponse = Type.Object({ versions: Type.Array(MessageVersion) })
export type VersionListResponse = Static<typeof VersionListResponse>

export const ParticipantListResponse = Type.Object({ participants: Type.Array(Participant) })
export type ParticipantListResponse = Static<typeof ParticipantListResponse>

export const EventListResponse = Type.Object({
  events: Type.Array(ChatEvent),
  next_since: Type.Integer({ description: 'Pass as `since` to continue after these events.' }),
  has_more: Type.Boolean(),
})
export type EventListResponse = Static<typeof EventListResponse>

export const SignResponse = Type.Object({ userId: Type.String(), signature: Type.String() })
export type SignResponse = Static<typeof SignResponse>

export const ErrorResponse = Type.Object({
  error: Type.String(),
  code: Type.String(),
  request_id: Type.String(),
  details: Type.Optional(
    Type.Array(Type.Object({ path: Type.String(), message: Type.String() })),
  ),
})

/** `GET /healthz`: the process answers. */
export const HealthResponse = Type.Object({ status: Type.Literal('ok') })
export type HealthResponse = Static<typeof HealthResponse>

/** `GET /readyz`: 200 `ready`, or 503 `not ready` while starting or stopping. */
export const ReadinessResponse = Type.Object({ status: Type.Union([Type.Literal('ready'), Type.Literal('not ready')]) })
export type ReadinessResponse = Static<typeof ReadinessResponse>

/** `GET /admin/health`. */
export const AdminHealthResponse = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('starting')]),
  version: Type.String(),
  ready: Type.Boolean(),
})
export type AdminHealthResponse = Static<typeof AdminHealthResponse>

/** `GET /admin/stats`: stored items, bytes on disk, and the process's own figures. */
export const AdminStatsResponse = Type.Object({
  store: Type.Object({
    threads: Type.Integer(),
    messages: Type.Integer(),
    versions: Type.Integer(),
    events: Type.Integer(),
    bytes_on_disk: Type.Integer(),
  }),
  process: Type.Record(Type.String(), Type.Number(), {
    description: 'uptime_s, rss_bytes and webhooks_* counters; more may be added.',
  }),
})
export type AdminStatsResponse = Static<typeof AdminStatsResponse>

/** `GET /openapi.json`: an OpenAPI 3.1 document. */
export const OpenApiDocument = Type.Object(
  { openapi: Type.String(), info: Type.Object({}, { additionalProperties: true }), paths: Type.Object({}, { additionalProperties: true }) },
  { additionalProperties: true },
)
