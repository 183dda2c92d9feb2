/**
 * Waits until the wall clock has moved past the current millisecond, so two writes get distinct
 * server timestamps (the server under test uses the system clock of this process). This polls
 * the clock; it does not sleep for a guessed duration.
 */
export async function nextMillisecond(): Promise<void> {
  const start = Date.now()
  while (Date.now() <= start) await new Promise((resolve) => setImmediate(resolve))
}
