/**
 * Reads the YAML config file into a layer. The file uses the schema's own camelCase keys;
 * anything the schema does not know is a problem, reported by path.
 */
import { readFileSync } from 'node:fs'
import { LineCounter, parseDocument } from 'yaml'
import { createConfigLayer, type ConfigLayer } from './config-layer.js'
import { configSections, type ConfigSection } from './schema.js'

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function readText(file: string, via: string, layer: ConfigLayer): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'read error'
    layer.problems.push({ path: via, message: `cannot read config file ${file} (${code})` })
    return undefined
  }
}

/**
 * YAML's own messages quote the offending source line, which may hold a key: report only the
 * position and the error code.
 */
function parseYaml(text: string, source: string, layer: ConfigLayer): unknown {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false, lineCounter })
  const messages = new Set<string>()
  for (const error of doc.errors) {
    const at = lineCounter.linePos(error.pos[0])
    messages.add(`invalid YAML at line ${at.line}, column ${at.col} (${error.code})`)
  }
  for (const message of messages) layer.problems.push({ path: source, message })
  if (doc.errors.length > 0) return undefined
  try {
    return doc.toJS({ maxAliasCount: 100 }) as unknown
  } catch {
    layer.problems.push({ path: source, message: 'invalid YAML (cannot be converted to data)' })
    return undefined
  }
}

function readSection(
  section: ConfigSection,
  body: Record<string, unknown>,
  source: string,
  layer: ConfigLayer,
): void {
  const known = new Map(section.leaves.map((l) => [l.path.slice(section.name.length + 1), l]))
  for (const [key, value] of Object.entries(body)) {
    const leaf = known.get(key)
    if (leaf !== undefined) {
      layer.values.set(leaf.path, { value, source })
      continue
    }
    const expected = `expected one of ${[...known.keys()].join(', ')}`
    layer.problems.push(
      section.secret
        ? {
            path: section.name,
            message: `unknown key, name not shown as it may be a secret (from ${source}); ${expected}`,
          }
        : { path: `${section.name}.${key}`, message: `unknown key (from ${source}); ${expected}` },
    )
  }
}

/** Loads the YAML file at `file` (absolute); `via` names what pointed at it (`--config`). */
export function loadConfigFile(file: string, via: string): ConfigLayer {
  const layer = createConfigLayer()
  const source = `file ${file}`
  const text = readText(file, via, layer)
  if (text === undefined) return layer
  const root = parseYaml(text, source, layer)
  if (root === undefined || root === null) return layer
  if (!isMapping(root)) {
    layer.problems.push({ path: source, message: 'must be a mapping of sections' })
    return layer
  }
  const sections = new Map(configSections.map((s) => [s.name, s]))
  for (const [name, body] of Object.entries(root)) {
    const section = sections.get(name)
    if (section === undefined) {
      const expected = [...sections.keys()].join(', ')
      layer.problems.push({
        path: name,
        message: `unknown key (from ${source}); expected one of ${expected}`,
      })
    } else if (isMapping(body)) {
      readSection(section, body, source, layer)
    } else if (body !== null) {
      layer.problems.push({ path: name, message: `must be a mapping (from ${source})` })
    }
  }
  return layer
}
