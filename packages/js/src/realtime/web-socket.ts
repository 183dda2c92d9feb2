/**
 * An event handler property. Declared as a method so implementations whose events carry more
 * fields (a DOM `MessageEvent`, `ws`'s own event classes) still fit (method bivariance).
 */
type Handler<E> = { handle(event: E): void }['handle'] | null

/**
 * The part of the WebSocket API the client uses: the browser's and React Native's global
 * `WebSocket`, and the `ws` package on Node, all fit it.
 */
export interface WebSocketLike {
  readonly readyState: number
  send(data: string): void
  close(code?: number, reason?: string): void
  onopen: Handler<never>
  onmessage: Handler<{ data: unknown }>
  onclose: Handler<{ code: number; reason: string }>
  onerror: Handler<never>
}

/** `new WebSocket(url)`: the global one, or e.g. `import WebSocket from 'ws'` on Node. */
export type WebSocketConstructor = new (url: string) => WebSocketLike

/** WebSocket.OPEN in every implementation. */
export const OPEN = 1

export const WS_PATH = '/frontend/v1/ws'

/**
 * `http(s)://host/prefix` → `ws(s)://host/prefix/frontend/v1/ws?<params>`. Built as a string:
 * React Native's `URL` lacks most of `searchParams`.
 */
export function webSocketUrl(baseUrl: string, params: Record<string, string>): string {
  const query = Object.entries(params)
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&')
  const base = baseUrl.replace(/\/+$/, '').replace(/^http/, 'ws')
  return `${base}${WS_PATH}${query ? `?${query}` : ''}`
}

/** The constructor given, else the global one; undefined when there is none (Node 20). */
export function resolveWebSocket(
  given: WebSocketConstructor | undefined,
): WebSocketConstructor | undefined {
  return given ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket
}

/** A frame's text: browsers give a string, `ws` a string too (or a Buffer for binary). */
export function frameText(data: unknown): string {
  return typeof data === 'string' ? data : String(data)
}
