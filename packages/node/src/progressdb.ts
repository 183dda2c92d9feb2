import {
  createClient,
  createTransport,
  type MessagePageQuery,
  type MessagePatch,
  type NewMessage,
  type NewStreamMessage,
  type ReadOptions,
  type RequestOptions,
  type RetryOptions,
} from '@progressdb/js'
import type { SignResponse } from '@progressdb/protocol'
import { createAdminClient } from './admin-client.js'
import { NodeWebSocket } from './header-web-socket.js'
import type { HardDeleteOptions, ProgressDB } from './progressdb-api.js'
import { userArgs, type UserArgs } from './user-args.js'

export interface ProgressDBOptions {
  /** The server, e.g. `http://localhost:8080`. */
  baseUrl: string
  /** A backend key. Defaults to the `PROGRESSDB_KEY` environment variable. */
  apiKey?: string | undefined
  /** An admin key for `health` and `stats`. Defaults to `PROGRESSDB_ADMIN_KEY`. */
  adminKey?: string | undefined
  fetch?: typeof fetch
  /** Per-attempt limit in milliseconds (default 30 000). */
  timeoutMs?: number
  retry?: Partial<RetryOptions>
  headers?: Record<string, string>
}

function requireKey(given: string | undefined, variable: string, what: string): string {
  const key = given ?? process.env[variable]
  if (!key) throw new TypeError(`ProgressDB: ${what} is required (pass it or set ${variable}).`)
  return key
}

/** `delete` of @progressdb/js is overloaded on `hard`; the backend API returns either shape. */
const hardOr = <T>(
  options: HardDeleteOptions,
  purge: (o: RequestOptions & { hard: true }) => Promise<void>,
  soft: (o: RequestOptions & { hard: false }) => Promise<T>,
): Promise<T | undefined> =>
  options.hard
    ? purge({ ...options, hard: true }).then(() => undefined)
    : soft({ ...options, hard: false })

/**
 * The backend client of ProgressDB, on top of @progressdb/js with a backend key.
 * User-scoped methods take the acting user's id last.
 *
 * @example
 * import ProgressDB from '@progressdb/node'
 * const db = ProgressDB({ baseUrl: 'http://localhost:8080', apiKey: process.env.PROGRESSDB_KEY })
 * await db.createThreadMessage('chat-1', { body: { text: 'Hi' }, role: 'user' }, 'user-123')
 * const { signature } = await db.signUser('user-123', { expiresInS: 3600 })
 */
export function ProgressDB(options: ProgressDBOptions): ProgressDB {
  const apiKey = requireKey(options.apiKey, 'PROGRESSDB_KEY', 'apiKey (a backend key)')
  const { baseUrl, fetch, timeoutMs, retry, headers } = options
  const http = { baseUrl, fetch, timeoutMs, retry, headers }
  const backend = createTransport({ ...http, credentials: { apiKey } })
  const as = (userId: string) =>
    createClient({ ...http, backendKey: apiKey, userId, WebSocket: NodeWebSocket })

  const db: ProgressDB = {
    ...createAdminClient(http, () =>
      requireKey(options.adminKey, 'PROGRESSDB_ADMIN_KEY', 'adminKey'),
    ),
    forUser: as,
    signUser: (userId, { expiresInS, ...call } = {}) =>
      backend.request<SignResponse>(
        { method: 'POST', path: '/backend/v1/sign', body: { userId, expires_in_s: expiresInS } },
        call,
      ),
    createThread: (thread, userId, o) => as(userId).threads.create(thread, o),
    listThreads: (...args) => {
      const { query, userId, options: o } = userArgs(args)
      return as(userId).threads.list(query, o)
    },
    getThread: (threadId, userId, o) => as(userId).threads.get(threadId, o),
    updateThread: (threadId, patch, userId, o) => as(userId).threads.update(threadId, patch, o),
    deleteThread: (threadId, userId, o = {}) => {
      const threads = as(userId).threads
      return hardOr(
        o,
        (h) => threads.delete(threadId, h),
        (s) => threads.delete(threadId, s),
      )
    },
    restoreThread: (threadId, userId, o) => as(userId).threads.restore(threadId, o),
    createThreadMessage: <B>(
      threadId: string,
      message: NewMessage<B>,
      userId: string,
      o?: RequestOptions,
    ) => as(userId).messages<B>(threadId).create(message, o),
    streamMessage: <B>(
      threadId: string,
      message: NewStreamMessage<B>,
      userId: string,
      o?: RequestOptions,
    ) => as(userId).streamMessage<B>(threadId, message, o),
    listThreadMessages: <B>(threadId: string, ...args: UserArgs<MessagePageQuery>) => {
      const { query, userId, options: o } = userArgs(args)
      return as(userId).messages<B>(threadId).list(query, o)
    },
    getThreadMessage: <B>(threadId: string, messageId: string, userId: string, o?: ReadOptions) =>
      as(userId).messages<B>(threadId).get(messageId, o),
    updateThreadMessage: <B>(
      threadId: string,
      messageId: string,
      patch: MessagePatch<B>,
      userId: string,
      o?: RequestOptions,
    ) => as(userId).messages<B>(threadId).update(messageId, patch, o),
    deleteThreadMessage: <B>(
      threadId: string,
      messageId: string,
      userId: string,
      o: HardDeleteOptions = {},
    ) => {
      const chat = as(userId).messages<B>(threadId)
      return hardOr(
        o,
        (h) => chat.delete(messageId, h),
        (s) => chat.delete(messageId, s),
      )
    },
    restoreThreadMessage: <B>(
      threadId: string,
      messageId: string,
      userId: string,
      o?: RequestOptions,
    ) => as(userId).messages<B>(threadId).restore(messageId, o),
    listMessageVersions: (threadId, messageId, userId, o) =>
      as(userId).messages(threadId).versions(messageId, o),
    addReaction: <B>(
      threadId: string,
      messageId: string,
      emoji: string,
      userId: string,
      o?: RequestOptions,
    ) => as(userId).messages<B>(threadId).react(messageId, emoji, o),
    removeReaction: <B>(
      threadId: string,
      messageId: string,
      emoji: string,
      userId: string,
      o?: RequestOptions,
    ) => as(userId).messages<B>(threadId).unreact(messageId, emoji, o),
    listParticipants: (threadId, userId, o) => as(userId).participants(threadId).list(o),
    addParticipant: (threadId, p, userId, o) =>
      as(userId).participants(threadId).add(p.user_id, p.role, o),
    removeParticipant: (threadId, participantId, userId, o) =>
      as(userId).participants(threadId).remove(participantId, o),
    markRead: (threadId, messageId, userId, o) => as(userId).markRead(threadId, messageId, o),
    listEvents: (threadId, ...args) => {
      const { query, userId, options: o } = userArgs(args)
      return as(userId).events(threadId).list(query, o)
    },
  }
  return db
}
