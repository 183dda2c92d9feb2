import { Type, type Static } from '@sinclair/typebox'
import { Message, ParticipantRole, Thread } from './entities.js'

/** Every event type of the change log, a discriminated union on `type`. */
export const EVENT_TYPES = [
  'thread.created',
  'thread.updated',
  'thread.deleted',
  'message.created',
  'message.updated',
  'message.deleted',
  'message.appended',
  'message.finalized',
  'reaction.added',
  'reaction.removed',
  'participant.added',
  'participant.removed',
  'read.updated',
] as const
export type EventType = (typeof EVENT_TYPES)[number]

const envelope = {
  change: Type.Integer({ description: 'Per-thread change number, gap-free from 1.' }),
  thread_id: Type.String(),
  ts: Type.Integer(),
  actor: Type.String({ description: 'The user id that made the change.' }),
}

/**
 * Message and thread events carry the item's state as of when the log is read (a hard-deleted
 * message is carried as its id only). A message's `change` says which log events that state
 * already reflects: apply an event about a message only when its `change` is above the held
 * state's, and events in change order converge on the stored state.
 */
export const ChatEvent = Type.Union([
  Type.Object({ type: Type.Literal('thread.created'), ...envelope, thread: Type.Optional(Thread) }),
  Type.Object({ type: Type.Literal('thread.updated'), ...envelope, thread: Type.Optional(Thread) }),
  Type.Object({ type: Type.Literal('thread.deleted'), ...envelope, hard: Type.Boolean() }),
  Type.Object({
    type: Type.Literal('message.created'),
    ...envelope,
    message_id: Type.String(),
    message: Type.Optional(Message),
  }),
  Type.Object({
    type: Type.Literal('message.updated'),
    ...envelope,
    message_id: Type.String(),
    version: Type.Integer(),
    message: Type.Optional(Message),
  }),
  Type.Object({
    type: Type.Literal('message.deleted'),
    ...envelope,
    message_id: Type.String(),
    hard: Type.Boolean(),
  }),
  Type.Object(
    {
      type: Type.Literal('message.appended'),
      ...envelope,
      message_id: Type.String(),
      text: Type.Optional(Type.String()),
      delta: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
      body: Type.Optional(Type.Unknown()),
    },
    { description: 'Just what was appended (one of text, delta, body), not the whole message.' },
  ),
  Type.Object({
    type: Type.Literal('message.finalized'),
    ...envelope,
    message_id: Type.String(),
    message: Type.Optional(Message),
  }),
  Type.Object({
    type: Type.Literal('reaction.added'),
    ...envelope,
    message_id: Type.String(),
    emoji: Type.String(),
    user: Type.String(),
  }),
  Type.Object({
    type: Type.Literal('reaction.removed'),
    ...envelope,
    message_id: Type.String(),
    emoji: Type.String(),
    user: Type.String(),
  }),
  Type.Object({
    type: Type.Literal('participant.added'),
    ...envelope,
    user: Type.String(),
    role: ParticipantRole,
  }),
  Type.Object({ type: Type.Literal('participant.removed'), ...envelope, user: Type.String() }),
  Type.Object({
    type: Type.Literal('read.updated'),
    ...envelope,
    user: Type.String(),
    message_id: Type.String(),
  }),
])
export type ChatEvent = Static<typeof ChatEvent>
