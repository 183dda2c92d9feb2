/**
 * Counters, gauges and histograms, and their Prometheus text exposition (format 0.0.4). A
 * metric's labelled series are resolved once (`labels(...)`) and kept by the caller, so the hot
 * path of an observation is a few additions, with no string building or map lookup.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram'

/** One line of the exposition: `name{labels} value`. */
export interface Sample {
  /** The family's name plus `_bucket`, `_sum` or `_count` for histograms. */
  name: string
  labels: Record<string, string>
  value: number
}

/** A family at one instant, as plain data: what a `--workers` primary gathers and merges. */
export interface FamilySnapshot {
  name: string
  help: string
  type: MetricType
  samples: Sample[]
}

interface Family {
  snapshot(): FamilySnapshot
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/

export class Counter {
  value = 0
  inc(by = 1): void {
    this.value += by
  }
}

export class Histogram {
  /** Per bucket (not cumulative); the last one is `+Inf`. */
  readonly counts: number[]
  sum = 0
  count = 0
  constructor(readonly bounds: readonly number[]) {
    this.counts = new Array<number>(bounds.length + 1).fill(0)
  }
  observe(value: number): void {
    const { bounds } = this
    let i = 0
    while (i < bounds.length && value > bounds[i]!) i++
    this.counts[i]!++
    this.sum += value
    this.count++
  }
}

/** Series of one family keyed by their label values, created on first use. */
class Series<S> {
  private readonly byKey = new Map<string, { values: readonly string[]; series: S }>()
  constructor(
    private readonly labelNames: readonly string[],
    private readonly make: () => S,
  ) {}
  get(values: readonly string[]): S {
    if (values.length !== this.labelNames.length)
      throw new Error(`expected ${this.labelNames.length} label values, got ${values.length}`)
    const key = values.join('\u0000')
    let entry = this.byKey.get(key)
    if (!entry) this.byKey.set(key, (entry = { values: [...values], series: this.make() }))
    return entry.series
  }
  *entries(): Iterable<[Record<string, string>, S]> {
    for (const { values, series } of this.byKey.values())
      yield [Object.fromEntries(this.labelNames.map((name, i) => [name, values[i]!])), series]
  }
}

export class MetricsRegistry {
  private readonly families = new Map<string, Family>()

  /** A counter family; `labels(...values)` gives one series to `inc`. */
  counter(name: string, help: string, labelNames: readonly string[] = []) {
    const series = new Series(labelNames, () => new Counter())
    this.add(name, {
      snapshot: () => ({
        name,
        help,
        type: 'counter',
        samples: [...series.entries()].map(([labels, c]) => ({ name, labels, value: c.value })),
      }),
    })
    return { labels: (...values: string[]) => series.get(values) }
  }

  /** A histogram family with upper bounds `bounds` (ascending; `+Inf` is implied). */
  histogram(
    name: string,
    help: string,
    bounds: readonly number[],
    labelNames: readonly string[] = [],
  ) {
    for (let i = 1; i < bounds.length; i++)
      if (!(bounds[i]! > bounds[i - 1]!)) throw new Error(`${name}: bucket bounds must ascend`)
    const series = new Series(labelNames, () => new Histogram(bounds))
    this.add(name, {
      snapshot: () => ({
        name,
        help,
        type: 'histogram',
        samples: [...series.entries()].flatMap(([labels, h]) => histogramSamples(name, labels, h)),
      }),
    })
    return { labels: (...values: string[]) => series.get(values) }
  }

  /**
   * A gauge or counter read when scraped: `collect` returns the current value of each series
   * (labels, value). For values something else already keeps (connections open, deliveries made).
   */
  collected(
    name: string,
    help: string,
    type: 'counter' | 'gauge',
    collect: () => readonly { labels?: Record<string, string>; value: number }[],
  ): void {
    this.add(name, {
      snapshot: () => ({
        name,
        help,
        type,
        samples: collect().map((s) => ({ name, labels: s.labels ?? {}, value: s.value })),
      }),
    })
  }

  snapshot(): FamilySnapshot[] {
    return [...this.families.values()].map((family) => family.snapshot())
  }

  /** The exposition of this registry alone. */
  render(): string {
    return renderExposition([this.snapshot()])
  }

  private add(name: string, family: Family): void {
    if (!NAME.test(name)) throw new Error(`invalid metric name ${name}`)
    if (this.families.has(name)) throw new Error(`metric ${name} is already registered`)
    this.families.set(name, family)
  }
}

function histogramSamples(name: string, labels: Record<string, string>, h: Histogram): Sample[] {
  const samples: Sample[] = []
  let cumulative = 0
  for (let i = 0; i <= h.bounds.length; i++) {
    cumulative += h.counts[i]!
    const le = i < h.bounds.length ? formatNumber(h.bounds[i]!) : '+Inf'
    samples.push({ name: `${name}_bucket`, labels: { ...labels, le }, value: cumulative })
  }
  samples.push({ name: `${name}_sum`, labels, value: h.sum })
  samples.push({ name: `${name}_count`, labels, value: h.count })
  return samples
}

/**
 * The text exposition of several registries' snapshots (one per `--workers` process, each
 * sample already carrying its `worker` label), each family once with its samples together.
 */
export function renderExposition(snapshots: readonly (readonly FamilySnapshot[])[]): string {
  const merged = new Map<string, FamilySnapshot>()
  for (const families of snapshots)
    for (const family of families) {
      const seen = merged.get(family.name)
      if (seen) seen.samples.push(...family.samples)
      else merged.set(family.name, { ...family, samples: [...family.samples] })
    }
  const lines: string[] = []
  for (const family of merged.values()) {
    lines.push(
      `# HELP ${family.name} ${escapeHelp(family.help)}`,
      `# TYPE ${family.name} ${family.type}`,
    )
    for (const s of family.samples)
      lines.push(`${s.name}${formatLabels(s.labels)} ${formatNumber(s.value)}`)
  }
  return lines.join('\n') + '\n'
}

/** Adds `labels` to every sample (a worker's id, when a primary merges its workers). */
export function withLabels(
  families: readonly FamilySnapshot[],
  labels: Record<string, string>,
): FamilySnapshot[] {
  return families.map((f) => ({
    ...f,
    samples: f.samples.map((s) => ({ ...s, labels: { ...labels, ...s.labels } })),
  }))
}

function formatLabels(labels: Record<string, string>): string {
  const parts = Object.entries(labels).map(([k, v]) => `${k}="${escapeLabel(v)}"`)
  return parts.length === 0 ? '' : `{${parts.join(',')}}`
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return '+Inf'
  if (value === -Infinity) return '-Inf'
  return String(value)
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
}

function escapeHelp(help: string): string {
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
}
