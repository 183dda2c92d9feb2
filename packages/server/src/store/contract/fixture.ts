import { afterEach, beforeEach } from 'vitest'
import type { ChatStore } from '../chat-store.js'

/** One fresh, empty store for one test, as a backend opens it. */
export interface ChatStoreFixture {
  store: ChatStore
  /** Closes the store and opens it again on the same data (persistence tests need it). */
  reopen?: () => Promise<ChatStore>
  /** Closes whatever store is current and removes its data. */
  cleanup: () => Promise<void>
}

export type OpenChatStore = () => Promise<ChatStoreFixture>

/** The store of the running test; `reopen` swaps in the reopened store. */
export interface StoreUnderTest {
  readonly store: ChatStore
  readonly canReopen: boolean
  reopen(): Promise<ChatStore>
}

/** Registers hooks that give every test in the enclosing describe a fresh store. */
export function useFreshStore(open: OpenChatStore): StoreUnderTest {
  let fixture: ChatStoreFixture | undefined
  let current: ChatStore | undefined

  beforeEach(async () => {
    fixture = await open()
    current = fixture.store
  })
  afterEach(async () => {
    const done = fixture
    fixture = undefined
    current = undefined
    await done?.cleanup()
  })

  return {
    get store(): ChatStore {
      if (current === undefined) throw new Error('no store: used outside a test')
      return current
    },
    get canReopen(): boolean {
      return fixture?.reopen !== undefined
    },
    async reopen(): Promise<ChatStore> {
      if (fixture?.reopen === undefined) throw new Error('this backend cannot reopen')
      current = await fixture.reopen()
      return current
    },
  }
}
