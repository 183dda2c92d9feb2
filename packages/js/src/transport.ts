import type { ErrorBody } from '@progressdb/protocol'
import { createAuth, type Auth, type AuthHeaders, type Credentials } from './credentials.js'
import { isProgressDBError, ProgressDBError, toProgressDBError } from './errors.js'
import { queryString, type QueryValue } from './query-string.js'
import {
  DEFAULT_RETRY,
  isRetryable,
  isUnknownOutcome,
  retryDelayMs,
  type RetryOptions,
} from './retry-policy.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
export type { QueryValue }

/** One API call, as the resource modules describe it. */
export interface RequestSpec {
  method: HttpMethod
  /** Path with its segments already encoded, e.g. `/frontend/v1/threads/t1`. */
  path: string
  query?: Record<string, QueryValue>
  body?: unknown
  /**
   * Safe to send again after an unknown outcome (a lost connection, a timeout, 502/503/504).
   * Reads always are; so are creates with a client id and set-like writes (reactions, read
   * markers, participants, signing). A 429 is retried for every request.
   */
  idempotent?: boolean
}

/** Per-call options accepted by every client method. */
export interface RequestOptions {
  /** Cancels the call (and its retries); it then rejects with code `ABORTED`. */
  signal?: AbortSignal
  /** Limit for each attempt, response body included. Defaults to the client's `timeoutMs`. */
  timeoutMs?: number
  /** Overrides the client's `retry.retries` for this call. */
  retries?: number
  /** `safe` waits for the write to be flushed to disk (docs/operations.md). */
  durability?: 'fast' | 'safe'
  headers?: Record<string, string>
}

/** Options of the single-item reads (`get`). */
export interface ReadOptions extends RequestOptions {
  /** Also return an item that is soft-deleted. */
  includeDeleted?: boolean
}

export interface TransportOptions {
  /** The server's origin, e.g. `https://chat-db.example.com` (a path prefix is kept). */
  baseUrl: string
  credentials: Credentials
  /** A fetch implementation; defaults to the global one. */
  fetch?: typeof fetch
  /** Per-attempt limit in milliseconds. Default 30 000. */
  timeoutMs?: number
  retry?: Partial<RetryOptions>
  /** Extra headers sent with every request. */
  headers?: Record<string, string>
}

/** Sends API requests with auth, timeouts, retries and typed errors. */
export interface Transport {
  /** The user the credentials act for, if any. */
  readonly userId: string | undefined
  /** The server's origin as given (trailing slashes removed). */
  readonly baseUrl: string
  /** The credentials in use, shared with the WebSocket so both see a renewed signature. */
  readonly auth: Auth
  request<T>(spec: RequestSpec, options?: RequestOptions): Promise<T>
}

interface RawResponse {
  status: number
  headers: Headers
  text: string
}

const SIGNATURE_CODES = new Set(['SIGNATURE_EXPIRED', 'INVALID_SIGNATURE'])

/**
 * The HTTP layer every client is built on. Use it directly only for routes the resource
 * clients do not cover.
 *
 * @example
 * const http = createTransport({ baseUrl, credentials: { apiKey: adminKey } })
 * const health = await http.request<{ status: string }>({ method: 'GET', path: '/admin/health' })
 */
export function createTransport(options: TransportOptions): Transport {
  if (!options.fetch && typeof globalThis.fetch !== 'function')
    throw new TypeError('ProgressDB: no global fetch here; pass options.fetch.')
  // Called through globalThis so browsers never see a detached `fetch` ("Illegal invocation").
  const fetchFn: typeof fetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init))
  const baseUrl = options.baseUrl.replace(/\/+$/, '')
  const retry: RetryOptions = { ...DEFAULT_RETRY, ...options.retry }
  const auth = createAuth(options.credentials)
  const defaultTimeoutMs = options.timeoutMs ?? 30_000

  async function request<T>(spec: RequestSpec, call: RequestOptions = {}): Promise<T> {
    const url = baseUrl + spec.path + queryString(spec.query)
    const body = spec.body === undefined ? undefined : toJsonBody(spec.body)
    const repeatable = spec.method === 'GET' || spec.idempotent === true
    const maxRetries = call.retries ?? retry.retries
    let retriesUsed = 0
    let refreshed = false
    /** A write attempt that may have been applied: the call's outcome stays unknown. */
    let uncertain: ProgressDBError | undefined
    for (;;) {
      throwIfAborted(call.signal)
      let generation: number | undefined
      try {
        const credentials = await credentialHeaders(auth)
        generation = credentials.generation
        const init: RequestInit = {
          method: spec.method,
          headers: {
            accept: 'application/json',
            ...options.headers,
            ...durabilityHeader(call),
            ...call.headers,
            ...credentials.headers,
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
        }
        if (body !== undefined) init.body = body
        const raw = await attempt(
          fetchFn,
          url,
          init,
          call.signal,
          call.timeoutMs ?? defaultTimeoutMs,
        )
        return parseResponse<T>(raw)
      } catch (caught) {
        const error = toProgressDBError(caught)
        if (spec.method !== 'GET' && isUnknownOutcome(error)) uncertain ??= error
        // A rejected signature changed nothing on the server, so any request may be re-sent once.
        if (
          !refreshed &&
          generation !== undefined &&
          SIGNATURE_CODES.has(error.code) &&
          (await auth.refresh(generation))
        ) {
          refreshed = true
          continue
        }
        // A refusal of a later attempt (a 429, no credentials...) does not undo an earlier
        // attempt that may have been applied: the caller must hear that the outcome is unknown.
        const final = uncertain && !isUnknownOutcome(error) ? uncertain : error
        if (retriesUsed >= maxRetries || !isRetryable(error, repeatable)) throw final
        const delayMs = retryDelayMs(error, ++retriesUsed, retry)
        if (delayMs === undefined) throw final
        await sleep(delayMs, call.signal)
      }
    }
  }

  return { userId: auth.userId, baseUrl, auth, request }
}

function durabilityHeader(call: RequestOptions): Record<string, string> {
  return call.durability ? { 'x-progressdb-durability': call.durability } : {}
}

/** The request body as JSON text; a value JSON cannot carry fails before anything is sent. */
function toJsonBody(body: unknown): string | undefined {
  try {
    return JSON.stringify(body)
  } catch (cause) {
    throw new ProgressDBError({
      status: 0,
      code: 'BAD_REQUEST_BODY',
      message: 'The request body cannot be sent as JSON (e.g. it holds a BigInt or a cycle).',
      cause,
    })
  }
}

/** The auth headers; a failing `getUserSignature` (or an unusable signature) is not sent. */
async function credentialHeaders(auth: Auth): Promise<AuthHeaders> {
  try {
    return await auth.headers()
  } catch (cause) {
    if (isProgressDBError(cause)) throw cause
    throw new ProgressDBError({
      status: 0,
      code: 'CREDENTIALS_UNAVAILABLE',
      message:
        'No credentials for the request: getUserSignature failed or gave no usable signature (see `cause`).',
      cause,
    })
  }
}

/** One fetch with its own timeout; the body is read inside the time limit too. */
async function attempt(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
  signal: AbortSignal | undefined,
  timeoutMs: number,
): Promise<RawResponse> {
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  const onAbort = () => controller.abort()
  signal?.addEventListener('abort', onAbort, { once: true })
  try {
    const res = await fetchFn(url, { ...init, signal: controller.signal })
    return { status: res.status, headers: res.headers, text: await res.text() }
  } catch (cause) {
    if (signal?.aborted) throw abortedError(signal)
    if (timedOut)
      throw new ProgressDBError({
        status: 0,
        code: 'TIMEOUT',
        message: `No response within ${timeoutMs} ms.`,
        cause,
      })
    throw new ProgressDBError({
      status: 0,
      code: 'NETWORK_ERROR',
      message: 'The request got no response.',
      cause,
    })
  } finally {
    clearTimeout(timer)
    signal?.removeEventListener('abort', onAbort)
  }
}

function parseResponse<T>(raw: RawResponse): T {
  if (raw.status < 200 || raw.status >= 300) throw errorFromResponse(raw)
  if (raw.status === 204 || raw.text === '') return undefined as T
  try {
    return JSON.parse(raw.text) as T
  } catch (cause) {
    throw new ProgressDBError({
      status: raw.status,
      code: 'BAD_RESPONSE',
      message: 'The response is not JSON.',
      requestId: raw.headers.get('x-request-id') ?? undefined,
      cause,
    })
  }
}

function errorFromResponse(raw: RawResponse): ProgressDBError {
  const requestId = raw.headers.get('x-request-id') ?? undefined
  const retryAfterS = parseRetryAfter(raw.headers.get('retry-after'))
  const body = parseErrorBody(raw.text)
  if (!body)
    return new ProgressDBError({
      status: raw.status,
      code: 'BAD_RESPONSE',
      message: `HTTP ${raw.status} without an API error body.`,
      requestId,
      retryAfterS,
    })
  return new ProgressDBError({
    status: raw.status,
    code: body.code,
    message: body.error,
    requestId: body.request_id || requestId,
    retryAfterS,
    details: body.details,
  })
}

function parseErrorBody(text: string): ErrorBody | undefined {
  try {
    const body = JSON.parse(text) as Partial<ErrorBody> | null
    return typeof body?.code === 'string' && typeof body.error === 'string'
      ? (body as ErrorBody)
      : undefined
  } catch {
    return undefined
  }
}

/** `Retry-After` is seconds or an HTTP date. */
function parseRetryAfter(value: string | null): number | undefined {
  if (value === null) return undefined
  if (/^\d+$/.test(value.trim())) return Number(value)
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000))
}

function abortedError(signal: AbortSignal): ProgressDBError {
  return new ProgressDBError({
    status: 0,
    code: 'ABORTED',
    message: 'The request was aborted.',
    cause: signal.reason,
  })
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(signal)
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer)
      reject(abortedError(signal!))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, { once: true })
  })
}
