import { AppError } from '../app-error.js'

/** Typed readers for query parameters; a bad value is VALIDATION_FAILED at `query.<name>`. */

function invalid(name: string, message: string): AppError {
  return new AppError('VALIDATION_FAILED', `query.${name}: ${message}`, [{ path: `query.${name}`, message }])
}

export function intParam(query: URLSearchParams, name: string, min: number): number | undefined {
  const raw = query.get(name)
  if (raw === null) return undefined
  const value = Number(raw)
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value < min)
    throw invalid(name, `must be an integer >= ${min}`)
  return value
}

export function boolParam(query: URLSearchParams, name: string): boolean {
  const raw = query.get(name)
  if (raw === null) return false
  if (raw === 'true' || raw === '1') return true
  if (raw === 'false' || raw === '0') return false
  throw invalid(name, 'must be true or false (or 1 or 0)')
}

export function enumParam<T extends string>(query: URLSearchParams, name: string, allowed: readonly T[], fallback: T): T {
  const raw = query.get(name)
  if (raw === null) return fallback
  if ((allowed as readonly string[]).includes(raw)) return raw as T
  throw invalid(name, `must be one of ${allowed.join(', ')}`)
}

export function stringParam(query: URLSearchParams, name: string, maxLength = 1024): string | undefined {
  const raw = query.get(name)
  if (raw === null) return undefined
  if (raw.length === 0 || raw.length > maxLength) throw invalid(name, `must be 1-${maxLength} characters`)
  return raw
}
