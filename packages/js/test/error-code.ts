import { isProgressDBError } from '../src/index.js'

/** The `code` a call rejects with ('resolved' if it did not), for one-line error assertions. */
export const codeOf = (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'resolved',
    (error: unknown) =>
      isProgressDBError(error) ? error.code : `not a ProgressDBError: ${String(error)}`,
  )
