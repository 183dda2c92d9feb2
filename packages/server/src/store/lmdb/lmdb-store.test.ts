import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChatStore } from '../chat-store.js'
import { runChatStoreContract } from '../contract.js'
import { openLmdbStore } from './lmdb-store.js'

// The same contract for both write paths: journaled (one process) and direct (--workers).
for (const writes of ['journal', 'direct'] as const) {
  runChatStoreContract(`lmdb (${writes})`, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'progressdb-lmdb-contract-'))
    let current: ChatStore = await openLmdbStore({ dataDir, writes })
    return {
      store: current,
      reopen: async () => {
        await current.close()
        current = await openLmdbStore({ dataDir, writes })
        return current
      },
      cleanup: async () => {
        try {
          await current.close()
        } finally {
          rmSync(dataDir, { recursive: true, force: true })
        }
      },
    }
  })
}
