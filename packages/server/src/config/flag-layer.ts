/**
 * Reads the flags of `progressdb serve` into a layer: `--name value` or `--name=value`.
 * Unknown flags are problems. Arguments are never echoed back: only flag names are.
 */
import { createConfigLayer, parseLeafText, type ConfigLayer } from './config-layer.js'
import { configLeaves, type ConfigLeaf } from './schema.js'

/** Names the YAML config file; read by `loadConfig`, not a schema key. */
export const CONFIG_FILE_FLAG = '--config'

export interface FlagLayer extends ConfigLayer {
  /** The value of `--config`, if given. */
  readonly configFile: string | undefined
}

const FLAG_NAME = /^--?[a-z][a-z0-9-]*$/i

const leavesByFlag = new Map<string, ConfigLeaf>(
  configLeaves.flatMap((leaf) => (leaf.flag === undefined ? [] : [[leaf.flag, leaf] as const])),
)

/** Every flag `loadConfig` accepts, for help text and error messages. */
export const configFlags: readonly string[] = [...leavesByFlag.keys(), CONFIG_FILE_FLAG]

function takesNextAsValue(next: string | undefined): next is string {
  return next !== undefined && !next.startsWith('--')
}

export function readFlagLayer(argv: readonly string[]): FlagLayer {
  const layer = createConfigLayer()
  let configFile: string | undefined
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? ''
    const eq = arg.indexOf('=')
    const name = eq === -1 ? arg : arg.slice(0, eq)
    if (!arg.startsWith('-')) {
      layer.problems.push({
        path: `argument ${i + 1}`,
        message: 'unexpected argument; flags are --name value or --name=value',
      })
      continue
    }
    const leaf = leavesByFlag.get(name)
    if (leaf === undefined && name !== CONFIG_FILE_FLAG) {
      const shown = FLAG_NAME.test(name) ? name : `argument ${i + 1}`
      layer.problems.push({
        path: shown,
        message: `unknown flag; known flags are ${configFlags.join(', ')}`,
      })
      // An unknown flag's value would otherwise be reported as a stray argument.
      if (eq === -1 && takesNextAsValue(argv[i + 1])) i++
      continue
    }
    let text: string
    if (eq !== -1) {
      text = arg.slice(eq + 1)
    } else if (takesNextAsValue(argv[i + 1])) {
      text = argv[++i] ?? ''
    } else {
      layer.problems.push({ path: name, message: 'missing value' })
      continue
    }
    if (leaf !== undefined) {
      layer.values.set(leaf.path, { value: parseLeafText(leaf, text), source: name })
    } else if (text.trim() === '') {
      layer.problems.push({ path: name, message: 'missing value' })
    } else {
      configFile = text
    }
  }
  return { ...layer, configFile }
}
