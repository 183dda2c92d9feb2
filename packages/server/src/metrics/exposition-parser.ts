import type { Sample } from './metrics-registry.js'

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/**
 * The samples of a Prometheus text exposition (what /metrics answers), for the bench, which
 * reads a server's figures around each run, and the tests. Comments and blank lines are skipped;
 * a line of any other shape is an error.
 */
export function parseExposition(text: string): Sample[] {
  const samples: Sample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = LINE.exec(line)
    if (!match) throw new Error(`not an exposition line: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, name, value] of (match[2] ?? '').matchAll(LABEL))
      labels[name!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
    samples.push({ name: match[1]!, labels, value: Number(match[3]) })
  }
  return samples
}

/** The sum of the samples named `name` whose labels include `where` (every worker's, say). */
export function sumOf(
  samples: readonly Sample[],
  name: string,
  where: Record<string, string> = {},
): number {
  let total = 0
  for (const s of samples)
    if (s.name === name && Object.entries(where).every(([k, v]) => s.labels[k] === v))
      total += s.value
  return total
}
