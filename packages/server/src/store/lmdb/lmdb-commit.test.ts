import { spawnSync } from 'node:child_process'
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

describe('guardOrphanCommitFailures', () => {
  // In a child process: the guard is process-wide, and the other case must end the process.
  const run = (rejection: string) => {
    const module = new URL('../../../dist/store/lmdb/lmdb-commit.js', import.meta.url).href
    const script = `
      const { guardOrphanCommitFailures } = await import(${JSON.stringify(module)})
      guardOrphanCommitFailures((msg) => console.log('warned: ' + msg))
      ${rejection}
      setTimeout(() => console.log('still running'), 100)`
    return spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 })
  }

  it('keeps the process alive through lmdb-js\'s own unawaited commit promise failing, and logs the cause', () => {
    // In lmdb-js's order (the writes rejected first, then the shared commitError) and the other.
    const orders = [
      `let fail
      const commitError = new Promise((_, reject) => (fail = reject))
      Promise.reject(Object.assign(new Error('Commit failed (see commitError for details)'), { commitError }))
      fail(Object.assign(new Error('Input/output error'), { code: 5 }))`,
      `const commitError = Promise.reject(Object.assign(new Error('Input/output error'), { code: 5 }))
      Promise.reject(Object.assign(new Error('Commit failed (see commitError for details)'), { commitError }))`,
    ]
    for (const order of orders) {
      const result = run(order)
      expect(result.status, result.stderr).toBe(0)
      expect(result.stdout).toContain('warned: a storage commit failed, its writes were refused: Error: Input/output error')
      expect(result.stdout).toContain('still running')
    }
  })

  it('still ends the process on any other unhandled rejection', () => {
    const result = run(`Promise.reject(new Error('a real bug'))`)
    expect(result.status).not.toBe(0)
    expect(result.stderr).toContain('a real bug')
    expect(result.stdout).not.toContain('still running')
  })
})
