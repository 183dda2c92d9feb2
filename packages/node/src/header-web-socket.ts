import type { WebSocketConstructor } from '@progressdb/js'
import WebSocket from 'ws'

const CREDENTIAL_PARAMS = {
  api_key: 'x-api-key',
  user_id: 'x-user-id',
  signature: 'x-user-signature',
}

/**
 * The `ws` WebSocket for @progressdb/js's live connection. On Node headers are possible, so
 * the credentials the browser path puts in the query (`api_key`, `user_id`, `signature`)
 * move into headers: a backend key never appears in a URL (proxy logs, error messages).
 */
export class HeaderWebSocket extends WebSocket {
  constructor(url: string) {
    const target = new URL(url)
    const headers: Record<string, string> = {}
    for (const [param, header] of Object.entries(CREDENTIAL_PARAMS)) {
      const value = target.searchParams.get(param)
      if (value === null) continue
      headers[header] = value
      target.searchParams.delete(param)
    }
    super(target, { headers })
  }
}

export const NodeWebSocket: WebSocketConstructor = HeaderWebSocket
