import fs from 'node:fs'
import type { Durability } from '../chat-store.js'
import type { StoreObserver } from '../store-observer.js'
import { listSegments } from './journal-file.js'
import { claimDirect } from './journal-lock.js'
import { guardOrphanCommitFailures, inChildTransaction } from './lmdb-commit.js'
import type { LmdbLayout, LmdbTables } from './lmdb-layout.js'

/**
 * How the LMDB store reads and writes. `write` runs `body` synchronously against `tables`;
 * everything it writes is applied together or not at all (a throw discards it), and the
 * promise resolves once the write is acknowledged at `durability` (docs/durability.md).
 */
export interface LmdbWriter {
  readonly tables: LmdbTables
  write<T>(body: () => T, durability: Durability): Promise<T>
  /** Resolves when everything acknowledged so far is on disk. */
  flush(): Promise<void>
  /** Resolves when everything acknowledged so far is in LMDB itself (for its statistics). */
  settle(): Promise<void>
  close(): Promise<void>
}

/** How long a closing direct writer waits for LMDB's last flush, and then for its close. */
const CLOSE_FLUSH_WAIT_MS = 5_000

/** Whether `promise` settles (either way) within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))
  try {
    return await Promise.race([promise.then(() => true, () => true), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Writes straight into LMDB: each write is a child transaction of lmdb-js's next batched
 * commit (group commit), acknowledged at commit (`fast`) or once flushed (`safe`). Used when
 * several processes share the data directory (`--workers`).
 */
export function createDirectWriter(
  layout: LmdbLayout,
  journalDir: string,
  warn: (msg: string) => void,
  observer?: StoreObserver,
): LmdbWriter {
  guardOrphanCommitFailures(warn)
  fs.mkdirSync(journalDir, { recursive: true })
  const claim = claimDirect(journalDir)
  if (listSegments(journalDir).length > 0) {
    claim.release()
    throw new Error('the data directory has a journal to replay first: start it once without --workers')
  }
  return {
    tables: layout.tables,
    async write(body, durability) {
      const started = performance.now()
      const result = await inChildTransaction(layout.root, body)
      if (durability === 'safe') await layout.root.flushed
      observer?.committed(durability, (performance.now() - started) / 1000)
      return result
    },
    flush: async () => {
      await layout.root.flushed
    },
    settle: async () => {},
    close: async () => {
      // After a refused commit (a full disk) lmdb-js's flush promise may never settle: closing
      // waits for it a while, not for ever, so a stop signal still stops the process.
      if (!(await settlesWithin(layout.root.flushed, CLOSE_FLUSH_WAIT_MS)))
        warn('the last LMDB flush did not finish while closing; what it held was acknowledged at commit, or refused')
      claim.release()
      if (!(await settlesWithin(layout.root.close(), CLOSE_FLUSH_WAIT_MS))) warn('LMDB did not close in time')
    },
  }
}
