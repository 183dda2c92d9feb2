import { Type, type Static } from '@sinclair/typebox'
import { ID_PATTERN, USER_ID_PATTERN } from './ids.js'
import { JsonObject, ParticipantRole } from './entities.js'

const Id = Type.String({ pattern: ID_PATTERN })
const UserId = Type.String({ pattern: USER_ID_PATTERN })
const strict = { additionalProperties: false } as const

export const CreateThreadRequest = Type.Object(
  {
    id: Type.Optional(Id),
    title: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    metadata: Type.Optional(JsonObject),
    participants: Type.Optional(Type.Record(UserId, ParticipantRole, strict)),
  },
  strict,
)
export type CreateThreadRequest = Static<typeof CreateThreadRequest>

export const UpdateThreadRequest = Type.Object(
  {
    title: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    metadata: Type.Optional(JsonObject),
  },
  strict,
)
export type UpdateThreadRequest = Static<typeof UpdateThreadRequest>

/** `role` is free-form (user, assistant, system, tool or any short custom string). */
export const CreateMessageRequest = Type.Object(
  {
    id: Type.Optional(Id),
    body: Type.Unknown({ description: 'Any JSON value.' }),
    role: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    reply_to: Type.Optional(Type.Union([Id, Type.Null()])),
    metadata: Type.Optional(JsonObject),
    status: Type.Optional(
      Type.Union([Type.Literal('final'), Type.Literal('streaming')], {
        description: '`streaming` opens a message that `append` grows and `finalize` closes.',
      }),
    ),
    ephemeral: Type.Optional(
      Type.Boolean({ description: 'Transient (tool progress...): needs `ttl_ms`; removed at expiry.' }),
    ),
    ttl_ms: Type.Optional(Type.Integer({ minimum: 1, description: 'Lifetime of an ephemeral message.' })),
  },
  { ...strict, required: ['body'] },
)
export type CreateMessageRequest = Static<typeof CreateMessageRequest>

export const UpdateMessageRequest = Type.Object(
  {
    body: Type.Optional(Type.Unknown()),
    metadata: Type.Optional(JsonObject),
    if_version: Type.Optional(Type.Integer({ minimum: 1 })),
  },
  strict,
)
export type UpdateMessageRequest = Static<typeof UpdateMessageRequest>

/** Exactly one of: `text` (appended to the body's text), `delta` (merged), `body` (replaces). */
export const AppendRequest = Type.Object(
  {
    text: Type.Optional(Type.String({ maxLength: 1_000_000 })),
    delta: Type.Optional(JsonObject),
    body: Type.Optional(Type.Unknown()),
  },
  strict,
)
export type AppendRequest = Static<typeof AppendRequest>

export const FinalizeRequest = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('final'), Type.Literal('aborted')])),
    body: Type.Optional(Type.Unknown()),
    metadata: Type.Optional(JsonObject),
  },
  strict,
)
export type FinalizeRequest = Static<typeof FinalizeRequest>

export const ReactionRequest = Type.Object(
  { emoji: Type.String({ minLength: 1, maxLength: 64 }) },
  strict,
)
export type ReactionRequest = Static<typeof ReactionRequest>

export const AddParticipantRequest = Type.Object(
  { user_id: UserId, role: Type.Optional(ParticipantRole) },
  strict,
)
export type AddParticipantRequest = Static<typeof AddParticipantRequest>

export const RemoveParticipantRequest = Type.Object({ user_id: UserId }, strict)
export type RemoveParticipantRequest = Static<typeof RemoveParticipantRequest>

export const ReadMarkerRequest = Type.Object({ message_id: Id }, strict)
export type ReadMarkerRequest = Static<typeof ReadMarkerRequest>

export const SignRequest = Type.Object(
  {
    userId: UserId,
    expires_in_s: Type.Optional(Type.Integer({ minimum: 1, maximum: 31_536_000 })),
  },
  strict,
)
export type SignRequest = Static<typeof SignRequest>
