import type { CreateMessageRequest, Message, MessageVersion, UpdateMessageRequest } from '@progressdb/protocol'
import { AppError } from '../app-error.js'
import type { MutationPlan } from '../store/chat-store.js'
import type { MessageRecord, ThreadRecord } from '../store/records.js'
import { assertCanChangeMessage, assertCanRead, assertCanWrite, requireMessage } from './access.js'
import type { Actor } from './actor.js'
import { assertMetadataSize, type ChatContext, type WriteOptions } from './chat-context.js'
import { messageChangePlan, newestLive, recordChanges, summaryOf, type EventDraft } from './thread-change.js'
import { liveThread, newThreadRecord, readableThread } from './threads.js'
import { currentVersionOf, toWireJson, toWireMessage, toWireVersion } from './wire.js'

/** The lifetime of an ephemeral create, checked: `ephemeral` and `ttl_ms` go together. */
function ephemeralTtl(ctx: ChatContext, input: CreateMessageRequest): number | undefined {
  if (!input.ephemeral) {
    if (input.ttl_ms !== undefined)
      throw new AppError('VALIDATION_FAILED', 'ttl_ms applies to ephemeral messages only.', [
        { path: '/ttl_ms', message: 'needs ephemeral: true' },
      ])
    return undefined
  }
  if (input.ttl_ms === undefined || input.ttl_ms > ctx.limits.ephemeralTtlMaxMs)
    throw new AppError('VALIDATION_FAILED', `An ephemeral message needs ttl_ms (1 to ${ctx.limits.ephemeralTtlMaxMs}).`, [
      { path: '/ttl_ms', message: `must be an integer from 1 to ${ctx.limits.ephemeralTtlMaxMs}` },
    ])
  return input.ttl_ms
}

/**
 * Creates a message, creating the thread (owned by the actor) if it does not exist. A create
 * whose id already exists in the thread returns the stored message (created: false).
 */
export async function createMessage(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  input: CreateMessageRequest,
  options: WriteOptions,
): Promise<{ created: boolean; json: Buffer }> {
  assertMetadataSize(ctx, input.metadata)
  const ttlMs = ephemeralTtl(ctx, input)
  const id = input.id ?? ctx.newId()
  const replyTo = input.reply_to ?? null
  const now = ctx.clock.now()
  // A server-generated id is new by construction: only a client id needs the idempotency lookup.
  const lookups = input.id === undefined ? [] : [id]
  const needs = { messageIds: replyTo ? [...lookups, replyTo] : lookups }
  const result = await ctx.store.mutateThread(threadId, needs, (snap) => {
    const existingThread = snap.thread
    if (existingThread) assertCanWrite(liveThread(existingThread), actor)
    const existing = snap.messages.get(id)
    if (existing) return { writes: {}, result: { record: existing, created: false } }
    // A replay of a create whose message was purged since: making it again would bring back
    // what was deleted for good, at a new position (moving every cursor that names it).
    if (snap.purgedIds.has(id))
      throw new AppError('MESSAGE_ID_PURGED', 'A message with this id was hard-deleted from this thread; ids are not reused.')
    if (replyTo && !snap.messages.has(replyTo))
      throw new AppError('INVALID_REPLY_TO', 'reply_to names no message in this thread.', [
        { path: '/reply_to', message: 'no such message in this thread' },
      ])
    const base = existingThread ?? newThreadRecord(threadId, actor.userId, now)
    const message: MessageRecord = {
      id,
      thread: threadId,
      seq: base.next_seq,
      author: actor.userId,
      role: input.role ?? 'user',
      body: input.body,
      reply_to: replyTo,
      metadata: input.metadata ?? {},
      reactions: {},
      version: 1,
      editor: actor.userId,
      change: 0,
      status: input.status ?? 'final',
      ephemeral: ttlMs !== undefined,
      expires_ts: ttlMs === undefined ? null : now + ttlMs,
      created_ts: now,
      updated_ts: now,
      deleted: false,
      deleted_ts: null,
    }
    // Ephemeral messages (tool progress...) stay out of the thread's count and preview.
    const grown = message.ephemeral
      ? { ...base, next_seq: base.next_seq + 1 }
      : { ...base, next_seq: base.next_seq + 1, message_count: base.message_count + 1, last_message: summaryOf(message) }
    const drafts: EventDraft[] = existingThread ? [] : [{ type: 'thread.created' }]
    drafts.push({ type: 'message.created', message_id: id })
    const plan = messageChangePlan(grown, message, drafts, actor.userId, now)
    return { writes: plan.writes, result: { record: plan.result, created: true } }
  }, options.durability)
  // The message as wire JSON: a new message's is the bytes just stored (no second serialisation).
  return { created: result.created, json: toWireJson(result.record) }
}

export async function getMessage(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  messageId: string,
  options: { includeDeleted: boolean },
): Promise<Message> {
  await readableThread(ctx, actor, threadId)
  const record = await ctx.store.getMessage(threadId, messageId)
  if (!record || (record.deleted && !options.includeDeleted))
    throw new AppError('MESSAGE_NOT_FOUND', 'Message not found.')
  return toWireMessage(record)
}

/** Every version, the original included, oldest first; the last one is the current state. */
export async function listVersions(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  messageId: string,
  options: { includeDeleted: boolean } = { includeDeleted: false },
): Promise<MessageVersion[]> {
  await readableThread(ctx, actor, threadId)
  const record = await ctx.store.getMessage(threadId, messageId)
  // Hidden like the message itself: a soft-deleted message's history only on request.
  if (!record || (record.deleted && !options.includeDeleted))
    throw new AppError('MESSAGE_NOT_FOUND', 'Message not found.')
  const archived = await ctx.store.listVersions(threadId, messageId)
  return [...archived.map(toWireVersion), currentVersionOf(record)]
}

/** An edit: archives the current state and records the next version. */
export async function updateMessage(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  messageId: string,
  input: UpdateMessageRequest,
  options: WriteOptions,
): Promise<Buffer> {
  if (input.body === undefined && input.metadata === undefined)
    throw new AppError('VALIDATION_FAILED', 'An edit needs body or metadata.', [
      { path: '/body', message: 'body or metadata is required' },
    ])
  assertMetadataSize(ctx, input.metadata)
  const now = ctx.clock.now()
  const record = await ctx.store.mutateThread(threadId, { messageIds: [messageId] }, (snap) => {
    const current = liveThread(snap.thread)
    assertCanRead(current, actor)
    const message = requireMessage(snap.messages.get(messageId))
    assertCanChangeMessage(current, message, actor)
    if (message.deleted) throw new AppError('MESSAGE_DELETED', 'The message is deleted; restore it first.')
    if (input.if_version !== undefined && input.if_version !== message.version)
      throw new AppError(
        'VERSION_CONFLICT',
        `if_version is ${input.if_version} but the message is at version ${message.version}.`,
      )
    return nextVersion(current, message, input, 'message.updated', actor, now)
  }, options.durability)
  return toWireJson(record)
}

/**
 * The plan of a change that makes a new version (an edit, a stream's finalize): the current
 * state is archived, the message moves to version + 1, and one change is logged.
 */
export function nextVersion(
  thread: ThreadRecord,
  message: MessageRecord,
  change: { body?: unknown; metadata?: Record<string, unknown>; status?: MessageRecord['status'] },
  type: 'message.updated' | 'message.finalized',
  actor: Actor,
  now: number,
): MutationPlan<MessageRecord> {
  const next: MessageRecord = {
    ...message,
    status: change.status ?? message.status,
    body: change.body === undefined ? message.body : change.body,
    metadata: change.metadata ?? message.metadata,
    version: message.version + 1,
    editor: actor.userId,
    updated_ts: Math.max(now, message.updated_ts),
  }
  const archiveVersions = [{ messageId: message.id, version: currentVersionOf(message) }]
  return messageChangePlan(thread, next, [{ type, message_id: message.id, version: next.version }], actor.userId, now, archiveVersions)
}

/** Soft delete (hidden, restorable) or, with `hard`, removal with every version. */
export async function deleteMessage(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  messageId: string,
  options: WriteOptions & { hard: boolean },
): Promise<Buffer | null> {
  const now = ctx.clock.now()
  const record = await ctx.store.mutateThread(threadId, { messageIds: [messageId], liveTail: 2 }, (snap) => {
    const current = liveThread(snap.thread)
    assertCanRead(current, actor)
    const message = requireMessage(snap.messages.get(messageId))
    assertCanChangeMessage(current, message, actor)
    if (message.deleted && !options.hard) return { writes: {}, result: message }
    const wasLive = !message.deleted && !message.ephemeral
    const shrunk = {
      ...current,
      message_count: current.message_count - (wasLive ? 1 : 0),
      last_message: wasLive ? newestLive(snap.liveTail, { removed: message }) : current.last_message,
    }
    const drafts = [{ type: 'message.deleted' as const, message_id: messageId, hard: options.hard }]
    if (options.hard) {
      const { thread, events } = recordChanges(shrunk, drafts, actor.userId, now)
      return { writes: { thread, events, purgeMessages: [message] }, result: null }
    }
    // `updated_ts` is when the content last changed (the current version's time): a delete
    // leaves it, or the edit history would show the delete as the version's time.
    const deleted = { ...message, deleted: true, deleted_ts: now }
    return messageChangePlan(shrunk, deleted, drafts, actor.userId, now)
  }, options.durability)
  return record && toWireJson(record)
}

export async function restoreMessage(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  messageId: string,
  options: WriteOptions,
): Promise<Buffer> {
  const now = ctx.clock.now()
  const record = await ctx.store.mutateThread(threadId, { messageIds: [messageId], liveTail: 1 }, (snap) => {
    const current = liveThread(snap.thread)
    assertCanRead(current, actor)
    const message = requireMessage(snap.messages.get(messageId))
    assertCanChangeMessage(current, message, actor)
    if (!message.deleted) throw new AppError('MESSAGE_NOT_DELETED', 'The message is not deleted.')
    const restored = { ...message, deleted: false, deleted_ts: null }
    const grown = restored.ephemeral
      ? current
      : {
          ...current,
          message_count: current.message_count + 1,
          last_message: newestLive(snap.liveTail, { added: restored }),
        }
    const drafts = [{ type: 'message.updated' as const, message_id: messageId, version: restored.version }]
    return messageChangePlan(grown, restored, drafts, actor.userId, now)
  }, options.durability)
  return toWireJson(record)
}
