import type { RootDatabase } from 'lmdb'
import { StoreCommitError } from '../store-commit-error.js'

/**
 * Runs `body` in a child transaction of the next batched commit. lmdb-js reports a failed
 * commit as an error carrying a second, rejected `commitError` promise that nobody else
 * awaits; left alone, that rejection would end the process. It is consumed here and the
 * failure becomes one StoreCommitError (http/ answers it with 503 STORAGE_UNAVAILABLE).
 */
export async function inChildTransaction<T>(root: RootDatabase, body: () => T): Promise<T> {
  return asCommitError(() => root.childTransaction<T>(body))
}

/** Awaits an lmdb-js write, turning a refused commit into one StoreCommitError (see above). */
export async function asCommitError<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    const pending = (error as { commitError?: unknown } | null)?.commitError
    if (!(pending instanceof Promise)) throw error
    throw new StoreCommitError(await pending.then(() => error, (cause: unknown) => cause))
  }
}
