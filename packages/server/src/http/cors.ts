import type { IncomingMessage, ServerResponse } from 'node:http'
import { AppError } from '../app-error.js'

const ALLOWED_HEADERS =
  'authorization, content-type, x-api-key, x-user-id, x-user-signature, idempotency-key, x-progressdb-durability, x-request-id'

/**
 * CORS by allowlist (`server.corsOrigins`, `*` for any). Adds the headers for an allowed
 * origin and answers its preflight requests (returning true); a preflight from any other
 * origin is refused with ORIGIN_NOT_ALLOWED, through the one error mapper like every error.
 */
export function applyCors(origins: readonly string[], req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin
  const allowed = origin !== undefined && (origins.includes('*') || origins.includes(origin))
  if (allowed) {
    res.setHeader('access-control-allow-origin', origin)
    res.setHeader('vary', 'origin')
    res.setHeader('access-control-expose-headers', 'x-request-id, retry-after')
  }
  if (req.method !== 'OPTIONS' || req.headers['access-control-request-method'] === undefined) return false
  if (!allowed) throw new AppError('ORIGIN_NOT_ALLOWED', 'This origin is not allowed by server.corsOrigins.')
  res.setHeader('access-control-allow-methods', 'GET, POST, PUT, PATCH, DELETE, OPTIONS')
  res.setHeader('access-control-allow-headers', ALLOWED_HEADERS)
  res.setHeader('access-control-max-age', '600')
  res.writeHead(204).end()
  return true
}
