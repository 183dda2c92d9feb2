import { isValidId, type ClientFrame } from '@progressdb/protocol'
import { AppError } from '../app-error.js'

/** An optional non-negative integer field (`since`), or the AppError to answer with. */
function optionalPosition(value: unknown, what: string): number | undefined {
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw new AppError('VALIDATION_FAILED', `since must be ${what} (an integer >= 0).`)
  return value
}

/** Parses one client frame, or throws the AppError to answer with. */
export function parseClientFrame(text: string): ClientFrame {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new AppError('BAD_JSON', 'A frame is not valid JSON.')
  }
  const frame = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>
  const type = frame.type
  if (type === 'unsubscribe_threads') return { type: 'unsubscribe_threads' }
  if (type === 'subscribe_threads') {
    const since = optionalPosition(frame.since, 'a cursor from a threads frame')
    return since === undefined ? { type: 'subscribe_threads' } : { type: 'subscribe_threads', since }
  }
  // The type first: a frame of no known type is that, whatever else it lacks.
  if (type !== 'subscribe' && type !== 'unsubscribe' && type !== 'typing')
    throw new AppError(
      'VALIDATION_FAILED',
      'type must be subscribe, unsubscribe, typing, subscribe_threads or unsubscribe_threads.',
    )
  const threadId = frame.thread_id
  if (typeof threadId !== 'string' || !isValidId(threadId))
    throw new AppError('INVALID_ID', 'thread_id must be 1-128 characters of [A-Za-z0-9._~:@-].')
  if (type === 'unsubscribe') return { type: 'unsubscribe', thread_id: threadId }
  if (type === 'typing') {
    if (typeof frame.typing !== 'boolean') throw new AppError('VALIDATION_FAILED', 'typing must be true or false.')
    return { type: 'typing', thread_id: threadId, typing: frame.typing }
  }
  const since = optionalPosition(frame.since, 'a change number')
  return since === undefined ? { type: 'subscribe', thread_id: threadId } : { type: 'subscribe', thread_id: threadId, since }
}
