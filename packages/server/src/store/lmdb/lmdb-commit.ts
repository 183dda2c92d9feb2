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

/** lmdb-js's error for a write whose batch failed to commit (the cause is in `commitError`). */
function isCommitFailure(reason: unknown): reason is Error & { commitError: Promise<unknown> } {
  return (
    reason instanceof Error &&
    reason.message === 'Commit failed (see commitError for details)' &&
    (reason as { commitError?: unknown }).commitError instanceof Promise
  )
}

let guarded = false

/**
 * lmdb-js opens each batched commit with a write of its own whose promise nobody holds; when the
 * commit fails (a full disk: ENOSPC, or EIO on some filesystems) that promise rejects unhandled,
 * which would end the process, although every write in the batch was refused to its caller
 * (a 503/507). Seen with `--workers` on a full disk: every worker died, and so did every
 * replacement. This swallows exactly that rejection, with its `commitError` (which may be
 * reported just before it), and logs it; any other unhandled rejection still ends the process as
 * Node's default does, one event-loop turn later. Installed once, by the processes that write
 * through lmdb-js's batched commits.
 */
export function guardOrphanCommitFailures(warn: (msg: string) => void): void {
  if (guarded) return
  guarded = true
  /** The causes of the failed commits seen: reported unhandled too when they come first. */
  const causes = new WeakSet<object>()
  process.on('unhandledRejection', (reason) => {
    if (isCommitFailure(reason)) {
      reason.commitError.catch((cause: unknown) => {
        if (typeof cause === 'object' && cause !== null) causes.add(cause)
        warn(`a storage commit failed, its writes were refused: ${String(cause)}`)
      })
      return
    }
    // Decided a turn later, once a commit failure reported after its own cause has been seen.
    setImmediate(() => {
      if (!(typeof reason === 'object' && reason !== null && causes.has(reason))) throw reason
    })
  })
}

/** Awaits an lmdb-js write, turning a refused commit into one StoreCommitError (see above). */
export async function asCommitError<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write()
  } catch (error) {
    if (!isCommitFailure(error)) throw error
    throw new StoreCommitError(await error.commitError.then(() => error, (cause: unknown) => cause))
  }
}
