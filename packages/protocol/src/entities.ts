import { Type, type Static } from '@sinclair/typebox'

/** The JSON object type used for `metadata`. */
export const JsonObject = Type.Record(Type.String(), Type.Unknown())

export const ParticipantRole = Type.Union([
  Type.Literal('owner'),
  Type.Literal('member'),
  Type.Literal('viewer'),
])
export type ParticipantRole = Static<typeof ParticipantRole>

export const MessageStatus = Type.Union([
  Type.Literal('final'),
  Type.Literal('streaming'),
  Type.Literal('aborted'),
])
export type MessageStatus = Static<typeof MessageStatus>

export const MessageSummary = Type.Object({
  id: Type.String(),
  author: Type.String(),
  role: Type.String(),
  created_ts: Type.Integer(),
})
export type MessageSummary = Static<typeof MessageSummary>

export const Thread = Type.Object({
  id: Type.String(),
  key: Type.String({ description: 'Equal to `id` (ProgressDB 0.2 compatibility).' }),
  title: Type.Union([Type.String(), Type.Null()]),
  metadata: JsonObject,
  author: Type.String({ description: "The owner's user id." }),
  participants: Type.Record(Type.String(), ParticipantRole),
  created_ts: Type.Integer(),
  updated_ts: Type.Integer({ description: 'Moves on every change inside the thread.' }),
  last_message: Type.Union([MessageSummary, Type.Null()]),
  message_count: Type.Integer({ description: 'Live (not deleted) messages.' }),
  last_change: Type.Integer({ description: 'The newest change number in the thread log.' }),
  deleted: Type.Boolean(),
  deleted_ts: Type.Union([Type.Integer(), Type.Null()]),
  unread_count: Type.Optional(
    Type.Integer({ description: "Messages by others after the caller's read marker." }),
  ),
})
export type Thread = Static<typeof Thread>

export const Message = Type.Object({
  id: Type.String(),
  key: Type.String({ description: 'Equal to `id` (ProgressDB 0.2 compatibility).' }),
  thread: Type.String(),
  seq: Type.Integer({ description: 'Position in the thread, 1-based, never reused.' }),
  author: Type.String(),
  role: Type.String(),
  body: Type.Unknown(),
  reply_to: Type.Union([Type.String(), Type.Null()]),
  metadata: JsonObject,
  reactions: Type.Record(Type.String(), Type.Array(Type.String())),
  version: Type.Integer(),
  editor: Type.String({ description: 'The user who made the current version (the author for version 1).' }),
  change: Type.Integer({
    description:
      'The thread change number of the latest change to this message. Log events about it numbered up to this are already reflected in this state (apply only later ones).',
  }),
  status: MessageStatus,
  ephemeral: Type.Boolean(),
  expires_ts: Type.Union([Type.Integer(), Type.Null()]),
  created_ts: Type.Integer(),
  updated_ts: Type.Integer(),
  deleted: Type.Boolean(),
  deleted_ts: Type.Union([Type.Integer(), Type.Null()]),
})
export type Message = Static<typeof Message>

export const MessageVersion = Type.Object({
  version: Type.Integer(),
  body: Type.Unknown(),
  metadata: JsonObject,
  editor: Type.String(),
  updated_ts: Type.Integer(),
})
export type MessageVersion = Static<typeof MessageVersion>

export const Participant = Type.Object({ user_id: Type.String(), role: ParticipantRole })
export type Participant = Static<typeof Participant>

export const Pagination = Type.Object({
  before_anchor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `before` to get the page of older items.',
  }),
  after_anchor: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `after` to get the page of newer items.',
  }),
  has_before: Type.Boolean(),
  has_after: Type.Boolean(),
  count: Type.Integer(),
})
export type Pagination = Static<typeof Pagination>
