/**
 * The config loader: defaults < YAML file < `PROGRESSDB_*` env < flags. Every value given by
 * any source is validated, every problem is collected, and the result is deeply frozen.
 * This is the only module of the server that looks at environment variables.
 */
import { resolve } from 'node:path'
import type { TSchema } from '@sinclair/typebox'
import { Value, ValueErrorType } from '@sinclair/typebox/value'
import { loadConfigFile } from './config-file.js'
import { ConfigError, type ConfigProblem } from './config-error.js'
import { createConfigLayer, type ConfigLayer, type SourcedValue } from './config-layer.js'
import { describeExpected } from './describe-schema.js'
import { CONFIG_FILE_ENV, readEnvLayer } from './env-layer.js'
import { CONFIG_FILE_FLAG, readFlagLayer } from './flag-layer.js'
import { ConfigSchema, configLeaves, configSections, type Config } from './schema.js'

export interface LoadConfigInput {
  /** Flags after the `serve` subcommand, e.g. `['--port', '0', '--data-dir=/tmp/x']`. */
  readonly argv: readonly string[]
  readonly env: Readonly<Record<string, string | undefined>>
  /** Resolves `--config` and `storage.dataDir`. */
  readonly cwd: string
}

export interface LoadedConfig {
  readonly config: Config
  /** Things worth logging that do not stop the server (unknown `PROGRESSDB_*` variables). */
  readonly warnings: readonly string[]
}

const DEFAULT_SOURCE = 'default'

function checkLayer(layer: ConfigLayer): ConfigProblem[] {
  const problems: ConfigProblem[] = []
  for (const leaf of configLeaves) {
    const given = layer.values.get(leaf.path)
    if (given === undefined || Value.Check(leaf.schema, given.value)) continue
    const inItems = Array.isArray(given.value) ? itemProblems(leaf.schema, given.value, leaf.path, given.source) : []
    problems.push(
      ...(inItems.length > 0
        ? inItems
        : [{ path: leaf.path, message: `${describeExpected(leaf.schema)} (from ${given.source})` }]),
    )
  }
  return problems
}

/**
 * A list of mappings (`webhooks.endpoints`) with problems inside its items: each told at its own
 * path (`webhooks.endpoints[1].events[0]`), in words from the schema, never the value given.
 */
function itemProblems(schema: TSchema, value: unknown[], path: string, source: string): ConfigProblem[] {
  if ((schema.items as TSchema | undefined)?.type !== 'object') return []
  const problems: ConfigProblem[] = []
  for (const error of Value.Errors(schema, value)) {
    const at = error.path
      .split('/')
      .slice(1)
      .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
      .join('')
    // The path of the error's own schema: an array item or a property deeper than the item.
    if (!/^\[\d+\]\./.test(at)) continue
    let expected: string
    if (error.type === ValueErrorType.ObjectAdditionalProperties) expected = 'is not a known key'
    else if (error.type === ValueErrorType.ObjectRequiredProperty) expected = 'is required'
    else {
      try {
        expected = describeExpected(error.schema)
      } catch {
        expected = 'is not valid'
      }
    }
    if (!problems.some((p) => p.path === path + at))
      problems.push({ path: path + at, message: `${expected} (from ${source})` })
    if (problems.length >= 20) break
  }
  return problems
}

/** Checks that span keys; leaves that are not even numbers are reported by `checkLayer`. */
function checkRelations(merged: ReadonlyMap<string, SourcedValue>): ConfigProblem[] {
  return [...checkPageSizes(merged), ...checkSigningKeys(merged)]
}

function checkPageSizes(merged: ReadonlyMap<string, SourcedValue>): ConfigProblem[] {
  const pageDefault = merged.get('limits.pageSizeDefault')
  const pageMax = merged.get('limits.pageSizeMax')
  if (typeof pageDefault?.value !== 'number' || typeof pageMax?.value !== 'number') return []
  if (pageDefault.value <= pageMax.value) return []
  return [
    {
      path: 'limits.pageSizeDefault',
      message:
        `must not exceed limits.pageSizeMax (from ${pageDefault.source}; ` +
        `limits.pageSizeMax from ${pageMax.source})`,
    },
  ]
}

/** Frontend keys are useless without a secret to check user signatures against. */
function checkSigningKeys(merged: ReadonlyMap<string, SourcedValue>): ConfigProblem[] {
  const count = (path: string) => {
    const value = merged.get(path)?.value
    return Array.isArray(value) ? value.length : 0
  }
  if (count('auth.frontendKeys') === 0 || count('auth.signingKeys') > 0) return []
  return [{ path: 'auth.signingKeys', message: 'at least one is required when auth.frontendKeys are set' }]
}

function readFileLayer(
  flagFile: string | undefined,
  env: LoadConfigInput['env'],
  cwd: string,
): ConfigLayer {
  const envFile = env[CONFIG_FILE_ENV]
  if (flagFile !== undefined) return loadConfigFile(resolve(cwd, flagFile), CONFIG_FILE_FLAG)
  if (envFile !== undefined && envFile.trim() !== '') {
    return loadConfigFile(resolve(cwd, envFile), CONFIG_FILE_ENV)
  }
  return createConfigLayer()
}

function merge(layers: readonly ConfigLayer[]): Map<string, SourcedValue> {
  const merged = new Map<string, SourcedValue>()
  for (const leaf of configLeaves) {
    merged.set(leaf.path, { value: structuredClone(leaf.default), source: DEFAULT_SOURCE })
  }
  for (const layer of layers) {
    for (const [path, given] of layer.values) merged.set(path, given)
  }
  return merged
}

function build(merged: ReadonlyMap<string, SourcedValue>, cwd: string): Config {
  const root: Record<string, Record<string, unknown>> = {}
  for (const section of configSections) {
    const body: Record<string, unknown> = {}
    for (const leaf of section.leaves) {
      const key = leaf.path.slice(section.name.length + 1)
      body[key] = structuredClone(merged.get(leaf.path)?.value)
    }
    root[section.name] = body
  }
  const storage = root['storage']
  if (storage !== undefined) storage['dataDir'] = resolve(cwd, String(storage['dataDir']))
  if (!Value.Check(ConfigSchema, root)) {
    throw new Error('loadConfig: merged config does not match its schema (a loader bug)')
  }
  return deepFreeze(root)
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child)
    Object.freeze(value)
  }
  return value
}

/**
 * Loads and validates the server config.
 * @throws ConfigError listing every problem by path and source; values are never quoted.
 */
export function loadConfig(input: LoadConfigInput): LoadedConfig {
  const flags = readFlagLayer(input.argv)
  const env = readEnvLayer(input.env)
  const file = readFileLayer(flags.configFile, input.env, input.cwd)
  const layers = [file, env, flags]
  const merged = merge(layers)
  const problems = [
    ...layers.flatMap((layer) => [...layer.problems, ...checkLayer(layer)]),
    ...checkRelations(merged),
  ]
  if (problems.length > 0) throw new ConfigError(problems)
  const config = build(merged, input.cwd)
  return Object.freeze({ config, warnings: Object.freeze([...env.warnings]) })
}
