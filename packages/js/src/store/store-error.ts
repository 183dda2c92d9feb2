import type { ProgressDBError } from '../errors.js'

/** Codes of failures to reach the service at all (status 0). */
const UNREACHABLE_CODES = new Set(['NETWORK_ERROR', 'TIMEOUT', 'CREDENTIALS_UNAVAILABLE'])

/**
 * A failure of the way to the service (no response, a timeout, no credentials to be had,
 * a 5xx), as opposed to a refusal of what was asked (a 4xx). The stores clear such an error
 * once they hear from the server again; a refusal stays until the user's next action.
 */
export function isTransportError(error: ProgressDBError): boolean {
  return error.status >= 500 || (error.status === 0 && UNREACHABLE_CODES.has(error.code))
}

/** `error` once the service was heard from again: a transport error is over, a refusal stays. */
export function afterReachingServer(
  error: ProgressDBError | undefined,
): ProgressDBError | undefined {
  return error && isTransportError(error) ? undefined : error
}
