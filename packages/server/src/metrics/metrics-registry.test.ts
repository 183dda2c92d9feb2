import { describe, expect, it } from 'vitest'
import { parseExposition, sumOf } from './exposition-parser.js'
import { MetricsRegistry, renderExposition, withLabels } from './metrics-registry.js'

describe('MetricsRegistry', () => {
  it('renders counters with their labels, each family once with HELP and TYPE', () => {
    const registry = new MetricsRegistry()
    const requests = registry.counter('requests_total', 'Requests.', ['route', 'status'])
    requests.labels('/a', '200').inc()
    requests.labels('/a', '200').inc(2)
    requests.labels('/b', '404').inc()
    expect(registry.render()).toBe(
      [
        '# HELP requests_total Requests.',
        '# TYPE requests_total counter',
        'requests_total{route="/a",status="200"} 3',
        'requests_total{route="/b",status="404"} 1',
        '',
      ].join('\n'),
    )
  })

  it('renders histograms with cumulative buckets, +Inf, sum and count; a bound is inclusive', () => {
    const registry = new MetricsRegistry()
    const h = registry.histogram('latency_seconds', 'Latency.', [0.001, 0.01]).labels()
    for (const v of [0.0005, 0.001, 0.005, 0.5]) h.observe(v)
    const samples = parseExposition(registry.render())
    const bucket = (le: string) =>
      samples.find((s) => s.name === 'latency_seconds_bucket' && s.labels.le === le)?.value
    expect([bucket('0.001'), bucket('0.01'), bucket('+Inf')]).toEqual([2, 3, 4])
    expect(sumOf(samples, 'latency_seconds_count')).toBe(4)
    expect(sumOf(samples, 'latency_seconds_sum')).toBeCloseTo(0.5065, 10)
  })

  it('reads collected values at each render', () => {
    const registry = new MetricsRegistry()
    let open = 1
    registry.collected('connections', 'Open.', 'gauge', () => [
      { labels: { transport: 'ws' }, value: open },
    ])
    expect(registry.render()).toContain('connections{transport="ws"} 1')
    open = 5
    expect(registry.render()).toContain('connections{transport="ws"} 5')
  })

  it('escapes label values and help text, and the parser reads them back', () => {
    const registry = new MetricsRegistry()
    registry
      .counter('odd_total', 'Line one\nline two \\ done.', ['v'])
      .labels('a "quoted" \\ value\nnext')
      .inc()
    const text = registry.render()
    expect(text).toContain('# HELP odd_total Line one\\nline two \\\\ done.')
    expect(text).toContain('odd_total{v="a \\"quoted\\" \\\\ value\\nnext"} 1')
    expect(parseExposition(text)).toEqual([
      { name: 'odd_total', labels: { v: 'a "quoted" \\ value\nnext' }, value: 1 },
    ])
  })

  it('refuses a second family of the same name, a bad name, unsorted bounds and a wrong label count', () => {
    const registry = new MetricsRegistry()
    const c = registry.counter('dup_total', 'One.', ['a'])
    expect(() => registry.counter('dup_total', 'Two.')).toThrow(/already registered/)
    expect(() => registry.counter('bad-name', 'No.')).toThrow(/invalid metric name/)
    expect(() => registry.histogram('h', 'No.', [1, 1])).toThrow(/ascend/)
    expect(() => c.labels()).toThrow(/label values/)
  })

  it('merges several processes into one family each, every sample labelled by its worker', () => {
    const snapshotOf = (n: number) => {
      const registry = new MetricsRegistry()
      registry.counter('writes_total', 'Writes.', ['durability']).labels('fast').inc(n)
      registry.histogram('wait_seconds', 'Wait.', [1]).labels().observe(n)
      return registry.snapshot()
    }
    const text = renderExposition([
      withLabels(snapshotOf(2), { worker: '1' }),
      withLabels(snapshotOf(3), { worker: '2' }),
    ])
    expect(text.match(/# TYPE writes_total counter/g)).toHaveLength(1)
    expect(text.match(/# TYPE wait_seconds histogram/g)).toHaveLength(1)
    const samples = parseExposition(text)
    expect(sumOf(samples, 'writes_total', { durability: 'fast' })).toBe(5)
    expect(sumOf(samples, 'writes_total', { worker: '2' })).toBe(3)
    expect(sumOf(samples, 'wait_seconds_bucket', { le: '1' })).toBe(0)
    expect(sumOf(samples, 'wait_seconds_bucket', { le: '+Inf', worker: '1' })).toBe(1)
    // A family's samples stay together even though the processes were rendered one after another.
    const names = text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => l.split(/[{ ]/)[0]!.replace(/_(bucket|sum|count)$/, ''))
    expect(names.lastIndexOf('writes_total')).toBeLessThan(names.indexOf('wait_seconds'))
  })

  it('rejects a line that is not a sample', () => {
    expect(() => parseExposition('what is this\n')).toThrow(/not an exposition line/)
  })
})
