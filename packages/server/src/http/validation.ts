import type { TSchema } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { AppError } from '../app-error.js'

const compiled = new WeakMap<TSchema, TypeCheck<TSchema>>()

/** Checks a value against a schema, reporting every problem by its JSON pointer. */
export function validate<T>(schema: TSchema, value: unknown): T {
  let check = compiled.get(schema)
  if (!check) compiled.set(schema, (check = TypeCompiler.Compile(schema)))
  if (check.Check(value)) return value as T
  const details = [...check.Errors(value)].slice(0, 20).map((e) => ({
    path: e.path === '' ? '/' : e.path,
    message: e.message,
  }))
  const first = details[0]
  throw new AppError('VALIDATION_FAILED', first ? `${first.path}: ${first.message}` : 'Invalid body.', details)
}
