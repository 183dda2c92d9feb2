import { ERROR_CODES, type ErrorCode } from '@progressdb/protocol'
import { expect } from 'vitest'
import type { ApiResponse } from './harness.js'

/**
 * Asserts an error response of SPEC section 3: the exact status, the stable `code`, and the
 * `{error, code, request_id}` shape. Status and code are compared together so a failure shows both.
 */
export function expectError(res: ApiResponse, status: number, code: ErrorCode): void {
  expect({ status: res.status, code: res.body?.code }, res.text).toEqual({ status, code })
  expect(ERROR_CODES[code].status).toBe(status)
  expect(typeof res.body.error).toBe('string')
  expect(typeof res.body.request_id).toBe('string')
  expect(res.body.request_id.length).toBeGreaterThan(0)
}

/** Asserts a VALIDATION_FAILED response whose details name `path` (a JSON pointer like `/role`). */
export function expectValidationAt(res: ApiResponse, path: string): void {
  expectError(res, 400, 'VALIDATION_FAILED')
  const paths = (res.body.details ?? []).map((d: { path: string }) => d.path)
  expect(paths).toContain(path)
}

/** Whether a parsed body is a well-formed error of the registry (for bulk checks). */
export function isRegisteredError(body: unknown, status: number): boolean {
  if (typeof body !== 'object' || body === null) return false
  const b = body as Record<string, unknown>
  const code = b.code
  return (
    typeof code === 'string' &&
    Object.hasOwn(ERROR_CODES, code) &&
    ERROR_CODES[code as ErrorCode].status === status &&
    typeof b.error === 'string' &&
    typeof b.request_id === 'string' &&
    b.request_id.length > 0
  )
}
