import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ChatStore } from '../chat-store.js'
import { runChatStoreContract } from '../contract.js'
import { openLmdbStore } from './lmdb-store.js'

runChatStoreContract('lmdb', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'progressdb-lmdb-contract-'))
  let current: ChatStore = await openLmdbStore({ dataDir })
  return {
    store: current,
    reopen: async () => {
      await current.close()
      current = await openLmdbStore({ dataDir })
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
