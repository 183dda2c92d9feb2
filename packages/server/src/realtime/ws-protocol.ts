import { isValidId, type ClientFrame } from '@progressdb/protocol'
import { AppError } from '../app-error.js'

/** Parses one client frame, or throws the AppError to answer with. */
export function parseClientFrame(text: string): Extract<ClientFrame, { thread_id: string }> {
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
