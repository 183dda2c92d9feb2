import type { MessageJson } from './message-json.js'
import type { ChangeRecord, MessageRecord, ReadMarkerRecord, ThreadRecord, VersionRecord } from './records.js'
import type { DeliveryRecord, WebhookStore } from './webhook-store.js'

export type Durability = 'fast' | 'safe'

/** What a mutation needs to read, declared up front so every backend can load it in-transaction. */
export interface MutationNeeds {
  /** Messages to load by id (soft-deleted ones included; hard-deleted ones are absent). */
  messageIds?: readonly string[]
  /** Users whose read markers to load. */
  readers?: readonly string[]
  /** Load up to this many of the newest live (not deleted) messages, newest first. */
  liveTail?: number
}

/** A consistent view of one thread inside a write transaction. */
export interface ThreadSnapshot {
  thread: ThreadRecord | undefined
  messages: ReadonlyMap<string, MessageRecord>
  readMarkers: ReadonlyMap<string, ReadMarkerRecord>
  /** The newest live messages, newest first (as many as `needs.liveTail` asked for). */
  liveTail: readonly MessageRecord[]
  /**
   * Of the ids in `needs.messageIds`, those of messages hard-deleted from this thread: an id is
   * never given to another message, so a create naming one is refused, not made again.
   */
  purgedIds: ReadonlySet<string>
}

/**
 * The writes of one mutation. The store applies all of them in one transaction, keeping its
 * own indexes (message id → seq, live messages, each user's thread list) in step.
 *
 * Invariants a backend enforces (a plan that breaks one is a bug; the mutation is aborted):
 * - `thread.last_change` equals the snapshot's `last_change` plus the number of `events`, and
 *   the events are numbered consecutively from the snapshot's `last_change + 1`;
 * - `thread.next_seq` never goes back, and every put message has `seq < thread.next_seq`.
 */
export interface ThreadWrites {
  /** The thread's new state. Required whenever anything else is written, except a purge. */
  thread?: ThreadRecord
  /**
   * Remove the thread and everything in it (messages, versions, log, markers, every index,
   * the id index included). Sent alone: other writes in the same plan are ignored, except
   * `outbox`; its `events` (the `thread.deleted` entry) are for decorators and not stored.
   */
  purgeThread?: boolean
  /** When the purge happened (the removal time in ex-participants' user feeds); default `updated_ts`. */
  purgedTs?: number
  /** Messages to insert or replace (keyed by thread + seq; the id index follows). */
  putMessages?: readonly MessageRecord[]
  /** Earlier states to archive; the message's current state lives in the message itself. */
  archiveVersions?: readonly { messageId: string; version: VersionRecord }[]
  /** Messages to remove for good, with their versions. Their id stays reserved as a cursor. */
  purgeMessages?: readonly MessageRecord[]
  /** Log entries, numbered by the caller from `thread.last_change` in the snapshot + 1. */
  events?: readonly ChangeRecord[]
  putReadMarkers?: readonly ReadMarkerRecord[]
  /** Webhook deliveries of this change (added by the webhook decorator, never by chat/). */
  outbox?: readonly DeliveryRecord[]
}

/** A plan that writes nothing (an idempotent repeat, a no-op) leaves `writes` empty. */
export interface MutationPlan<T> {
  writes: ThreadWrites
  result: T
}

export type Direction = 'older' | 'newer'

export interface MessageRangeQuery {
  /**
   * Exclusive bound: `older` returns seqs below it, `newer` seqs above it. Absent: from the
   * newest end (`older`) or the oldest end (`newer`).
   */
  fromSeq?: number
  direction: Direction
  limit: number
  includeDeleted: boolean
  /** Ephemeral messages are returned unless this is false. */
  includeEphemeral?: boolean
}

export type ThreadSort = 'created_ts' | 'updated_ts'

/** A position in a user's thread list: the sort value and the thread id that breaks ties. */
export interface ThreadPosition {
  ts: number
  id: string
}

export interface ThreadRangeQuery {
  sortBy: ThreadSort
  /** Exclusive bound. `older` walks toward smaller sort values, `newer` toward larger. */
  from?: ThreadPosition
  direction: Direction
  limit: number
  includeDeleted: boolean
  /** Case-insensitive substring the title must contain. */
  titleContains?: string
}

export interface StoreStats {
  threads: number
  messages: number
  versions: number
  events: number
  bytes_on_disk: number
}

/**
 * The storage seam. Every backend (LMDB today, PostgreSQL later) implements exactly this and
 * passes `runChatStoreContract`. No backend types leak through it.
 *
 * Writes go through `mutateThread`: the store loads a snapshot inside a write transaction,
 * calls `decide` (pure, synchronous, from chat/), and applies the plan it returns in the same
 * transaction. If `decide` throws, nothing is written and the error is rethrown unchanged.
 * Mutations of one thread are serialised, so `decide` always sees the latest committed state.
 */
export interface ChatStore {
  mutateThread<T>(
    threadId: string,
    needs: MutationNeeds,
    decide: (snapshot: ThreadSnapshot) => MutationPlan<T>,
    durability: Durability,
  ): Promise<T>

  getThread(threadId: string): Promise<ThreadRecord | undefined>
  getThreads(threadIds: readonly string[]): Promise<(ThreadRecord | undefined)[]>
  getMessage(threadId: string, messageId: string): Promise<MessageRecord | undefined>
  /** The seq a message id has or had (hard-deleted ids keep theirs), for cursors. */
  resolveSeq(threadId: string, messageId: string): Promise<number | undefined>
  /** Messages in seq order (ascending for `newer`, descending for `older`). */
  listMessages(threadId: string, query: MessageRangeQuery): Promise<MessageRecord[]>
  /** The same messages as `listMessages`, as their stored wire JSON (for pages sent unparsed). */
  listMessageJson(threadId: string, query: MessageRangeQuery): Promise<MessageJson[]>
  /** Archived versions, oldest first (the current version is the message itself). */
  listVersions(threadId: string, messageId: string): Promise<VersionRecord[]>
  /** Log entries with `change > since`, ascending, at most `limit`. */
  listChanges(threadId: string, since: number, limit: number): Promise<ChangeRecord[]>
  /** Threads the user owns or participates in, ordered by the sort key (newest first for `older`). */
  listThreadsForUser(userId: string, query: ThreadRangeQuery): Promise<ThreadRecord[]>
  /**
   * The user feed, oldest first after `from` (exclusive): threads that changed for the user
   * without moving in their `updated_ts` list, i.e. the user left the thread's participants, the
   * thread was purged, or the user's read marker moved. One entry per (user, thread), at the
   * time of the latest such change: the thread's `updated_ts` after a removal, `purgedTs` for a
   * purge, the marker's `ts` for a read. Thread-list subscriptions resume from it.
   */
  listUserFeed(userId: string, from: ThreadPosition, limit: number): Promise<ThreadPosition[]>
  getReadMarker(threadId: string, userId: string): Promise<ReadMarkerRecord | undefined>
  /** Ephemeral messages whose `expires_ts` is at or before `now`, oldest first (for the sweeper). */
  listExpiredMessages(now: number, limit: number): Promise<{ threadId: string; messageId: string }[]>
  /** Messages whose status is `streaming`, across all threads (for the idle-stream sweeper). */
  listStreamingMessages(limit: number): Promise<{ threadId: string; messageId: string }[]>
  /** Live messages with seq > afterSeq not written by `userId`, counted up to `cap`. */
  countUnread(threadId: string, afterSeq: number, userId: string, cap: number): Promise<number>
  stats(): Promise<StoreStats>
  /** Webhook endpoints and deliveries, in the same store (and transactions) as the chat data. */
  readonly webhooks: WebhookStore
  /** Resolves once everything committed so far is flushed to disk. */
  flush(): Promise<void>
  close(): Promise<void>
}
