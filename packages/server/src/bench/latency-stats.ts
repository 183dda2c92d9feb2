/** Percentiles over recorded latencies (milliseconds). */
export interface LatencySummary {
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

export function summarise(samples: Float64Array, count: number): LatencySummary {
  const sorted = samples.slice(0, count).sort()
  const at = (q: number) => (count === 0 ? 0 : sorted[Math.min(count - 1, Math.floor(q * count))]!)
  let sum = 0
  for (let i = 0; i < count; i++) sum += sorted[i]!
  return { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: count ? sorted[count - 1]! : 0, mean: count ? sum / count : 0 }
}

/** A growable latency recorder that allocates in large chunks. */
export function createRecorder() {
  let samples = new Float64Array(1 << 16)
  let count = 0
  return {
    add(ms: number) {
      if (count === samples.length) {
        const bigger = new Float64Array(samples.length * 2)
        bigger.set(samples)
        samples = bigger
      }
      samples[count++] = ms
    },
    get count() {
      return count
    },
    summary: () => summarise(samples, count),
  }
}
