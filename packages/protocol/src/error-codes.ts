/**
 * The registry of stable error codes. Clients and SDKs branch on `code`, never on message
 * text. Every code maps to exactly one HTTP status. docs/errors.md lists exactly these codes
 * (a test keeps the two in step).
 */
export const ERROR_CODES = {
  MALFORMED_REQUEST: {
    status: 400,
    description: 'The request is not valid HTTP/1.1 (an unknown method, a malformed request line or header), refused before any route saw it.',
  },
  BAD_JSON: {
    status: 400,
    description: 'The request body is not valid JSON (or not UTF-8, or nested deeper than 256 levels).',
  },
  VALIDATION_FAILED: {
    status: 400,
    description: 'A field is missing, has the wrong type, is out of range or is not known.',
  },
  INVALID_ID: { status: 400, description: 'A thread, message or user id breaks the id rules.' },
  INVALID_CURSOR: { status: 400, description: 'A pagination cursor or query parameter is malformed.' },
  INVALID_REPLY_TO: { status: 400, description: '`reply_to` names no message in the same thread.' },
  MISSING_API_KEY: { status: 401, description: 'No key in `Authorization: Bearer` or `X-API-Key`.' },
  INVALID_API_KEY: { status: 401, description: 'The key is not one of the configured keys.' },
  MISSING_USER_ID: {
    status: 401,
    description: 'A user route was called without `X-User-ID` (and, for frontend keys, a signature).',
  },
  MISSING_SIGNATURE: { status: 401, description: 'A frontend key was used without `X-User-Signature`.' },
  INVALID_SIGNATURE: { status: 401, description: 'The user signature does not match the user id.' },
  SIGNATURE_EXPIRED: { status: 401, description: 'The expiring user signature is past its expiry.' },
  KEY_NOT_ALLOWED: {
    status: 403,
    description: 'This kind of key may not call this route (e.g. a frontend key on an admin route).',
  },
  ORIGIN_NOT_ALLOWED: {
    status: 403,
    description: 'A browser preflight from an origin missing from `server.corsOrigins`.',
  },
  THREAD_ACCESS_DENIED: { status: 403, description: 'The caller neither owns nor participates in the thread.' },
  READ_ONLY_PARTICIPANT: { status: 403, description: 'Viewers may read a thread but not write to it.' },
  NOT_MESSAGE_AUTHOR: {
    status: 403,
    description: 'Only the author, the thread owner or a backend key may change this message.',
  },
  NOT_THREAD_OWNER: { status: 403, description: 'Only the thread owner or a backend key may do this.' },
  ROUTE_NOT_FOUND: { status: 404, description: 'No route matches the method and path.' },
  THREAD_NOT_FOUND: { status: 404, description: 'The thread does not exist (or was deleted).' },
  MESSAGE_NOT_FOUND: { status: 404, description: 'The message does not exist in this thread.' },
  WEBHOOK_NOT_FOUND: { status: 404, description: 'No webhook endpoint has this id.' },
  METHOD_NOT_ALLOWED: { status: 405, description: 'The path exists but not with this method.' },
  VERSION_CONFLICT: {
    status: 409,
    description: '`if_version` does not match the message\'s current version.',
  },
  THREAD_ID_TAKEN: {
    status: 409,
    description: 'A thread with this id exists and belongs to someone the caller cannot act for.',
  },
  MESSAGE_ID_PURGED: {
    status: 409,
    description: 'A message with this id was hard-deleted (or expired) in this thread; ids are never given to another message.',
  },
  THREAD_DELETED: {
    status: 409,
    description: 'The thread is soft-deleted; restore it before writing to it.',
  },
  MESSAGE_DELETED: {
    status: 409,
    description: 'The message is soft-deleted; restore it before editing or reacting to it.',
  },
  MESSAGE_NOT_STREAMING: {
    status: 409,
    description: 'append/finalize on a message whose status is not `streaming`.',
  },
  STALE_CURSOR: {
    status: 409,
    description:
      '`since` is past the thread\'s newest change: the thread was deleted and made again under its id, or the number was never issued. Reload the thread and resume from its `last_change`.',
  },
  MESSAGE_NOT_DELETED: { status: 409, description: 'Restore was called on a message that is not deleted.' },
  THREAD_NOT_DELETED: { status: 409, description: 'Restore was called on a thread that is not deleted.' },
  PARTICIPANT_CONFLICT: {
    status: 409,
    description: 'The participant change would leave the thread without its owner.',
  },
  WEBHOOK_READ_ONLY: {
    status: 409,
    description: 'The webhook endpoint comes from the config file; change it there, not through the API.',
  },
  SUBSCRIBER_TOO_SLOW: {
    status: 429,
    description: 'A stream subscriber fell too far behind and was disconnected; resume from its last change.',
  },
  REQUEST_TIMEOUT: {
    status: 408,
    description: 'The request (its headers or body) did not arrive within the server\'s request timeout.',
  },
  UPGRADE_REQUIRED: { status: 426, description: '`/frontend/v1/ws` answers WebSocket upgrades only.' },
  HEADERS_TOO_LARGE: {
    status: 431,
    description: 'The request line and headers exceed node\'s limit (16 KiB by default), a very long URL included.',
  },
  PAYLOAD_TOO_LARGE: { status: 413, description: 'The body (or its metadata) exceeds the configured limit.' },
  RATE_LIMITED: { status: 429, description: 'Too many requests for this user or key; see `Retry-After`.' },
  INTERNAL: { status: 500, description: 'An unexpected failure; the log has the cause under the request id.' },
  SHUTTING_DOWN: { status: 503, description: 'The server is shutting down; retry against another node.' },
  STORAGE_UNAVAILABLE: {
    status: 503,
    description:
      'The store cannot take writes right now (a read-only data directory, or a commit the storage engine refused); nothing of the write was applied, so it can be retried. Reads still work.',
  },
  STORAGE_FULL: { status: 507, description: 'The disk or the store map is full; reads still work.' },
} as const satisfies Record<string, { status: number; description: string }>

export type ErrorCode = keyof typeof ERROR_CODES

/** The body of every error response. */
export interface ErrorBody {
  error: string
  code: ErrorCode
  request_id: string
  /** Present on VALIDATION_FAILED: each problem with the JSON path it concerns. */
  details?: { path: string; message: string }[]
}

export function statusOf(code: ErrorCode): number {
  return ERROR_CODES[code].status
}
