/**
 * Runs `drain` one at a time: a `pump()` while a drain is running makes it run once more
 * afterwards instead of in parallel, so a subscription reads and sends in order and never
 * misses a notification that arrived mid-read. A failed drain goes to `fail`.
 */
export function createDrainLoop(drain: () => Promise<void>, fail: (error: unknown) => void): () => void {
  let running: Promise<void> | undefined
  let again = false
  const loop = async () => {
    try {
      do {
        again = false
        await drain()
      } while (again)
    } finally {
      // Cleared in the same step that checked `again`: a pump() after the last check starts a
      // new loop instead of setting a flag nobody reads.
      running = undefined
    }
  }
  return () => {
    if (running) {
      again = true
      return
    }
    running = loop().catch(fail)
  }
}
