import type { IncomingMessage, ServerResponse } from 'node:http'
import { AppError } from '../app-error.js'
import type { Logger } from '../logging/logger.js'
import type { HttpObserver } from '../metrics/server-metrics.js'
import type { Durability } from '../store/chat-store.js'
import { authenticate, type AuthDeps } from './authenticate.js'
import { applyCors } from './cors.js'
import { toErrorResponse } from './error-response.js'
import { discardBody, parseJson, readBody } from './json-body.js'
import type { RateLimiter } from './rate-limiter.js'
import { JSON_CONTENT_TYPE, type Reply, type RequestContext, type Route } from './route.js'
import { requestIdOf } from './request-ids.js'
import type { Router } from './router.js'
import { SERVER_TIMING_HEADER, serverTimingValue } from './server-timing.js'
import { validate } from './validation.js'

export interface HttpAppDeps {
  router: Router
  auth: AuthDeps
  userLimiter: RateLimiter
  keyLimiter: RateLimiter
  corsOrigins: readonly string[]
  bodyMaxBytes: number
  defaultDurability: Durability
  log: Logger
  isShuttingDown: () => boolean
  /** `server.serverTiming`: a `Server-Timing` header on every reply. */
  serverTiming: boolean
  /** Told of every reply (/metrics); absent when `server.metrics` is `off`. */
  metrics: HttpObserver | undefined
  /** The server's request ids (request-ids.ts), shared with its replies outside the pipeline. */
  nextRequestId: () => string
}

const REQUEST_ID_HEADER = 'x-request-id'

/** What the pipeline knows of a request while answering it: for its reply's timing and metrics. */
interface Exchange {
  method: string
  /** When the request arrived (`performance.now()`). */
  started: number
  /** The matched route's path, or `unmatched` / `preflight` (the metrics' `route` label). */
  route: string
  requestId: string
}

/** The request pipeline: CORS, route, auth, rate limits, body, handler, and one error mapper. */
export function createRequestListener(deps: HttpAppDeps) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const requestId = requestIdOf(req.headers, deps.nextRequestId)
    const exchange: Exchange = { method: req.method ?? 'GET', started: performance.now(), route: 'unmatched', requestId }
    serve(deps, req, res, requestId, exchange).catch((error: unknown) => sendError(deps, req, res, error, requestId, exchange))
  }
}

async function serve(deps: HttpAppDeps, req: IncomingMessage, res: ServerResponse, requestId: string, exchange: Exchange) {
  // Replies other than `send`'s (a preflight's, a stream's) take the request id from here; `send`
  // puts it among the headers it passes to writeHead, which keeps node:http on its fast path
  // (a header set beforehand makes it set each of the reply's headers again, one by one).
  if (req.method === 'OPTIONS') res.setHeader(REQUEST_ID_HEADER, requestId)
  if (applyCors(deps.corsOrigins, req, res)) {
    // A preflight, answered there.
    deps.metrics?.replied(exchange.method, 'preflight', res.statusCode, (performance.now() - exchange.started) / 1000)
    return
  }
  const url = req.url ?? '/'
  const q = url.indexOf('?')
  const pathname = q === -1 ? url : url.slice(0, q)
  const { route, params } = deps.router.match(exchange.method, pathname)
  exchange.route = route.path
  if (deps.isShuttingDown() && route.access !== 'public')
    throw new AppError('SHUTTING_DOWN', 'The server is shutting down.', undefined, { connection: 'close' })
  const { key, actor } = authenticate(deps.auth, req.headers, route.access)
  if (key) deps.keyLimiter.take(key.id, 'key')
  if (actor) deps.userLimiter.take(actor.userId, 'user')
  const ctx: RequestContext = {
    requestId,
    params,
    query: new URLSearchParams(q === -1 ? '' : url.slice(q + 1)),
    headers: req.headers,
    body: route.body ? await readJsonBody(deps, req, route) : undefined,
    actor: actor ?? { userId: '', trusted: false },
    key,
    durability: durabilityOf(req, deps.defaultDurability),
  }
  const reply = await route.handle(ctx)
  if (reply.stream) {
    res.setHeader(REQUEST_ID_HEADER, requestId)
    reply.stream(req, res)
    deps.metrics?.replied(exchange.method, exchange.route, reply.status, undefined)
  } else send(deps, res, reply, exchange)
}

async function readJsonBody(deps: HttpAppDeps, req: IncomingMessage, route: Route): Promise<unknown> {
  const bytes = await readBody(req, deps.bodyMaxBytes)
  if (bytes.length === 0) {
    if (route.bodyOptional) return undefined
    throw new AppError('VALIDATION_FAILED', 'A JSON body is required.', [{ path: '/', message: 'is required' }])
  }
  return validate(route.body!, parseJson(bytes))
}

function durabilityOf(req: IncomingMessage, fallback: Durability): Durability {
  const value = req.headers['x-progressdb-durability']
  if (value === undefined) return fallback
  if (value === 'fast' || value === 'safe') return value
  throw new AppError('VALIDATION_FAILED', 'X-ProgressDB-Durability must be fast or safe.', [
    { path: 'header.x-progressdb-durability', message: 'must be fast or safe' },
  ])
}

function send(deps: HttpAppDeps, res: ServerResponse, reply: Reply, exchange: Exchange): void {
  if (res.headersSent || res.destroyed) return
  // Not `{ ...reply.headers }`: a spread copy that then gains a key survives scavenges on
  // Node 20 (docs/performance.md, session 7).
  const headers: Record<string, string | number> = Object.assign({}, reply.headers)
  headers[REQUEST_ID_HEADER] = exchange.requestId
  let body: string | Buffer | undefined
  if (reply.raw) {
    body = reply.raw.text
    headers['content-type'] = reply.raw.contentType
    headers['content-length'] = Buffer.byteLength(body)
  } else if (reply.body !== undefined) {
    // Encoded once: the length is the buffer's, and the socket writes bytes, not a string.
    body = Buffer.from(JSON.stringify(reply.body))
    headers['content-type'] = JSON_CONTENT_TYPE
    headers['content-length'] = body.length
  }
  // Taken last, so the reply's own encoding is inside the duration.
  if (deps.serverTiming) headers[SERVER_TIMING_HEADER] = serverTimingValue(exchange.started)
  res.writeHead(reply.status, headers).end(body)
  deps.metrics?.replied(exchange.method, exchange.route, reply.status, (performance.now() - exchange.started) / 1000)
  // Every reply at debug (checked first: the hot path builds nothing when it is off).
  if (deps.log.enabled('debug'))
    deps.log.debug('request', { ...describeExchange(exchange), status: reply.status, ms: performance.now() - exchange.started })
}

/** What a log line tells of a request: its id, method and route pattern (never ids or bodies). */
function describeExchange(exchange: Exchange) {
  return { request_id: exchange.requestId, method: exchange.method, route: exchange.route }
}

/** Bodies past the limit are drained up to this many times the limit, then the socket is cut. */
const DRAIN_FACTOR = 8

function sendError(
  deps: HttpAppDeps,
  req: IncomingMessage,
  res: ServerResponse,
  error: unknown,
  requestId: string,
  exchange: Exchange,
): void {
  const { status, body, headers } = toErrorResponse(error, requestId, deps.log)
  // No `Connection: close` here: closing with body bytes still arriving makes the kernel reset
  // the connection, and a client still writing never sees the 413.
  if (body.code === 'PAYLOAD_TOO_LARGE') discardBody(req, Math.max(DRAIN_FACTOR * deps.bodyMaxBytes, 64 << 20))
  // Refusals at info, so the request_id a client quotes always finds its line.
  if (status >= 500) deps.log.warn('request failed', { ...describeExchange(exchange), code: body.code, status })
  else deps.log.info('request refused', { ...describeExchange(exchange), code: body.code, status })
  send(deps, res, { status, body, headers }, exchange)
}
