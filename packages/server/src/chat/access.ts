import type { ParticipantRole } from '@progressdb/protocol'
import { AppError } from '../app-error.js'
import type { MessageRecord, ThreadRecord } from '../store/records.js'
import type { Actor } from './actor.js'
import { ownValue } from './own-keys.js'

/** The access rules of SPEC section 4, in one place for every transport and backend. */

export function roleOf(thread: ThreadRecord, actor: Actor): ParticipantRole | undefined {
  return ownValue(thread.participants, actor.userId)
}

export function assertCanRead(thread: ThreadRecord, actor: Actor): void {
  if (actor.trusted || roleOf(thread, actor)) return
  throw new AppError('THREAD_ACCESS_DENIED', 'You do not have access to this thread.')
}

export function assertCanWrite(thread: ThreadRecord, actor: Actor): void {
  assertCanRead(thread, actor)
  if (!actor.trusted && roleOf(thread, actor) === 'viewer')
    throw new AppError('READ_ONLY_PARTICIPANT', 'Viewers cannot write to this thread.')
}

export function assertIsOwner(thread: ThreadRecord, actor: Actor): void {
  assertCanRead(thread, actor)
  if (!actor.trusted && roleOf(thread, actor) !== 'owner')
    throw new AppError('NOT_THREAD_OWNER', 'Only the thread owner can do this.')
}

export function assertCanChangeMessage(
  thread: ThreadRecord,
  message: MessageRecord,
  actor: Actor,
): void {
  assertCanWrite(thread, actor)
  if (actor.trusted || message.author === actor.userId || roleOf(thread, actor) === 'owner') return
  throw new AppError('NOT_MESSAGE_AUTHOR', 'Only the author or the thread owner can change this message.')
}


export function requireMessage(message: MessageRecord | undefined): MessageRecord {
  if (!message) throw new AppError('MESSAGE_NOT_FOUND', 'Message not found.')
  return message
}
