import { AppError } from '../app-error.js'
import type { ChatLimits } from './chat-context.js'

/** At most one of the cursor parameters, as SPEC section 3 defines them. */
export interface PageCursor {
  before?: string
  after?: string
  anchor?: string
}

export function pageLimit(limits: ChatLimits, requested: number | undefined): number {
  if (requested === undefined) return limits.pageSizeDefault
  return Math.min(requested, limits.pageSizeMax)
}

export function assertOneCursor(cursor: PageCursor): void {
  const given = [cursor.before, cursor.after, cursor.anchor].filter((c) => c !== undefined)
  if (given.length > 1)
    throw new AppError('INVALID_CURSOR', 'Pass at most one of before, after and anchor.')
}
