import type { ProgressDBError } from '../errors.js'
import type { ChatBody, Message, NewMessage } from '../message-types.js'

/**
 * A message as the stores show it. A create the server has not confirmed is `pending`, and
 * its `sendState` tells why: `'sending'` while the request is under way, `'failed'` when it
 * ended without an answer (no response, a timeout, a 5xx after the retries), so the message
 * may or may not be stored. A failed one keeps its client id: the stored message replaces it
 * when it arrives (live, on a reload), `retry` sends it again with the same id (never a
 * duplicate) and `discard` drops it. Confirmed messages have neither field.
 */
export type StoreMessage<TBody = ChatBody> = Message<TBody> & {
  pending?: true
  sendState?: SendState
  /** With `sendState: 'failed'`: the failure. */
  sendError?: ProgressDBError
}

/** See `StoreMessage`. */
export type SendState = 'sending' | 'failed'

/** Confirmed messages by `seq`, pending ones after them; objects are kept, never copied. */
export function ordered<TBody>(list: readonly StoreMessage<TBody>[]): StoreMessage<TBody>[] {
  const confirmed = list.filter((m) => !m.pending).sort((a, b) => a.seq - b.seq)
  return [...confirmed, ...list.filter((m) => m.pending)]
}

/**
 * Adds the messages of a page that are not shown yet, and confirms pending ones the page
 * holds (a create whose answer was lost); confirmed ones shown keep their objects.
 */
export function merge<TBody>(
  shown: readonly StoreMessage<TBody>[],
  page: Message<TBody>[],
): StoreMessage<TBody>[] {
  const byId = new Map(shown.map((m) => [m.id, m]))
  const stored = new Map(page.map((m) => [m.id, m]))
  const kept = shown.map((m) => (m.pending ? (stored.get(m.id) ?? m) : m))
  return ordered([...kept, ...page.filter((m) => !byId.has(m.id))])
}

/** What a create looks like until the server answers: the server fills in `seq` and times. */
export function optimisticMessage<TBody>(
  message: NewMessage<TBody> & { id: string },
  threadId: string,
  author: string,
): StoreMessage<TBody> {
  const now = Date.now()
  return {
    id: message.id,
    key: message.id,
    thread: threadId,
    seq: 0,
    author,
    role: message.role ?? 'user',
    body: message.body,
    reply_to: message.reply_to ?? null,
    metadata: message.metadata ?? {},
    reactions: {},
    version: 1,
    editor: author,
    change: 0,
    status: 'final',
    ephemeral: false,
    expires_ts: null,
    created_ts: now,
    updated_ts: now,
    deleted: false,
    deleted_ts: null,
    pending: true,
    sendState: 'sending',
  }
}

/** The same unconfirmed message, being sent again. */
export function resending<TBody>(message: StoreMessage<TBody>): StoreMessage<TBody> {
  const next: StoreMessage<TBody> = { ...message, pending: true, sendState: 'sending' }
  delete next.sendError
  return next
}

/** The same unconfirmed message, whose create ended with an unknown outcome. */
export function unconfirmed<TBody>(
  message: StoreMessage<TBody>,
  error: ProgressDBError,
): StoreMessage<TBody> {
  return { ...message, pending: true, sendState: 'failed', sendError: error }
}
