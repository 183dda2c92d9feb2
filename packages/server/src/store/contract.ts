import { describe } from 'vitest'
import { describeConcurrencyContract } from './contract/concurrency-contract.js'
import type { OpenChatStore } from './contract/fixture.js'
import { describeHistoryAndPurgeContract } from './contract/history-and-purge-contract.js'
import { describeLogAndUnreadContract } from './contract/log-and-unread-contract.js'
import { describeMessageContract } from './contract/message-contract.js'
import { describeMutationContract } from './contract/mutation-contract.js'
import { describePersistenceContract } from './contract/persistence-contract.js'
import { describeStreamingIndexContract } from './contract/streaming-index-contract.js'
import { describeThreadListContract } from './contract/thread-list-contract.js'
import { describeUserFeedContract } from './contract/user-feed-contract.js'
import { describeValueRoundTripContract } from './contract/value-round-trip-contract.js'
import { describeWebhooksContract } from './contract/webhooks-contract.js'

export type { ChatStoreFixture, OpenChatStore } from './contract/fixture.js'

/**
 * The behaviour every ChatStore backend must show, as a vitest suite. `open` is called once per
 * test and must return an empty store of its own; `cleanup` closes it and removes its data.
 * Backends that can close and reopen on the same data pass `reopen` for the persistence tests.
 */
export function runChatStoreContract(name: string, open: OpenChatStore): void {
  describe(`ChatStore contract: ${name}`, () => {
    describeMutationContract(open)
    describeMessageContract(open)
    describeHistoryAndPurgeContract(open)
    describeLogAndUnreadContract(open)
    describeThreadListContract(open)
    describeUserFeedContract(open)
    describeConcurrencyContract(open)
    describePersistenceContract(open)
    describeValueRoundTripContract(open)
    describeStreamingIndexContract(open)
    describeWebhooksContract(open)
  })
}
