import {
  createClient,
  createTransport,
  ProgressDBError,
  type ProgressDBClient,
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
  /**
   * A backend key, for every call but `health` and `stats`. Defaults to the `PROGRESSDB_KEY`
   * environment variable. Without one the client is admin-only: other calls reject with
   * code `CREDENTIALS_UNAVAILABLE`.
   */
  apiKey?: string | undefined
  /** An admin key for `health` and `stats`. Defaults to `PROGRESSDB_ADMIN_KEY`. */
  adminKey?: string | undefined
  fetch?: typeof fetch
  /** Per-attempt limit in milliseconds (default 30 000). */
  timeoutMs?: number
  retry?: Partial<RetryOptions>
  headers?: Record<string, string>
}

function optionalKey(given: string | undefined, variable: string): string | undefined {
  return (given ?? process.env[variable]) || undefined
}

function requireKey(given: string | undefined, variable: string, what: string): string {
  const key = optionalKey(given, variable)
  if (!key) throw new TypeError(`ProgressDB: ${what} is required (pass it or set ${variable}).`)
  return key
}

/** What a call that needs the backend key gets from an admin-only client. */
const noBackendKey = () =>
  new ProgressDBError({
    status: 0,
    code: 'CREDENTIALS_UNAVAILABLE',
    message:
      'ProgressDB: this call needs a backend key (pass apiKey or set PROGRESSDB_KEY); ' +
      'this client has only an admin key.',
  })

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
  const apiKey = optionalKey(options.apiKey, 'PROGRESSDB_KEY')
  if (apiKey === undefined && optionalKey(options.adminKey, 'PROGRESSDB_ADMIN_KEY') === undefined)
    throw new TypeError(
      'ProgressDB: apiKey (a backend key) is required (pass it or set PROGRESSDB_KEY); ' +
        'an admin-only client needs adminKey (or PROGRESSDB_ADMIN_KEY).',
    )
  const { baseUrl, fetch, timeoutMs, retry, headers } = options
  const http = { baseUrl, fetch, timeoutMs, retry, headers }
  const backendTransport =
    apiKey === undefined ? undefined : createTransport({ ...http, credentials: { apiKey } })
  const backend = () => {
    if (!backendTransport) throw noBackendKey()
    return backendTransport
  }
  // Methods are async, so an admin-only client's user-scoped calls reject rather than throw.
  const as = (userId: string): ProgressDBClient => {
    if (apiKey === undefined) throw noBackendKey()
    return createClient({ ...http, backendKey: apiKey, userId, WebSocket: NodeWebSocket })
  }

  const db: ProgressDB = {
    ...createAdminClient(http, () =>
      requireKey(options.adminKey, 'PROGRESSDB_ADMIN_KEY', 'adminKey'),
    ),
    forUser: as,
    // Signing stores nothing, so it is safe to send again after an unknown outcome.
    signUser: async (userId, { expiresInS, ...call } = {}) =>
      backend().request<SignResponse>(
        {
          method: 'POST',
          path: '/backend/v1/sign',
          body: { userId, expires_in_s: expiresInS },
          idempotent: true,
        },
        call,
      ),
    createThread: async (thread, userId, o) => as(userId).threads.create(thread, o),
    listThreads: async (...args) => {
      const { query, userId, options: o } = userArgs(args)
      return as(userId).threads.list(query, o)
    },
    getThread: async (threadId, userId, o) => as(userId).threads.get(threadId, o),
    updateThread: async (threadId, patch, userId, o) =>
      as(userId).threads.update(threadId, patch, o),
    deleteThread: async (threadId, userId, o = {}) => {
      const threads = as(userId).threads
      return hardOr(
        o,
        (h) => threads.delete(threadId, h),
        (s) => threads.delete(threadId, s),
      )
    },
    restoreThread: async (threadId, userId, o) => as(userId).threads.restore(threadId, o),
    createThreadMessage: async <B>(
      threadId: string,
      message: NewMessage<B>,
      userId: string,
      o?: RequestOptions,
    ) => as(userId).messages<B>(threadId).create(message, o),
    streamMessage: async <B>(
      threadId: string,
      message: NewStreamMessage<B>,
      userId: string,
      o?: RequestOptions,
    ) => as(userId).streamMessage<B>(threadId, message, o),
    listThreadMessages: async <B>(threadId: string, ...args: UserArgs<MessagePageQuery>) => {
      const { query, userId, options: o } = userArgs(args)
      return as(userId).messages<B>(threadId).list(query, o)
    },
    getThreadMessage: async <B>(
      threadId: string,
      messageId: string,
      userId: string,
      o?: ReadOptions,
    ) => as(userId).messages<B>(threadId).get(messageId, o),
    updateThreadMessage: async <B>(
      threadId: string,
      messageId: string,
      patch: MessagePatch<B>,
      userId: string,
      o?: RequestOptions,
    ) => as(userId).messages<B>(threadId).update(messageId, patch, o),
    deleteThreadMessage: async <B>(
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
    restoreThreadMessage: async <B>(
      threadId: string,
      messageId: string,
      userId: string,
      o?: RequestOptions,
    ) => as(userId).messages<B>(threadId).restore(messageId, o),
    listMessageVersions: async (threadId, messageId, userId, o) =>
      as(userId).messages(threadId).versions(messageId, o),
    addReaction: async <B>(
      threadId: string,
      messageId: string,
      emoji: string,
      userId: string,
      o?: RequestOptions,
    ) => as(userId).messages<B>(threadId).react(messageId, emoji, o),
    removeReaction: async <B>(
      threadId: string,
      messageId: string,
      emoji: string,
      userId: string,
      o?: RequestOptions,
    ) => as(userId).messages<B>(threadId).unreact(messageId, emoji, o),
    listParticipants: async (threadId, userId, o) => as(userId).participants(threadId).list(o),
    addParticipant: async (threadId, p, userId, o) =>
      as(userId).participants(threadId).add(p.user_id, p.role, o),
    removeParticipant: async (threadId, participantId, userId, o) =>
      as(userId).participants(threadId).remove(participantId, o),
    markRead: async (threadId, messageId, userId, o) => as(userId).markRead(threadId, messageId, o),
    listEvents: async (threadId, ...args) => {
      const { query, userId, options: o } = userArgs(args)
      return as(userId).events(threadId).list(query, o)
    },
  }
  return db
}
