import type { AppendRequest, FinalizeRequest } from '@progressdb/protocol'
import { AppError } from '../app-error.js'
import type { ThreadSnapshot } from '../store/chat-store.js'
import { assertCanChangeMessage, assertCanRead, requireMessage } from './access.js'
import type { Actor } from './actor.js'
import { assertGrownBodySize, assertMetadataSize, type ChatContext, type WriteOptions } from './chat-context.js'
import { withKey } from './own-keys.js'
import { messageChangePlan } from './thread-change.js'
import { deleteMessage, nextVersion } from './messages.js'
import { liveThread } from './threads.js'
import { toWireJson } from './wire.js'

/** The actor recorded when the server itself aborts an idle stream. */
export const SYSTEM_ACTOR: Actor = { userId: 'progressdb:system', trusted: true }

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** The body after an append: text joins the text, a delta merges (strings concatenate), a body replaces. */
function appended(body: unknown, append: AppendRequest): unknown {
  if (append.body !== undefined) return append.body
  if (append.text !== undefined) {
    if (body === null || body === undefined || typeof body === 'string') return (body ?? '') + append.text
    if (isPlainObject(body) && (body.text === undefined || typeof body.text === 'string'))
      return withKey<unknown>(body, 'text', (typeof body.text === 'string' ? body.text : '') + append.text)
    throw new AppError('VALIDATION_FAILED', 'text appends need a string body or an object body with a string text.')
  }
  if (body !== null && body !== undefined && !isPlainObject(body))
    throw new AppError('VALIDATION_FAILED', 'A delta merges into an object body.')
  let merged: Record<string, unknown> = isPlainObject(body) ? body : {}
  for (const [key, value] of Object.entries(append.delta ?? {})) {
    const before = Object.hasOwn(merged, key) ? merged[key] : undefined
    merged = withKey<unknown>(merged, key, typeof before === 'string' && typeof value === 'string' ? before + value : value)
  }
  return merged
}

/** The thread and the streaming message an append or finalize changes, checked for the actor. */
function streamToChange(snap: ThreadSnapshot, messageId: string, actor: Actor) {
  const current = liveThread(snap.thread)
  assertCanRead(current, actor)
  const message = requireMessage(snap.messages.get(messageId))
  assertCanChangeMessage(current, message, actor)
  if (message.deleted) throw new AppError('MESSAGE_DELETED', 'The message is deleted; restore it first.')
  if (message.status !== 'streaming')
    throw new AppError('MESSAGE_NOT_STREAMING', `The message is ${message.status}, not streaming.`)
  return { current, message }
}

/**
 * Grows a streaming message. The partial content is stored (a reader mid-stream sees it) but
 * an append is not a version; the change log gets a `message.appended` carrying just the delta.
 */
export async function appendToMessage(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  messageId: string,
  append: AppendRequest,
  options: WriteOptions,
): Promise<Buffer> {
  const given = [append.text, append.delta, append.body].filter((v) => v !== undefined).length
  if (given !== 1)
    throw new AppError('VALIDATION_FAILED', 'Send exactly one of text, delta and body.', [
      { path: '/', message: 'exactly one of text, delta, body is required' },
    ])
  const now = ctx.clock.now()
  const record = await ctx.store.mutateThread(threadId, { messageIds: [messageId] }, (snap) => {
    const { current, message } = streamToChange(snap, messageId, actor)
    const body = appended(message.body, append)
    assertGrownBodySize(ctx, body)
    const grown = { ...message, body, updated_ts: Math.max(now, message.updated_ts) }
    return messageChangePlan(current, grown, [{ type: 'message.appended', message_id: messageId, append }], actor.userId, now)
  }, options.durability)
  return toWireJson(record)
}

/**
 * Closes a stream as `final` (or `aborted`), optionally with a final body: the streamed state
 * is archived and exactly one new version is recorded.
 */
export async function finalizeMessage(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  messageId: string,
  input: FinalizeRequest,
  options: WriteOptions,
): Promise<Buffer> {
  assertMetadataSize(ctx, input.metadata)
  const now = ctx.clock.now()
  const record = await ctx.store.mutateThread(threadId, { messageIds: [messageId] }, (snap) => {
    const { current, message } = streamToChange(snap, messageId, actor)
    return nextVersion(current, message, { body: input.body, metadata: input.metadata, status: input.status ?? 'final' }, 'message.finalized', actor, now)
  }, options.durability)
  return toWireJson(record)
}

/** Aborts every stream with no append for `idleMs`; returns how many it aborted. */
export async function abortIdleStreams(ctx: ChatContext, idleMs: number): Promise<number> {
  let aborted = 0
  for (const { threadId, messageId } of await ctx.store.listStreamingMessages(1000)) {
    const message = await ctx.store.getMessage(threadId, messageId)
    if (!message || message.status !== 'streaming' || ctx.clock.now() - message.updated_ts < idleMs) continue
    try {
      await finalizeMessage(ctx, SYSTEM_ACTOR, threadId, messageId, { status: 'aborted' }, { durability: 'fast' })
      aborted++
    } catch (error) {
      // Finalized or deleted meanwhile: nothing left to abort.
      if (!(error instanceof AppError)) throw error
    }
  }
  return aborted
}

/** Removes ephemeral messages whose `expires_ts` has passed (each with a `message.deleted`). */
export async function expireEphemeralMessages(ctx: ChatContext): Promise<number> {
  let expired = 0
  for (const { threadId, messageId } of await ctx.store.listExpiredMessages(ctx.clock.now(), 1000)) {
    try {
      await deleteMessage(ctx, SYSTEM_ACTOR, threadId, messageId, { durability: 'fast', hard: true })
      expired++
    } catch (error) {
      // Already removed (thread or message) since it was listed.
      if (!(error instanceof AppError)) throw error
    }
  }
  return expired
}
