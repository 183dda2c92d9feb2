import type { ChatEvent, EventType, MessageVersion, Thread } from '@progressdb/protocol'
import { toWireJson, toWireMessage } from '../store/message-json.js'
import type { ChangeRecord, MessageRecord, ThreadRecord, VersionRecord } from '../store/records.js'

/** Stored records → the wire shapes of @progressdb/protocol. */

export function toWireThread(record: ThreadRecord, unreadCount?: number): Thread {
  const thread: Thread = {
    id: record.id,
    key: record.id,
    title: record.title,
    metadata: record.metadata,
    author: record.author,
    participants: record.participants,
    created_ts: record.created_ts,
    updated_ts: record.updated_ts,
    last_message: record.last_message,
    message_count: record.message_count,
    last_change: record.last_change,
    deleted: record.deleted,
    deleted_ts: record.deleted_ts,
  }
  if (unreadCount !== undefined) thread.unread_count = unreadCount
  return thread
}

export { toWireJson, toWireMessage }

export function toWireVersion(record: VersionRecord): MessageVersion {
  return { ...record }
}

/** The current state of a message as the newest entry of its version history. */
export function currentVersionOf(message: MessageRecord): MessageVersion {
  return {
    version: message.version,
    body: message.body,
    metadata: message.metadata,
    editor: message.editor,
    updated_ts: message.updated_ts,
  }
}

/** Message events that carry the message's state (the others carry ids and what changed). */
export function eventCarriesMessage(type: EventType): boolean {
  return type === 'message.created' || type === 'message.updated' || type === 'message.finalized'
}

/**
 * A change-log entry as a wire event. `thread` and `message` are the states to carry: the
 * change feed passes the current ones, the webhook outbox those of the committing mutation.
 * A message event without `message` (the message was hard-deleted since) carries its id only.
 */
export function toWireEvent(thread: ThreadRecord, record: ChangeRecord, message: MessageRecord | undefined): ChatEvent {
  const envelope = { change: record.change, thread_id: thread.id, ts: record.ts, actor: record.actor }
  const messageId = record.message_id ?? ''
  const carried = message ? { message: toWireMessage(message) } : {}
  switch (record.type) {
    case 'thread.created':
    case 'thread.updated':
      return { type: record.type, ...envelope, thread: toWireThread(thread) }
    case 'thread.deleted':
      return { type: record.type, ...envelope, hard: record.hard ?? false }
    case 'message.created':
    case 'message.finalized':
      return { type: record.type, ...envelope, message_id: messageId, ...carried }
    case 'message.appended':
      return { type: record.type, ...envelope, message_id: messageId, ...record.append }
    case 'message.updated':
      return { type: record.type, ...envelope, message_id: messageId, version: record.version ?? 1, ...carried }
    case 'message.deleted':
      return { type: record.type, ...envelope, message_id: messageId, hard: record.hard ?? false }
    case 'reaction.added':
    case 'reaction.removed':
      return { type: record.type, ...envelope, message_id: messageId, emoji: record.emoji ?? '', user: record.user ?? '' }
    case 'participant.added':
      return { type: record.type, ...envelope, user: record.user ?? '', role: record.role ?? 'member' }
    case 'participant.removed':
      return { type: record.type, ...envelope, user: record.user ?? '' }
    case 'read.updated':
      return { type: record.type, ...envelope, user: record.user ?? '', message_id: messageId }
  }
}
