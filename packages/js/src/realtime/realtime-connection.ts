import type { ClientFrame, ServerFrame } from '@progressdb/protocol'
import { toQueryCredentials } from '../credentials.js'
import { backoffDelayMs } from '../retry-policy.js'
import type { Transport } from '../transport.js'
import {
  frameText,
  OPEN,
  webSocketUrl,
  type WebSocketConstructor,
  type WebSocketLike,
} from './web-socket.js'

/**
 * `idle`: no socket (nothing subscribed); `connecting`: the first attempt; `open`;
 * `reconnecting`: the socket was lost and the next attempt is scheduled or under way;
 * `closed`: `close()` was called.
 */
export type ConnectionStatus = 'idle' | 'connecting' | 'open' | 'reconnecting' | 'closed'

export interface ConnectionStatusEvent {
  status: ConnectionStatus
  /** The WebSocket close code that ended the previous socket (4008: the client was too slow). */
  closeCode?: number
}

export interface RealtimeOptions {
  /** The WebSocket constructor; defaults to the global one (browsers, React Native, Node 22+). */
  WebSocket?: WebSocketConstructor
  /** Backoff between reconnect attempts, doubled each time with jitter. Default 250 / 10 000. */
  reconnect?: { minDelayMs?: number; maxDelayMs?: number }
  /** How long the socket stays open after the last subscription ends. Default 1000. */
  idleCloseMs?: number
  /** A socket not open after this long is given up and replaced. Default 10 000. */
  openTimeoutMs?: number
}

/** What shares the socket: a thread's subscriptions, or the thread list's. */
export interface Channel {
  /** `thread:<id>` or `threads`: frames are routed by it. */
  readonly key: string
  /** Sends the subscribe frame; called when attached to an open socket and after each reconnect. */
  resubscribe(): void
  receive(frame: ServerFrame): void
  /** The socket is gone; a reconnect follows unless the connection was closed. */
  disconnected(): void
  /** The connection was closed for good (`close()`). */
  ended(): void
}

/** One multiplexed WebSocket per client; see `createRealtimeConnection`. */
export interface RealtimeConnection {
  readonly status: ConnectionStatus
  onStatus(listener: (event: ConnectionStatusEvent) => void): () => void
  /** Adds a channel (connecting if needed); returns how to remove it. */
  attach(channel: Channel): () => void
  /** Sends a frame if the socket is open; false otherwise (the frame is not queued). */
  send(frame: ClientFrame): boolean
  /** Ends every subscription and closes the socket. A later subscribe connects again. */
  close(): void
}

const NORMAL_CLOSE = 1000

function routeKey(frame: ServerFrame): string | undefined {
  if ('thread_id' in frame && frame.thread_id !== undefined) return `thread:${frame.thread_id}`
  if (frame.type.startsWith('threads') || frame.type === 'error') return 'threads'
  return undefined
}

/**
 * The socket behind `client.subscribe`: opened on the first subscription, closed
 * `idleCloseMs` after the last; reconnects with exponential backoff and jitter, and each
 * channel then subscribes again from the last change it received. Credentials travel as
 * query parameters (browsers cannot set WebSocket headers). A socket that never opened says
 * nothing about why (a refused signature and a server that is down look the same), so the
 * next attempt goes with the signature held, unless it is known to have expired (the
 * credentials renew an expiring signature ahead of its expiry); throwing away a valid one
 * while the server is down would leave every request without credentials.
 */
export function createRealtimeConnection(
  transport: Transport,
  WebSocketImpl: WebSocketConstructor,
  options: RealtimeOptions = {},
): RealtimeConnection {
  const backoff = { minDelayMs: 250, maxDelayMs: 10_000, ...options.reconnect }
  const idleCloseMs = options.idleCloseMs ?? 1000
  const openTimeoutMs = options.openTimeoutMs ?? 10_000
  const channels = new Map<string, Channel>()
  const listeners = new Set<(event: ConnectionStatusEvent) => void>()
  let status: ConnectionStatus = 'idle'
  let socket: WebSocketLike | undefined
  let connecting = false
  let failures = 0
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined
  let idleTimer: ReturnType<typeof setTimeout> | undefined

  const setStatus = (next: ConnectionStatus, closeCode?: number) => {
    status = next
    const event = closeCode === undefined ? { status } : { status, closeCode }
    for (const listener of [...listeners]) listener(event)
  }
  const clearTimers = () => {
    clearTimeout(reconnectTimer)
    clearTimeout(idleTimer)
    reconnectTimer = idleTimer = undefined
  }

  async function connect(): Promise<void> {
    reconnectTimer = undefined
    connecting = true
    let ws: WebSocketLike
    try {
      const auth = await transport.auth.headers()
      ws = new WebSocketImpl(webSocketUrl(transport.baseUrl, toQueryCredentials(auth.headers)))
    } catch {
      return scheduleReconnect(undefined)
    } finally {
      connecting = false
    }
    if (channels.size === 0 || status === 'closed') return ws.close(NORMAL_CLOSE)
    socket = ws
    const giveUp = setTimeout(() => {
      if (socket !== ws) return
      ws.onclose?.({ code: 1006, reason: 'open timeout' })
      ws.onclose = null
      ws.close()
    }, openTimeoutMs)
    ws.onopen = () => {
      clearTimeout(giveUp)
      failures = 0
      setStatus('open')
      for (const channel of [...channels.values()]) channel.resubscribe()
    }
    ws.onmessage = (event) => {
      let frame: ServerFrame
      try {
        frame = JSON.parse(frameText(event.data)) as ServerFrame
      } catch {
        return // the server only sends JSON; anything else is ignored rather than fatal
      }
      const key = routeKey(frame)
      if (key !== undefined) channels.get(key)?.receive(frame)
    }
    ws.onerror = () => undefined // a close event follows
    ws.onclose = (event) => {
      clearTimeout(giveUp)
      if (socket !== ws) return
      socket = undefined
      for (const channel of [...channels.values()]) channel.disconnected()
      scheduleReconnect(event.code)
    }
  }

  function scheduleReconnect(closeCode: number | undefined): void {
    if (status === 'closed') return
    if (channels.size === 0) return setStatus('idle', closeCode)
    setStatus('reconnecting', closeCode)
    failures += 1
    reconnectTimer = setTimeout(() => void connect(), backoffDelayMs(failures, backoff))
  }

  function closeSocket(): void {
    const ws = socket
    socket = undefined
    if (ws) {
      ws.onclose = null
      ws.close(NORMAL_CLOSE)
    }
  }

  return {
    get status() {
      return status
    },
    onStatus(listener) {
      listeners.add(listener)
      return () => void listeners.delete(listener)
    },
    attach(channel) {
      channels.set(channel.key, channel)
      clearTimeout(idleTimer)
      if (socket?.readyState === OPEN) {
        if (status !== 'open') setStatus('open')
        channel.resubscribe()
      } else if (!socket && !connecting && reconnectTimer === undefined) {
        setStatus('connecting')
        void connect()
      } // else a socket is on its way: it resubscribes every channel when it opens
      return () => {
        if (channels.get(channel.key) !== channel) return
        channels.delete(channel.key)
        if (channels.size > 0) return
        clearTimers()
        idleTimer = setTimeout(() => {
          closeSocket()
          failures = 0
          setStatus('idle')
        }, idleCloseMs)
      }
    },
    send(frame) {
      if (socket?.readyState !== OPEN) return false
      socket.send(JSON.stringify(frame))
      return true
    },
    close() {
      clearTimers()
      closeSocket()
      setStatus('closed')
      const ended = [...channels.values()]
      channels.clear()
      for (const channel of ended) channel.ended()
    },
  }
}
