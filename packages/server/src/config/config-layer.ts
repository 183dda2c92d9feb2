/**
 * A layer is what one source (the YAML file, the environment, the flags) says: values by dotted
 * path, each tagged with where it came from, plus the problems found reading it.
 */
import { literalValues } from './describe-schema.js'
import type { ConfigProblem } from './config-error.js'
import type { ConfigLeaf } from './schema.js'

export interface SourcedValue {
  readonly value: unknown
  /** Said in messages after "from": `file p.yaml`, `PROGRESSDB_PORT`, `--port`. */
  readonly source: string
}

export interface ConfigLayer {
  readonly values: Map<string, SourcedValue>
  readonly problems: ConfigProblem[]
}

export function createConfigLayer(): ConfigLayer {
  return { values: new Map(), problems: [] }
}

const INTEGER_TEXT = /^[+-]?\d+$/
const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i

/**
 * Converts the text of an env var or flag to the leaf's type. Text that does not parse is
 * returned as is, so schema validation rejects it with the same message as a bad YAML value.
 */
export function parseLeafText(leaf: ConfigLeaf, text: string): unknown {
  const trimmed = text.trim()
  if (literalValues(leaf.schema) !== undefined) return trimmed
  // A union of an integer and words (`workers: 2 | auto`): digits are the integer.
  if (Array.isArray(leaf.schema.anyOf) && INTEGER_TEXT.test(trimmed)) return Number(trimmed)
  switch (leaf.schema.type) {
    case 'integer':
      return INTEGER_TEXT.test(trimmed) ? Number(trimmed) : text
    case 'number':
      return NUMBER_TEXT.test(trimmed) ? Number(trimmed) : text
    case 'boolean':
      return trimmed === 'true' ? true : trimmed === 'false' ? false : text
    case 'array':
      return trimmed
        .split(',')
        .map((entry) => entry.trim())
        .filter((entry) => entry !== '')
    default:
      return text
  }
}
