import { describe, expect, it } from 'vitest'
import { parseExposition } from '../metrics/exposition-parser.js'
import { MetricsRegistry, renderExposition, withLabels } from '../metrics/metrics-registry.js'
import { figuresBetween } from './server-figures.js'

describe('figuresBetween', () => {
  it('bounds the longest pause observed between two scrapes, over every worker, ignoring older ones', () => {
    const workers = [1, 2].map(() => {
      const registry = new MetricsRegistry()
      return {
        registry,
        loop: registry
          .histogram('nodejs_eventloop_delay_seconds', 'Loop.', [0.005, 0.025, 0.1])
          .labels(),
      }
    })
    const scrape = () =>
      parseExposition(
        renderExposition(
          workers.map((w, i) => withLabels(w.registry.snapshot(), { worker: String(i + 1) })),
        ),
      )
    workers[0]!.loop.observe(0.09) // before the run: not this run's
    const before = scrape()
    workers[0]!.loop.observe(0.001)
    workers[1]!.loop.observe(0.02)
    workers[1]!.loop.observe(0.003)
    const figures = figuresBetween(before, scrape())
    expect(figures.loopDelayMaxMs).toBe(25)
    // Histograms that gained nothing, or that the server does not have, give 0.
    expect(figures.gcPauseMaxMs).toBe(0)
    expect(figures.journalFlushes).toBe(0)
  })

  it('reports a pause past the last bound as Infinity', () => {
    const registry = new MetricsRegistry()
    const flush = registry
      .histogram('progressdb_journal_flush_duration_seconds', 'Flush.', [0.01])
      .labels()
    const before = parseExposition(registry.render())
    flush.observe(2)
    flush.observe(0.001)
    const figures = figuresBetween(before, parseExposition(registry.render()))
    expect(figures.journalFlushMaxMs).toBe(Infinity)
    expect(figures.journalFlushes).toBe(2)
  })
})
