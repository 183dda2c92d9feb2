import { STATUS_CODES } from 'node:http'
import type { Duplex } from 'node:stream'
import { AppError } from '../app-error.js'

/**
 * Answers on a bare socket, outside the request pipeline (a refused WebSocket upgrade, a request
 * node's HTTP parser rejected): the same `{error, code, request_id}` body and status as any
 * other error, then the connection is closed.
 */
export function writeRawError(socket: Duplex, error: AppError, requestId: string): void {
  const body = JSON.stringify({ error: error.message, code: error.code, request_id: requestId })
  socket.end(
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `x-request-id: ${requestId}\r\nconnection: close\r\n\r\n${body}`,
  )
}

/** The error for a request node's HTTP parser refused, by the parser's error code. */
export function parserError(code: string | undefined): AppError {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return new AppError('HEADERS_TOO_LARGE', 'The request line and headers are too large.')
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new AppError('REQUEST_TIMEOUT', 'The request did not arrive in time.')
    default:
      // An unknown method (`HPE_INVALID_METHOD`) is here too: a 4xx, as any malformed request.
      return new AppError('MALFORMED_REQUEST', 'Malformed HTTP request (an unknown method, or a bad request line or header).')
  }
}
