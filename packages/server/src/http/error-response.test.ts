import { describe, expect, it } from 'vitest'
import { AppError } from '../app-error.js'
import { createLogger } from '../logging/logger.js'
import { StoreCommitError } from '../store/store-commit-error.js'
import { toErrorResponse } from './error-response.js'

const log = createLogger('silent')
const errno = (code: string, message: string) => Object.assign(new Error(message), { code })

describe('toErrorResponse', () => {
  it('answers a refused commit with 503 STORAGE_UNAVAILABLE', () => {
    const { status, body } = toErrorResponse(new StoreCommitError(errno('EIO', 'i/o error')), 'r1', log)
    expect([status, body.code]).toEqual([503, 'STORAGE_UNAVAILABLE'])
  })

  it('answers a commit refused for a full disk with 507 STORAGE_FULL, whichever layer wrapped it', () => {
    const wrapped = toErrorResponse(new StoreCommitError(errno('ENOSPC', 'no space left on device, write')), 'r2', log)
    expect([wrapped.status, wrapped.body.code]).toEqual([507, 'STORAGE_FULL'])
    const bare = toErrorResponse(new Error('MDB_MAP_FULL: Environment mapsize limit reached'), 'r3', log)
    expect([bare.status, bare.body.code]).toEqual([507, 'STORAGE_FULL'])
  })

  it('keeps an AppError and hides anything unknown behind 500 INTERNAL', () => {
    expect(toErrorResponse(new AppError('THREAD_NOT_FOUND', 'No such thread.'), 'r4', log).status).toBe(404)
    const { status, body } = toErrorResponse(new Error('secret detail'), 'r5', log)
    expect([status, body.code, body.error]).toEqual([500, 'INTERNAL', 'Internal error.'])
  })
})
