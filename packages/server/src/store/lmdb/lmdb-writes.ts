import assert from 'node:assert/strict'
import type { ThreadSnapshot, ThreadWrites } from '../chat-store.js'
import { decodeMessage, encodeMessage } from '../message-json.js'
import type { RecordCodec } from '../record-codec.js'
import type { ThreadRecord } from '../records.js'
import { KEY_MAX, SEQ_MAX, type LmdbTables } from './lmdb-layout.js'
import { writeOutbox } from './lmdb-webhooks.js'
import { recordUserFeed } from './lmdb-user-feed.js'

const jsonBytes = (value: unknown) => Buffer.from(JSON.stringify(value))

/**
 * Applies one mutation's writes inside the current LMDB write transaction, keeping the id,
 * live-message and per-user thread-list indexes in step. Throws (aborting the child
 * transaction) when the plan breaks an invariant of the log or the sequence.
 */
export function applyThreadWrites(
  tables: LmdbTables,
  codec: RecordCodec,
  threadId: string,
  snapshot: ThreadSnapshot,
  writes: ThreadWrites,
): void {
  if (isEmpty(writes)) return
  if (writes.outbox) writeOutbox(tables, writes.outbox)
  recordUserFeed(tables, threadId, snapshot, writes)
  if (writes.purgeThread) {
    purgeThread(tables, codec, threadId, snapshot.thread)
    return
  }
  const thread = writes.thread
  assert.ok(thread, 'a mutation that writes must carry the thread state')
  assert.equal(thread.id, threadId, 'thread record id must match the mutated thread')
  checkEvents(snapshot.thread, thread, writes)

  // A message at a seq the thread had not reached is new: no index holds it yet, so there is
  // nothing of it to remove (saves two journaled removals on every create).
  const firstNewSeq = snapshot.thread?.next_seq ?? 1
  for (const message of writes.putMessages ?? []) {
    assert.ok(message.seq >= 1 && message.seq < thread.next_seq, 'message seq out of range')
    const existed = message.seq < firstNewSeq
    tables.messages.putSync([threadId, message.seq], encodeMessage(codec, threadId, message))
    tables.messageIds.putSync([threadId, message.id], message.seq)
    if (!message.deleted && !message.ephemeral) tables.live.putSync([threadId, message.seq], message.author)
    else if (existed) tables.live.removeSync([threadId, message.seq])
    if (message.ephemeral && message.expires_ts !== null)
      tables.expiry.putSync([message.expires_ts, threadId, message.id], 1)
    if (message.status === 'streaming' && !message.deleted) tables.streaming.putSync([threadId, message.id], 1)
    else if (existed) tables.streaming.removeSync([threadId, message.id])
  }
  for (const { messageId, version } of writes.archiveVersions ?? []) {
    tables.versions.putSync([threadId, messageId, version.version], codec.encode(threadId, version))
  }
  for (const message of writes.purgeMessages ?? []) {
    tables.messages.removeSync([threadId, message.seq])
    tables.live.removeSync([threadId, message.seq])
    tables.messageIds.putSync([threadId, message.id], -message.seq)
    tables.streaming.removeSync([threadId, message.id])
    if (message.expires_ts !== null) tables.expiry.removeSync([message.expires_ts, threadId, message.id])
    removeRange(tables.versions, [threadId, message.id, 0], [threadId, message.id, SEQ_MAX])
  }
  for (const event of writes.events ?? []) {
    tables.changes.putSync([threadId, event.change], jsonBytes(event))
  }
  for (const marker of writes.putReadMarkers ?? []) {
    tables.markers.putSync([threadId, marker.user], jsonBytes(marker))
  }
  tables.threads.putSync(threadId, codec.encode(threadId, thread))
  updateUserIndex(tables, snapshot.thread, thread)
}

function isEmpty(writes: ThreadWrites): boolean {
  return Object.values(writes).every((v) => v === undefined || v === false || (Array.isArray(v) && v.length === 0))
}

function checkEvents(before: ThreadRecord | undefined, after: ThreadRecord, writes: ThreadWrites) {
  const events = writes.events ?? []
  const first = (before?.last_change ?? 0) + 1
  events.forEach((event, i) => assert.equal(event.change, first + i, 'change numbers must be gap-free'))
  assert.equal(after.last_change, first + events.length - 1, 'thread.last_change must match the log')
  assert.ok(after.next_seq >= (before?.next_seq ?? 1), 'next_seq never goes back')
}

function userKey(user: string, sort: 'c' | 'u', ts: number, threadId: string) {
  return [user, sort, ts, threadId]
}

function updateUserIndex(tables: LmdbTables, before: ThreadRecord | undefined, after: ThreadRecord) {
  const index = tables.userThreads
  for (const user of Object.keys(before?.participants ?? {})) {
    if (!before) break
    const stays = Object.hasOwn(after.participants, user)
    if (!stays || before.created_ts !== after.created_ts)
      index.removeSync(userKey(user, 'c', before.created_ts, after.id))
    if (!stays || before.updated_ts !== after.updated_ts)
      index.removeSync(userKey(user, 'u', before.updated_ts, after.id))
  }
  for (const user of Object.keys(after.participants)) {
    const had = before !== undefined && Object.hasOwn(before.participants, user)
    if (!had || before?.created_ts !== after.created_ts)
      index.putSync(userKey(user, 'c', after.created_ts, after.id), 1)
    if (!had || before?.updated_ts !== after.updated_ts)
      index.putSync(userKey(user, 'u', after.updated_ts, after.id), 1)
  }
}

function purgeThread(tables: LmdbTables, codec: RecordCodec, threadId: string, thread: ThreadRecord | undefined) {
  if (!thread) return
  // The expiry index is keyed by time, not thread: find this thread's entries through its messages.
  const messages = tables.messages.getRange({ start: [threadId, 0], end: [threadId, SEQ_MAX] })
  for (const { value } of messages) {
    const message = decodeMessage(codec, threadId, value)
    if (message.expires_ts !== null) tables.expiry.removeSync([message.expires_ts, threadId, message.id])
  }
  for (const user of Object.keys(thread.participants)) {
    tables.userThreads.removeSync(userKey(user, 'c', thread.created_ts, threadId))
    tables.userThreads.removeSync(userKey(user, 'u', thread.updated_ts, threadId))
  }
  const all = { start: [threadId], end: [threadId, KEY_MAX] }
  for (const db of [
    tables.messages,
    tables.messageIds,
    tables.live,
    tables.versions,
    tables.changes,
    tables.markers,
    tables.streaming,
  ] as const) {
    removeRange(db, all.start, all.end)
  }
  tables.threads.removeSync(threadId)
}

interface RangeRemovable {
  getKeys(options: { start: unknown; end: unknown }): Iterable<unknown>
  removeSync(key: never): boolean
}

function removeRange(db: unknown, start: unknown[], end: unknown[]) {
  const target = db as RangeRemovable
  // Collect first: removing while a cursor walks the same range is not safe.
  const keys = [...target.getKeys({ start, end })]
  for (const key of keys) target.removeSync(key as never)
}
