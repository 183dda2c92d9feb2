import { isValidId, type ChatEvent, type ErrorCode } from '@progressdb/protocol'
import { AppError } from '../app-error.js'
import type { PresenceFrame } from './presence-hub.js'

/** What a client sends on /frontend/v1/ws. */
export type ClientFrame =
  | { type: 'subscribe'; thread_id: string; since?: number }
  | { type: 'unsubscribe'; thread_id: string }
  | { type: 'typing'; thread_id: string; typing: boolean }

/** What the server sends. */
export type ServerFrame =
  | { type: 'subscribed'; thread_id: string; since: number }
  | { type: 'events'; thread_id: string; events: readonly ChatEvent[] }
  | { type: 'unsubscribed'; thread_id: string; code?: ErrorCode; message?: string }
  | { type: 'error'; code: ErrorCode; message: string; thread_id?: string }
  | PresenceFrame

/** Parses one client frame, or throws the AppError to answer with. */
export function parseClientFrame(text: string): ClientFrame {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new AppError('BAD_JSON', 'A frame is not valid JSON.')
  }
  const frame = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  const threadId = frame.thread_id
  if (typeof threadId !== 'string' || !isValidId(threadId))
    throw new AppError('INVALID_ID', 'thread_id must be 1-128 characters of [A-Za-z0-9._~:@-].')
  if (frame.type === 'unsubscribe') return { type: 'unsubscribe', thread_id: threadId }
  if (frame.type === 'typing') {
    if (typeof frame.typing !== 'boolean') throw new AppError('VALIDATION_FAILED', 'typing must be true or false.')
    return { type: 'typing', thread_id: threadId, typing: frame.typing }
  }
  if (frame.type !== 'subscribe')
    throw new AppError('VALIDATION_FAILED', 'type must be subscribe, unsubscribe or typing.')
  const since = frame.since
  if (since !== undefined && (typeof since !== 'number' || !Number.isSafeInteger(since) || since < 0))
    throw new AppError('VALIDATION_FAILED', 'since must be a change number (an integer >= 0).')
  return since === undefined ? { type: 'subscribe', thread_id: threadId } : { type: 'subscribe', thread_id: threadId, since }
}
