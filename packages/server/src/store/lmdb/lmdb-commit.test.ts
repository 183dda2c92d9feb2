import type { RootDatabase } from 'lmdb'
import { describe, expect, it } from 'vitest'
import { StoreCommitError } from '../store-commit-error.js'
import { inChildTransaction } from './lmdb-commit.js'

/** lmdb-js's shape of a refused commit (seen with two processes writing: MDB_BAD_VALSIZE). */
function refusingRoot(cause: Error): RootDatabase {
  return {
    childTransaction: () => {
      const commitError = Promise.reject(cause)
      return Promise.reject(Object.assign(new Error('Commit failed (see commitError for details)'), { commitError }))
    },
  } as unknown as RootDatabase
}

describe('inChildTransaction', () => {
  it('turns a refused commit into one StoreCommitError and leaves no rejection unhandled', async () => {
    const unhandled: unknown[] = []
    const onUnhandled = (reason: unknown) => unhandled.push(reason)
    process.on('unhandledRejection', onUnhandled)
    try {
      const cause = Object.assign(new Error('MDB_BAD_VALSIZE: Unsupported size'), { code: -30781 })
      const failure = await inChildTransaction(refusingRoot(cause), () => 1).catch((e: unknown) => e)
      expect(failure).toBeInstanceOf(StoreCommitError)
      expect((failure as StoreCommitError).cause).toBe(cause)
      await new Promise((resolve) => setTimeout(resolve, 20))
      expect(unhandled).toEqual([])
    } finally {
      process.off('unhandledRejection', onUnhandled)
    }
  })

  it('passes other failures through unchanged', async () => {
    const plain = new Error('decide threw')
    const root = { childTransaction: () => Promise.reject(plain) } as unknown as RootDatabase
    await expect(inChildTransaction(root, () => 1)).rejects.toBe(plain)
  })
})
