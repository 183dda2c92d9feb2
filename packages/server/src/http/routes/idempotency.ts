import type { IncomingHttpHeaders } from 'node:http'
import { isValidId } from '@progressdb/protocol'
import { AppError } from '../../app-error.js'

/**
 * The client id of a create: the body's `id`, else the `Idempotency-Key` header (which must
 * follow the id rules, since it becomes the item's id). Both, naming different ids, is a
 * mistake the client should hear of, not a silent choice of one.
 */
export function clientIdOf(bodyId: string | undefined, headers: IncomingHttpHeaders): string | undefined {
  const key = headers['idempotency-key']
  const value = Array.isArray(key) ? key[0] : key
  if (value !== undefined && !isValidId(value))
    throw new AppError('INVALID_ID', 'Idempotency-Key must be 1-128 characters of [A-Za-z0-9._~:@-].')
  if (bodyId !== undefined && value !== undefined && value !== bodyId)
    throw new AppError('VALIDATION_FAILED', 'The body id and the Idempotency-Key header name different ids.', [
      { path: 'header.idempotency-key', message: 'must equal the body id when both are given' },
    ])
  return bodyId ?? value
}
