import { ERROR_CODES, type ErrorCode } from '@progressdb/protocol'

export interface ErrorDetail {
  path: string
  message: string
}

/**
 * The one error class of the server: a stable `code` from the registry and a human message
 * that never contains a secret or a message body. http/ maps it to a response in one place.
 */
export class AppError extends Error {
  readonly status: number

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: readonly ErrorDetail[],
    readonly headers?: Readonly<Record<string, string>>,
  ) {
    super(message)
    this.name = 'AppError'
    this.status = ERROR_CODES[code].status
  }
}
