import type { ErrorBody, ErrorCode } from '@progressdb/protocol'

/**
 * Codes the SDK raises itself, when no API error body is available:
 * - `NETWORK_ERROR`: the request never got a response (connection refused or reset, DNS...).
 * - `TIMEOUT`: no complete response within `timeoutMs`.
 * - `ABORTED`: the caller's `AbortSignal` fired.
 * - `BAD_RESPONSE`: a response that is not the API's JSON (e.g. an HTML page from a proxy).
 * - `CREDENTIALS_UNAVAILABLE`: the request could not be sent for lack of credentials: no
 *   usable signature was held and `getUserSignature` threw, rejected or returned no usable
 *   signature, or a @progressdb/node client without a backend key made a user-scoped call.
 * - `BAD_REQUEST_BODY`: the body cannot be sent as JSON (a `BigInt`, a cycle...).
 */
export type ClientErrorCode =
  | 'NETWORK_ERROR'
  | 'TIMEOUT'
  | 'ABORTED'
  | 'BAD_RESPONSE'
  | 'CREDENTIALS_UNAVAILABLE'
  | 'BAD_REQUEST_BODY'

/** Every code a `ProgressDBError` can carry: the server's registry plus the client's own. */
export type ProgressDBErrorCode = ErrorCode | ClientErrorCode

export interface ProgressDBErrorInit {
  status: number
  code: ProgressDBErrorCode
  message: string
  requestId?: string | undefined
  retryAfterS?: number | undefined
  details?: ErrorBody['details']
  cause?: unknown
}

const BRAND = Symbol.for('progressdb.error')

/**
 * The one error class of the SDKs. Branch on `code` (stable), never on `message`.
 * `status` is the HTTP status, or 0 when no response arrived.
 *
 * @example
 * try {
 *   await client.messages('t1').update('m1', { body: 'x', if_version: 3 })
 * } catch (error) {
 *   if (isProgressDBError(error) && error.code === 'VERSION_CONFLICT') reloadAndRetry()
 *   else throw error
 * }
 */
export class ProgressDBError extends Error {
  override readonly name = 'ProgressDBError'
  readonly status: number
  readonly code: ProgressDBErrorCode
  /** The server's request id (quote it when reporting a problem). */
  readonly requestId: string | undefined
  /** Seconds to wait before retrying, from `Retry-After` (429 and some 503s). */
  readonly retryAfterS: number | undefined
  /** For `VALIDATION_FAILED`: each problem with the JSON path it concerns. */
  readonly details: ErrorBody['details']
  readonly [BRAND] = true

  constructor(init: ProgressDBErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause })
    this.status = init.status
    this.code = init.code
    this.requestId = init.requestId
    this.retryAfterS = init.retryAfterS
    this.details = init.details
  }
}

/**
 * True for any `ProgressDBError`, even one created by another copy of this package
 * (where `instanceof` would be false).
 *
 * @example
 * if (isProgressDBError(error) && error.status === 404) return null
 */
export function isProgressDBError(error: unknown): error is ProgressDBError {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as Record<symbol, unknown>)[BRAND] === true
  )
}

/** Any thrown value as a `ProgressDBError` (a non-SDK failure becomes `NETWORK_ERROR`). */
export function toProgressDBError(error: unknown): ProgressDBError {
  if (isProgressDBError(error)) return error
  return new ProgressDBError({
    status: 0,
    code: 'NETWORK_ERROR',
    message: String(error),
    cause: error,
  })
}
