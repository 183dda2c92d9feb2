import type { Message, MessageVersion, Thread } from '@progressdb/protocol'
import type { MessageRecord, ThreadRecord, VersionRecord } from '../store/records.js'

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

export function toWireMessage(record: MessageRecord): Message {
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
    status: record.status,
    ephemeral: record.ephemeral,
    expires_ts: record.expires_ts,
    created_ts: record.created_ts,
    updated_ts: record.updated_ts,
    deleted: record.deleted,
    deleted_ts: record.deleted_ts,
  }
}

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
