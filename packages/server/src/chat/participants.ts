import type { Participant, ParticipantRole } from '@progressdb/protocol'
import { AppError } from '../app-error.js'
import { assertCanRead, assertIsOwner } from './access.js'
import type { Actor } from './actor.js'
import type { ChatContext, WriteOptions } from './chat-context.js'
import { ownValue, withKey, withoutKey } from './own-keys.js'
import { liveThread, readableThread } from './threads.js'
import { recordChanges } from './thread-change.js'

function toList(participants: Record<string, ParticipantRole>): Participant[] {
  return Object.entries(participants).map(([user_id, role]) => ({ user_id, role }))
}

export async function listParticipants(ctx: ChatContext, actor: Actor, threadId: string) {
  return toList((await readableThread(ctx, actor, threadId)).participants)
}

/**
 * Adds a participant or changes their role (owner or backend only). The thread's creator
 * (`author`) always stays an owner.
 */
export async function addParticipant(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  input: { user_id: string; role?: ParticipantRole },
  options: WriteOptions,
): Promise<Participant[]> {
  const role = input.role ?? 'member'
  const now = ctx.clock.now()
  const record = await ctx.store.mutateThread(threadId, {}, (snap) => {
    const current = liveThread(snap.thread)
    assertIsOwner(current, actor)
    if (input.user_id === current.author && role !== 'owner')
      throw new AppError('PARTICIPANT_CONFLICT', "The thread's creator must stay an owner.")
    if (ownValue(current.participants, input.user_id) === role) return { writes: {}, result: current }
    const changed = { ...current, participants: withKey(current.participants, input.user_id, role) }
    const { thread, events } = recordChanges(
      changed,
      [{ type: 'participant.added', user: input.user_id, role }],
      actor.userId,
      now,
    )
    return { writes: { thread, events }, result: thread }
  }, options.durability)
  return toList(record.participants)
}

/** Removes a participant (owner or backend; anyone may remove themselves, i.e. leave). */
export async function removeParticipant(
  ctx: ChatContext,
  actor: Actor,
  threadId: string,
  userId: string,
  options: WriteOptions,
): Promise<Participant[]> {
  const now = ctx.clock.now()
  const record = await ctx.store.mutateThread(threadId, {}, (snap) => {
    const current = liveThread(snap.thread)
    if (userId === actor.userId) assertCanRead(current, actor)
    else assertIsOwner(current, actor)
    if (userId === current.author)
      throw new AppError('PARTICIPANT_CONFLICT', "The thread's creator cannot be removed.")
    if (ownValue(current.participants, userId) === undefined) return { writes: {}, result: current }
    const participants = withoutKey(current.participants, userId)
    const { thread, events } = recordChanges(
      { ...current, participants },
      [{ type: 'participant.removed', user: userId }],
      actor.userId,
      now,
    )
    return { writes: { thread, events }, result: thread }
  }, options.durability)
  return toList(record.participants)
}
