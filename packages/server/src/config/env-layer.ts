/**
 * Reads `PROGRESSDB_*` environment variables into a layer. Variables the server does not know
 * are warnings, not errors: apps keep their own `PROGRESSDB_*` settings in the same env.
 */
import { createConfigLayer, parseLeafText, type ConfigLayer } from './config-layer.js'
import { configLeaves } from './schema.js'

/** Names the YAML config file; read by `loadConfig`, not a schema key. */
export const CONFIG_FILE_ENV = 'PROGRESSDB_CONFIG'

const ENV_PREFIX = 'PROGRESSDB_'

export interface EnvLayer extends ConfigLayer {
  readonly warnings: string[]
}

/** Empty (or blank) variables count as unset, as compose files often template them so. */
export function readEnvLayer(env: Readonly<Record<string, string | undefined>>): EnvLayer {
  const layer = { ...createConfigLayer(), warnings: [] as string[] }
  const known = new Set<string>([CONFIG_FILE_ENV])
  for (const leaf of configLeaves) {
    if (leaf.env === undefined) continue
    known.add(leaf.env)
    const text = env[leaf.env]
    if (text === undefined || text.trim() === '') continue
    layer.values.set(leaf.path, { value: parseLeafText(leaf, text), source: leaf.env })
  }
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith(ENV_PREFIX) && !known.has(name)) {
      layer.warnings.push(`unknown environment variable ${name} is ignored`)
    }
  }
  return layer
}
