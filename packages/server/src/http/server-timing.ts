/**
 * The `Server-Timing` header of `server.serverTiming`: one metric, `app`, whose duration is the
 * time from a request's arrival (its headers read) to its reply being written. The bench's echo
 * baseline sends the same, and the bench reads it back (bench/load-loop.ts).
 */
export const SERVER_TIMING_HEADER = 'server-timing'

/** The header's value for a request that arrived at `startedMs` (`performance.now()`). */
export function serverTimingValue(startedMs: number): string {
  return `app;dur=${(performance.now() - startedMs).toFixed(3)}`
}

/** The `dur` of a `Server-Timing` value, in ms, or NaN when it has none. */
export function serverTimingDuration(value: string): number {
  const at = value.indexOf('dur=')
  return at < 0 ? NaN : Number.parseFloat(value.slice(at + 4))
}
