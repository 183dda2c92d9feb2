/**
 * Schema leaves as words: "must be an integer between 0 and 65535" for errors, and
 * "integer 0..65535" for docs. Written from the schema, never from a value, so no message can
 * echo a secret.
 */
import type { TSchema } from '@sinclair/typebox'

/** The allowed literal values of an enum-like leaf, or undefined if it is not one. */
export function literalValues(schema: TSchema): string[] | undefined {
  if (typeof schema.const === 'string') return [schema.const]
  const anyOf: unknown = schema.anyOf
  if (!Array.isArray(anyOf)) return undefined
  const values = (anyOf as TSchema[]).map((s) => s.const as unknown)
  return values.every((v): v is string => typeof v === 'string') ? values : undefined
}

function bounds(schema: TSchema): { min?: number; max?: number } {
  const min: unknown = schema.minimum
  const max: unknown = schema.maximum
  return {
    ...(typeof min === 'number' ? { min } : {}),
    ...(typeof max === 'number' ? { max } : {}),
  }
}

function numberWords(kind: string, schema: TSchema): string {
  const { min, max } = bounds(schema)
  if (min !== undefined && max !== undefined) return `${kind} between ${min} and ${max}`
  if (min !== undefined) return `${kind} >= ${min}`
  if (max !== undefined) return `${kind} <= ${max}`
  return kind
}

function isObjectList(schema: TSchema): boolean {
  return (schema.items as TSchema | undefined)?.type === 'object'
}

/** `{id, url, description?}`: the fields of a list's items, optional ones marked. */
function objectShape(schema: TSchema): string {
  const items = schema.items as TSchema
  const required = new Set((items.required as string[] | undefined) ?? [])
  const fields = Object.keys(items.properties as Record<string, unknown>).map((k) => (required.has(k) ? k : `${k}?`))
  return `{${fields.join(', ')}}`
}

/** What a valid value looks like, as the end of "must be ...". */
export function describeExpected(schema: TSchema): string {
  const literals = literalValues(schema)
  if (literals !== undefined) {
    const quoted = literals.map((l) => `'${l}'`)
    return quoted.length === 1 ? `must be ${quoted[0]}` : `must be one of ${quoted.join(', ')}`
  }
  if (Array.isArray(schema.anyOf))
    return `must be ${(schema.anyOf as TSchema[]).map((m) => describeExpected(m).replace(/^must be /, '')).join(' or ')}`
  switch (schema.type) {
    case 'integer':
      return `must be an ${numberWords('integer', schema)}`
    case 'number':
      return `must be a ${numberWords('number', schema)}`
    case 'string':
      if (typeof schema.pattern === 'string') return `must be a string matching ${schema.pattern}`
      if (typeof schema.minLength === 'number' && schema.minLength > 1)
        return `must be a string of ${schema.minLength}${typeof schema.maxLength === 'number' ? `-${schema.maxLength}` : ' or more'} characters`
      return schema.minLength === 1 ? 'must be a non-empty string' : 'must be a string'
    case 'array':
      return isObjectList(schema) ? `must be a list of ${objectShape(schema)}` : 'must be a list of non-empty strings'
    case 'boolean':
      return 'must be true or false'
    case 'object':
      return 'must be a mapping'
    default:
      throw new Error(`describeExpected: unsupported schema type ${String(schema.type)}`)
  }
}

/** A short type for the docs table: `integer 0..65535`, `'fast' | 'safe'`, `string[]`. */
export function describeType(schema: TSchema): string {
  const literals = literalValues(schema)
  if (literals !== undefined) return literals.map((l) => `'${l}'`).join(' | ')
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as TSchema[]).map(describeType).join(' | ')
  const { min, max } = bounds(schema)
  switch (schema.type) {
    case 'integer':
    case 'number': {
      const kind = String(schema.type)
      if (min !== undefined && max !== undefined) return `${kind} ${min}..${max}`
      if (min !== undefined) return `${kind} >= ${min}`
      return kind
    }
    case 'string':
      return 'string'
    case 'boolean':
      return 'boolean'
    case 'array':
      return isObjectList(schema) ? `${objectShape(schema)}[]` : 'string[]'
    default:
      throw new Error(`describeType: unsupported schema type ${String(schema.type)}`)
  }
}
