import type { CreateThreadRequest, ParticipantRole, Thread, UpdateThreadRequest } from '@progressdb/protocol'
import { AppError } from '../app-error.js'
import type { ThreadRecord } from '../store/records.js'
import { assertCanRead, assertIsOwner, roleOf } from './access.js'
import type { Actor } from './actor.js'
import { assertMetadataSize, type ChatContext, type WriteOptions } from './chat-context.js'
import { withKey } from './own-keys.js'
import { recordChanges } from './thread-change.js'
import { unreadCountFor } from './read-markers.js'
import { toWireThread } from './wire.js'

export function newThreadRecord(
  id: string,
  owner: string,
  now: number,
  init: { title?: string | null; metadata?: Record<string, unknown>; participants?: Record<string, ParticipantRole> } = {},
): ThreadRecord {
  return {
    id,
    title: init.title ?? null,
    metadata: init.metadata ?? {},
    author: owner,
    participants: withKey<ParticipantRole>(init.participants ?? {}, owner, 'owner'),
    created_ts: now,
    updated_ts: now,
    deleted: false,
    deleted_ts: null,
    message_count: 0,
    last_message: null,
    next_seq: 1,
    last_change: 0,
  }
}

/** Characters as people count them (code points): an emoji is one, not two UTF-16 units. */
const characters = (text: string) => {
  let n = 0
  // Each UTF-16 unit that is not the second half of a surrogate pair starts a code point.
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i)
    if (unit < 0xdc00 || unit > 0xdfff) n++
  }
  return n
}

function assertTitle(ctx: ChatContext, title: string | null | undefined) {
  // The length in UTF-16 units bounds the count from above: most titles need no counting.
  if (typeof title === 'string' && title.length > ctx.limits.titleMaxLength && characters(title) > ctx.limits.titleMaxLength)
    throw new AppError('VALIDATION_FAILED', `title is longer than ${ctx.limits.titleMaxLength} characters.`, [
      { path: '/title', message: `must be at most ${ctx.limits.titleMaxLength} characters` },
    ])
}

/** Creates a thread; a repeated create of an id the caller can read returns it (created: false). */
export async function createThread(
  ctx: ChatContext,
  actor: Actor,
  input: CreateThreadRequest,
  options: WriteOptions,
): Promise<{ thread: Thread; created: boolean }> {
  assertMetadataSize(ctx, input.metadata)
  assertTitle(ctx, input.title)
  const id = input.id ?? ctx.newId()
  const now = ctx.clock.now()
  const result = await ctx.store.mutateThread(id, {}, (snap) => {
    if (snap.thread) {
      if (!actor.trusted && !roleOf(snap.thread, actor))
        throw new AppError('THREAD_ID_TAKEN', 'A thread with this id already exists.')
      if (snap.thread.deleted) throw new AppError('THREAD_DELETED', 'The thread is deleted; restore it first.')
      return { writes: {}, result: { record: snap.thread, created: false } }
    }
    const fresh = newThreadRecord(id, actor.userId, now, input)
    const { thread, events } = recordChanges(fresh, [{ type: 'thread.created' }], actor.userId, now)
    return { writes: { thread, events }, result: { record: thread, created: true } }
  }, options.durability)
  return { thread: toWireThread(result.record), created: result.created }
}

export async function getThread(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  options: { includeDeleted: boolean },
): Promise<Thread> {
  const record = await readableThread(ctx, actor, threadId, options)
  return toWireThread(record, await unreadCountFor(ctx, record, actor.userId))
}

/** The thread if it exists (and is live, unless asked) and the actor may read it. */
export async function readableThread(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  options: { includeDeleted: boolean } = { includeDeleted: false },
): Promise<ThreadRecord> {
  const record = await ctx.store.getThread(threadId)
  if (!record || (record.deleted && !options.includeDeleted))
    throw new AppError('THREAD_NOT_FOUND', 'Thread not found.')
  assertCanRead(record, actor)
  return record
}

export async function updateThread(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  input: UpdateThreadRequest,
  options: WriteOptions,
): Promise<Thread> {
  // As for a message edit: an update that names nothing to change is a mistake, not a change.
  if (input.title === undefined && input.metadata === undefined)
    throw new AppError('VALIDATION_FAILED', 'An update needs title or metadata.', [
      { path: '/title', message: 'title or metadata is required' },
    ])
  assertMetadataSize(ctx, input.metadata)
  assertTitle(ctx, input.title)
  const now = ctx.clock.now()
  const record = await ctx.store.mutateThread(threadId, {}, (snap) => {
    const current = liveThread(snap.thread)
    assertIsOwner(current, actor)
    const changed: ThreadRecord = {
      ...current,
      title: input.title === undefined ? current.title : input.title,
      metadata: input.metadata ?? current.metadata,
    }
    const { thread, events } = recordChanges(changed, [{ type: 'thread.updated' }], actor.userId, now)
    return { writes: { thread, events }, result: thread }
  }, options.durability)
  return toWireThread(record)
}

/** Soft delete (restorable) or, with `hard`, a purge of the thread and everything in it. */
export async function deleteThread(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  options: WriteOptions & { hard: boolean },
): Promise<Thread | null> {
  const now = ctx.clock.now()
  const record = await ctx.store.mutateThread(threadId, {}, (snap) => {
    if (!snap.thread) throw new AppError('THREAD_NOT_FOUND', 'Thread not found.')
    assertIsOwner(snap.thread, actor)
    if (options.hard) {
      // The log goes with the thread; the event rides along for decorators (webhooks) only.
      const { events } = recordChanges(snap.thread, [{ type: 'thread.deleted', hard: true }], actor.userId, now)
      return { writes: { purgeThread: true, purgedTs: now, events }, result: null }
    }
    if (snap.thread.deleted) return { writes: {}, result: snap.thread }
    const marked = { ...snap.thread, deleted: true, deleted_ts: now }
    const { thread, events } = recordChanges(marked, [{ type: 'thread.deleted', hard: false }], actor.userId, now)
    return { writes: { thread, events }, result: thread }
  }, options.durability)
  return record && toWireThread(record)
}

export async function restoreThread(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  options: WriteOptions,
): Promise<Thread> {
  const now = ctx.clock.now()
  const record = await ctx.store.mutateThread(threadId, {}, (snap) => {
    if (!snap.thread) throw new AppError('THREAD_NOT_FOUND', 'Thread not found.')
    assertIsOwner(snap.thread, actor)
    if (!snap.thread.deleted) throw new AppError('THREAD_NOT_DELETED', 'The thread is not deleted.')
    const restored = { ...snap.thread, deleted: false, deleted_ts: null }
    const { thread, events } = recordChanges(restored, [{ type: 'thread.updated' }], actor.userId, now)
    return { writes: { thread, events }, result: thread }
  }, options.durability)
  return toWireThread(record)
}

export function liveThread(thread: ThreadRecord | undefined): ThreadRecord {
  if (!thread) throw new AppError('THREAD_NOT_FOUND', 'Thread not found.')
  if (thread.deleted) throw new AppError('THREAD_DELETED', 'The thread is deleted; restore it first.')
  return thread
}
