import type { ErrorBody } from '@progressdb/protocol'
import { AppError } from '../app-error.js'
import type { Logger } from '../logging/logger.js'
import { StoreCommitError } from '../store/store-commit-error.js'

/**
 * The one place errors become HTTP responses. An AppError keeps its code and message; a store
 * failure we can name (disk full, read-only) gets its code; anything else is a 500 INTERNAL
 * with a generic message, its cause logged under the request id.
 */
export function toErrorResponse(
  error: unknown,
  requestId: string,
  log: Logger,
): { status: number; body: ErrorBody; headers: Record<string, string> } {
  const known = error instanceof AppError ? error : storageError(error)
  if (known) {
    if (!(error instanceof AppError)) log.error('storage failure', { request_id: requestId, err: error })
    const body: ErrorBody = { error: known.message, code: known.code, request_id: requestId }
    if (known.details) body.details = [...known.details]
    return { status: known.status, body, headers: { ...known.headers } }
  }
  log.error('unexpected error', { request_id: requestId, err: error })
  return {
    status: 500,
    body: { error: 'Internal error.', code: 'INTERNAL', request_id: requestId },
    headers: {},
  }
}

const describe = (error: unknown) =>
  error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}` : ''

function storageError(error: unknown): AppError | undefined {
  // A refused commit carries the engine's or the file system's error as its cause.
  const text = `${describe(error)} ${error instanceof Error ? describe(error.cause) : ''}`
  if (/ENOSPC|MDB_MAP_FULL|No space left/i.test(text))
    return new AppError('STORAGE_FULL', 'The store is full; writes fail until space is freed. Reads still work.')
  if (error instanceof StoreCommitError)
    return new AppError('STORAGE_UNAVAILABLE', 'The write was not committed (nothing of it was applied); retry it.')
  if (/EROFS|EACCES|read-only|Permission denied/i.test(text))
    return new AppError('STORAGE_UNAVAILABLE', 'The store cannot take writes right now. Reads still work.')
  return undefined
}
