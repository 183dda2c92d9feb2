import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { createChatService, type ChatService } from '../src/chat/chat-service.js'
import { createIdGenerator } from '../src/chat/id-generator.js'
import { loadConfig } from '../src/config/load-config.js'
import type { ChatStore } from '../src/store/chat-store.js'
import { openLmdbStore } from '../src/store/lmdb/lmdb-store.js'

export interface ChatFixture {
  chat: ChatService
  store: ChatStore
  /** Moves the fake clock forward. */
  advance: (ms: number) => void
  close: () => Promise<void>
}

/**
 * The chat rules on a real LMDB store in a temp dir, with a fake clock and the default limits;
 * `wrap` decorates the store the rules use (e.g. with change publishing).
 */
export async function openChatFixture(wrap: (store: ChatStore) => ChatStore = (store) => store): Promise<ChatFixture> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-chat-'))
  const store = wrap(await openLmdbStore({ dataDir: dir }))
  let now = 1_800_000_000_000
  const clock = { now: () => now }
  const { limits } = loadConfig({ argv: [], env: {}, cwd: dir }).config
  const chat = createChatService({ store, clock, newId: createIdGenerator(clock), limits })
  return {
    chat,
    store,
    advance: (ms) => (now += ms),
    close: async () => {
      await store.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}
