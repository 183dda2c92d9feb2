import { parentPort } from 'node:worker_threads'

/** What the ticker is started with: the open loop's schedule on the process-wide hrtime clock. */
export interface TickerSettings {
  startNs: bigint
  intervalNs: bigint
  total: number
}

/**
 * The open loop's clock (load-loop.ts): a thread that sleeps until each scheduled send time and
 * then wakes the load generator's event loop with a message. The generator thread itself then
 * sleeps in its event loop between sends, rather than spinning a core the server needs, and still
 * sends within the wake-up precision of a futex timeout (tens of microseconds) instead of
 * Node's millisecond timers. Lateness is not hidden: latency is measured from the schedule.
 */
const port = parentPort!
const sleeper = new Int32Array(new SharedArrayBuffer(4))
const EARLY_MS = 0.08

port.once('message', ({ startNs, intervalNs, total }: TickerSettings) => {
  for (let k = 0; k < total; ) {
    const dueNs = startNs + BigInt(k) * intervalNs
    // Sleep to just short of the due time (a futex timeout wakes up to ~0.1 ms late), then spin.
    const sleepMs = Number(dueNs - process.hrtime.bigint()) / 1e6 - EARLY_MS
    if (sleepMs > 0) Atomics.wait(sleeper, 0, 0, sleepMs)
    while (process.hrtime.bigint() < dueNs);
    // Everything due by now goes in one tick: a late wake-up does not fall further behind.
    const now = process.hrtime.bigint()
    k = Math.max(k + 1, Math.min(total, Number((now - startNs) / intervalNs) + 1))
    port.postMessage(k)
  }
})
