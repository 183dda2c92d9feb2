/**
 * A commit the storage engine refused, from any backend: nothing of the transaction was
 * applied, and retrying may succeed. http/ answers it with 503 STORAGE_UNAVAILABLE.
 */
export class StoreCommitError extends Error {
  constructor(cause: unknown) {
    super(`The commit failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.name = 'StoreCommitError'
  }
}
