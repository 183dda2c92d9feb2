import type { EventType, MessageStatus, MessageSummary, ParticipantRole } from '@progressdb/protocol'

/**
 * What the store persists. These are storage records, not wire objects: the HTTP layer turns
 * them into the wire shapes of @progressdb/protocol (adding `key`, `unread_count`, ...).
 */
export interface ThreadRecord {
  id: string
  title: string | null
  metadata: Record<string, unknown>
  /** The owner's user id. */
  author: string
  /** Every user with access, the owner included (as `owner`). */
  participants: Record<string, ParticipantRole>
  created_ts: number
  updated_ts: number
  deleted: boolean
  deleted_ts: number | null
  /** Live (not deleted) messages. */
  message_count: number
  last_message: MessageSummary | null
  /** The `seq` the next message gets; starts at 1 and never goes back. */
  next_seq: number
  /** The newest change number in the thread's log; 0 before the first change. */
  last_change: number
}

export interface MessageRecord {
  id: string
  thread: string
  seq: number
  author: string
  role: string
  body: unknown
  reply_to: string | null
  metadata: Record<string, unknown>
  reactions: Record<string, string[]>
  version: number
  /** The user who made the current version (the author for version 1). */
  editor: string
  /**
   * The thread change number of the message's latest change (create, edit, append, finalize,
   * reaction, delete, restore): the log events about it up to this one are reflected here.
   */
  change: number
  status: MessageStatus
  ephemeral: boolean
  expires_ts: number | null
  created_ts: number
  updated_ts: number
  deleted: boolean
  deleted_ts: number | null
}

/** An earlier state of a message, archived when it is edited. */
export interface VersionRecord {
  version: number
  body: unknown
  metadata: Record<string, unknown>
  editor: string
  updated_ts: number
}

/**
 * One entry of a thread's change log. Entries carry ids, not copies of bodies: readers hydrate
 * them with the current state (see docs/api.md, "Events").
 */
export interface ChangeRecord {
  change: number
  type: EventType
  ts: number
  actor: string
  message_id?: string
  version?: number
  hard?: boolean
  emoji?: string
  user?: string
  role?: ParticipantRole
  /** message.appended: exactly what was appended (one of the three). */
  append?: { text?: string; delta?: Record<string, unknown>; body?: unknown }
}

export interface ReadMarkerRecord {
  user: string
  message_id: string
  seq: number
  ts: number
}
