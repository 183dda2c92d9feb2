import type { IncomingMessage, Server } from 'node:http'
import type { Duplex } from 'node:stream'
import type { ServerFrame } from '@progressdb/protocol'
import { WebSocketServer, type WebSocket } from 'ws'
import { AppError } from '../app-error.js'
import type { Actor } from '../chat/actor.js'
import { checkResumePoint } from '../chat/change-feed.js'
import { authenticate, type AuthDeps } from '../http/authenticate.js'
import { writeRawError } from '../http/raw-error-reply.js'
import { requestIdOf } from '../http/request-ids.js'
import { route, type Route } from '../http/route.js'
import type { RouteDeps } from '../http/routes/route-deps.js'
import type { Logger } from '../logging/logger.js'
import { isShutdown } from './end-reason.js'
import { parseClientFrame } from './ws-protocol.js'
import { createWsThreadList } from './ws-thread-list.js'
import { openThreadSubscription, type EventSink, type ThreadSubscription } from './thread-subscription.js'

export const WS_PATH = '/frontend/v1/ws'

/**
 * The WebSocket endpoint in the route table, so the OpenAPI document lists it: a plain GET (no
 * upgrade) is told to upgrade. Upgrades never reach routes; `attachWebSocketGateway` takes them.
 */
export function webSocketRoute(): Route {
  return route({
    method: 'GET',
    path: WS_PATH,
    access: 'user',
    successStatus: 101,
    summary:
      'WebSocket (upgrade only): subscribe to threads and to the caller\'s thread list; presence and typing. A plain GET gets 426 UPGRADE_REQUIRED. Frames: docs/api.md.',
    handle: () => {
      throw new AppError('UPGRADE_REQUIRED', `${WS_PATH} answers WebSocket upgrades only.`, undefined, {
        upgrade: 'websocket',
      })
    },
  })
}

/** Close code for a client that does not keep up (4000-4999 are for applications). */
const TOO_SLOW = 4008

/**
 * Browsers cannot set headers on a WebSocket, so the credentials may also come as query
 * parameters: `api_key`, `user_id`, `signature`.
 */
function credentialHeaders(req: IncomingMessage, query: URLSearchParams) {
  const headers = { ...req.headers }
  const key = query.get('api_key')
  if (key && !headers.authorization && !headers['x-api-key']) headers['x-api-key'] = key
  const user = query.get('user_id')
  if (user && !headers['x-user-id']) headers['x-user-id'] = user
  const signature = query.get('signature')
  if (signature && !headers['x-user-signature']) headers['x-user-signature'] = signature
  return headers
}

/**
 * WebSocket subscriptions at /frontend/v1/ws, with the same auth as HTTP: send
 * `{"type":"subscribe","thread_id":"…","since":N}`, receive `events` frames (the same events,
 * numbering and resume semantics as the SSE stream), `{"type":"unsubscribe",…}` to stop;
 * `{"type":"subscribe_threads","since":C}` for the caller's thread list (ws-thread-list.ts).
 * The frames are typed in @progressdb/protocol (realtime.ts).
 */
export function attachWebSocketGateway(
  server: Server,
  deps: RouteDeps,
  auth: AuthDeps,
  log: Logger,
  nextRequestId: () => string,
) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refuse = (error: AppError) => {
      const requestId = requestIdOf(req.headers, nextRequestId)
      writeRawError(socket, error, requestId)
      log.debug('websocket upgrade refused', { request_id: requestId, code: error.code, status: error.status })
    }
    const url = req.url ?? '/'
    const q = url.indexOf('?')
    if ((q === -1 ? url : url.slice(0, q)) !== WS_PATH) {
      refuse(new AppError('ROUTE_NOT_FOUND', `No WebSocket endpoint at this path; use ${WS_PATH}.`))
      return
    }
    let actor: Actor
    try {
      actor = authenticate(auth, credentialHeaders(req, new URLSearchParams(q === -1 ? '' : url.slice(q + 1))), 'user').actor!
    } catch (error) {
      refuse(error instanceof AppError ? error : new AppError('INTERNAL', 'Internal error.'))
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws, actor, deps, log))
  })
  return {
    /** Open WebSocket connections. */
    connections: (): number => wss.clients.size,
    close(): void {
      for (const ws of wss.clients) ws.close(1001, 'SHUTTING_DOWN')
      wss.close()
    },
  }
}

function serveConnection(ws: WebSocket, actor: Actor, deps: RouteDeps, log: Logger): void {
  const subscriptions = new Map<string, { subscription: ThreadSubscription; unregister: () => void; leave: () => void }>()
  let closed = false
  const send = (frame: ServerFrame) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(frame))
  }
  const isBacklogged = () => ws.bufferedAmount > deps.realtime.sendQueueMaxBytes
  const closeTooSlow = () => ws.close(TOO_SLOW, 'SUBSCRIBER_TOO_SLOW')
  const threadList = createWsThreadList(
    {
      chat: deps.chat,
      hub: deps.realtime.hub,
      subscriptions: deps.realtime.subscriptions,
      slackMs: deps.realtime.threadListSlackMs,
      pageLimit: deps.chat.context.limits.pageSizeMax,
    },
    actor,
    { send, isBacklogged, closeTooSlow },
  )
  const fail = (error: unknown, threadId?: string) => {
    const known = error instanceof AppError ? error : undefined
    if (!known) log.error('websocket frame failed', { err: error })
    const code = known?.code ?? 'INTERNAL'
    send({ type: 'error', code, message: known?.message ?? 'Internal error.', ...(threadId ? { thread_id: threadId } : {}) })
  }
  /** Ends a subscription the client no longer wants; its sink then stays silent. */
  const drop = (threadId: string) => {
    const entry = subscriptions.get(threadId)
    subscriptions.delete(threadId)
    entry?.unregister()
    entry?.leave()
    entry?.subscription.close()
  }
  const subscribe = async (threadId: string, since: number | undefined) => {
    drop(threadId)
    const thread = await deps.chat.getThread(actor, threadId, { includeDeleted: true })
    if (closed) return
    const start = since ?? thread.last_change
    checkResumePoint(thread, start)
    const sink: EventSink = {
      send(events) {
        if (isBacklogged()) return false
        send({ type: 'events', thread_id: threadId, events })
        return true
      },
      close(reason) {
        const entry = subscriptions.get(threadId)
        if (entry?.subscription !== subscription) return // ended by the client
        subscriptions.delete(threadId)
        entry.unregister()
        entry.leave()
        if (reason.code === 'SUBSCRIBER_TOO_SLOW') closeTooSlow()
        else if (!isShutdown(reason)) send({ type: 'unsubscribed', thread_id: threadId, code: reason.code, message: reason.message })
      },
    }
    send({ type: 'subscribed', thread_id: threadId, since: start })
    // The sink's close runs only later (deliveries are asynchronous), once this is assigned.
    const subscription: ThreadSubscription = openThreadSubscription({ chat: deps.chat, hub: deps.realtime.hub }, actor, threadId, start, sink)
    subscriptions.set(threadId, {
      subscription,
      unregister: deps.realtime.subscriptions.add(subscription, 'websocket'),
      leave: deps.realtime.presence.join(threadId, actor.userId, send),
    })
  }
  const handle = async (data: Buffer, isBinary: boolean): Promise<void> => {
    let frame
    try {
      if (isBinary) throw new AppError('VALIDATION_FAILED', 'Frames are JSON text.')
      frame = parseClientFrame(data.toString('utf8'))
    } catch (error) {
      return fail(error)
    }
    if (closed) return
    if (frame.type === 'subscribe_threads') return threadList.subscribe(frame.since)
    if (frame.type === 'unsubscribe_threads') return threadList.unsubscribe()
    if (frame.type === 'typing') {
      if (!subscriptions.has(frame.thread_id))
        return fail(new AppError('VALIDATION_FAILED', 'Subscribe to the thread before sending typing.'), frame.thread_id)
      return deps.realtime.presence.setTyping(frame.thread_id, actor.userId, frame.typing)
    }
    if (frame.type === 'unsubscribe') {
      drop(frame.thread_id)
      return send({ type: 'unsubscribed', thread_id: frame.thread_id })
    }
    const threadId = frame.thread_id
    await subscribe(threadId, frame.since).catch((error: unknown) => fail(error, threadId))
  }
  // Frames are handled one at a time, in the order sent: a subscribe waits for its thread read,
  // and a frame behind it (another subscribe, an unsubscribe, typing) must see its outcome.
  let handled: Promise<void> = Promise.resolve()
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    handled = handled
      .then(() => handle(data, isBinary))
      .catch((error: unknown) => log.error('websocket frame failed', { err: error }))
  })
  ws.on('close', () => {
    closed = true
    threadList.close()
    for (const threadId of [...subscriptions.keys()]) drop(threadId)
  })
  ws.on('error', () => ws.terminate())
}

