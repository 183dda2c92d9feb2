import { ID_PATTERN, USER_ID_PATTERN } from '@progressdb/protocol'
import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, ValueErrorType, type TypeCheck, type ValueError } from '@sinclair/typebox/compiler'
import { AppError } from '../app-error.js'

const ID_PATTERNS = new Set([ID_PATTERN, USER_ID_PATTERN])

/**
 * Whether an error is an id breaking the id rules: a string field of an id pattern, or a key of
 * a record keyed by ids (participants). Such a body gets INVALID_ID, as the same id in a path
 * or header does.
 */
function isIdError(error: ValueError): boolean {
  const schema = error.schema as {
    pattern?: string
    patternProperties?: Record<string, unknown>
    anyOf?: { pattern?: string }[]
  }
  if (error.type === ValueErrorType.StringPattern) return ID_PATTERNS.has(schema.pattern ?? '')
  // An optional id (`reply_to: id | null`) given as a string that is no id.
  if (error.type === ValueErrorType.Union)
    return typeof error.value === 'string' && (schema.anyOf ?? []).some((s) => ID_PATTERNS.has(s.pattern ?? ''))
  if (error.type === ValueErrorType.ObjectAdditionalProperties)
    return Object.keys(schema.patternProperties ?? {}).some((pattern) => ID_PATTERNS.has(pattern))
  return false
}

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>()

/**
 * An error in words. TypeBox says only "Expected union value" when no alternative matched; the
 * first complaint of each alternative says what would have: "Expected string length less or
 * equal to 1000 or null", "Expected 'final' or 'streaming'".
 */
function describeError(error: ValueError): string {
  if (error.type !== ValueErrorType.Union || error.errors.length === 0) return error.message
  const alternatives = error.errors.map((iterator) => iterator.First()?.message).filter((m): m is string => m !== undefined)
  if (alternatives.length === 0) return error.message
  return alternatives.map((message, i) => (i === 0 ? message : message.replace(/^Expected /, ''))).join(' or ')
}

/** Checks a value against a schema, reporting every problem by its JSON pointer. */
export function validate<T>(schema: TSchema, value: unknown): T {
  let check = compiled.get(schema)
  if (!check) compiled.set(schema, (check = TypeCompiler.Compile(schema)))
  if (check.Check(value)) return value as T
  const errors = [...check.Errors(value)].slice(0, 20)
  const details = errors.map((e) => ({ path: e.path === '' ? '/' : e.path, message: describeError(e) }))
  const first = details[0]
  const code = errors[0] && isIdError(errors[0]) ? 'INVALID_ID' : 'VALIDATION_FAILED'
  throw new AppError(code, first ? `${first.path}: ${first.message}` : 'Invalid body.', details)
}
