import type { Thread } from './entities.js'
import type { ErrorCode } from './error-codes.js'
import type { ChatEvent } from './events.js'

/**
 * What a client sends on the WebSocket at /frontend/v1/ws, one JSON object per text frame.
 *
 * - `subscribe` / `unsubscribe`: a thread's change log, from after change `since` (or from now).
 * - `typing`: start (or renew) or stop the caller's typing indicator in a subscribed thread.
 * - `subscribe_threads` / `unsubscribe_threads`: the caller's thread list. `since` is a cursor
 *   from an earlier `threads_subscribed` or `threads` frame; without it the stream starts now.
 */
export type ClientFrame =
  | { type: 'subscribe'; thread_id: string; since?: number }
  | { type: 'unsubscribe'; thread_id: string }
  | { type: 'typing'; thread_id: string; typing: boolean }
  | { type: 'subscribe_threads'; since?: number }
  | { type: 'unsubscribe_threads' }

/** Presence and typing frames, sent to every WebSocket subscribed to the thread. */
export type PresenceFrame =
  | { type: 'presence'; thread_id: string; users: string[] }
  | { type: 'typing'; thread_id: string; user_id: string; typing: boolean }

/**
 * The caller's thread list changed. `threads` are summaries exactly as
 * GET /frontend/v1/threads returns them for the caller (with `unread_count`); `removed` are ids
 * of threads that left the caller's list. Clients upsert by id (a thread may repeat), and keep
 * `cursor` to resume with `subscribe_threads { since: cursor }` after a reconnect.
 */
export interface ThreadListFrame {
  type: 'threads'
  threads: Thread[]
  removed: string[]
  cursor: number
}

/** What the server sends on the WebSocket. */
export type ServerFrame =
  | { type: 'subscribed'; thread_id: string; since: number }
  | { type: 'events'; thread_id: string; events: readonly ChatEvent[] }
  | { type: 'unsubscribed'; thread_id: string; code?: ErrorCode; message?: string }
  | { type: 'threads_subscribed'; cursor: number }
  | ThreadListFrame
  | { type: 'threads_unsubscribed'; code?: ErrorCode; message?: string }
  | { type: 'error'; code: ErrorCode; message: string; thread_id?: string }
  | PresenceFrame
