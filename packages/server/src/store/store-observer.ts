import type { Durability } from './chat-store.js'

/** What a store reports as it works, for /metrics (metrics/server-metrics.ts). */
export interface StoreObserver {
  /** A write acknowledged at `durability`, `seconds` after it was handed to the store. */
  committed(durability: Durability, seconds: number): void
  /** One group flush of the write-ahead journal (its fdatasync), `seconds` long. */
  journalFlushed(seconds: number): void
}
