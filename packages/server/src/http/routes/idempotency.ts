import type { IncomingHttpHeaders } from 'node:http'
import { isValidId } from '@progressdb/protocol'
import { AppError } from '../../app-error.js'

/**
 * The client id of a create: the body's `id`, else the `Idempotency-Key` header (which must
 * follow the id rules, since it becomes the item's id).
 */
export function clientIdOf(bodyId: string | undefined, headers: IncomingHttpHeaders): string | undefined {
  if (bodyId !== undefined) return bodyId
  const key = headers['idempotency-key']
  if (key === undefined) return undefined
  const value = Array.isArray(key) ? key[0] : key
  if (value === undefined || !isValidId(value))
    throw new AppError('INVALID_ID', 'Idempotency-Key must be 1-128 characters of [A-Za-z0-9._~:@-].')
  return value
}
