import type { ChatService } from '../../chat/chat-service.js'
import type { ChangeHub } from '../../realtime/change-hub.js'
import type { PresenceHub } from '../../realtime/presence-hub.js'
import type { SubscriptionRegistry } from '../../realtime/subscription-registry.js'
import type { StoreStats } from '../../store/chat-store.js'

/** What the route handlers may use; built once by the server. */
export interface RouteDeps {
  chat: ChatService
  /** The current signing secret first; used by /backend/v1/sign. */
  signingKeys: readonly string[]
  signatureMaxTtlS: number
  now: () => number
  storeStats: () => Promise<StoreStats>
  runtimeStats: () => Record<string, number>
  isReady: () => boolean
  version: string
  realtime: {
    hub: ChangeHub
    subscriptions: SubscriptionRegistry
    presence: PresenceHub
    sendQueueMaxBytes: number
    heartbeatMs: number
    threadListSlackMs: number
  }
}
