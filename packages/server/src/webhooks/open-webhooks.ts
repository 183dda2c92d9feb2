import type { Clock } from '../chat/clock.js'
import { createIdGenerator } from '../chat/id-generator.js'
import type { Config } from '../config/schema.js'
import type { Logger } from '../logging/logger.js'
import type { ChatStore } from '../store/chat-store.js'
import { withWebhookOutbox } from './outbox-store.js'
import { createWebhookAdmin, type WebhookAdmin } from './webhook-admin.js'
import { createWebhookDispatcher, type WebhookDispatcher } from './webhook-dispatcher.js'
import { openWebhookRegistry } from './webhook-registry.js'

export interface Webhooks {
  /** The store with the transactional outbox: give this one to the chat service. */
  store: ChatStore
  admin: WebhookAdmin
  dispatcher: WebhookDispatcher
}

/** Webhooks for one server process: endpoints, the outbox on the write path, the dispatcher. */
export async function openWebhooks(deps: {
  settings: Config['webhooks']
  store: ChatStore
  clock: Clock
  log: Logger
}): Promise<Webhooks> {
  const { settings, store, clock, log } = deps
  const newId = createIdGenerator(clock)
  const registry = await openWebhookRegistry(settings.endpoints, store.webhooks, clock.now())
  const dispatcher = createWebhookDispatcher({
    store: store.webhooks,
    registry,
    clock,
    log,
    settings,
  })
  return {
    store: withWebhookOutbox(store, { registry, newId, onEnqueued: () => dispatcher.wake() }),
    admin: createWebhookAdmin({ store: store.webhooks, registry, newId, now: () => clock.now() }),
    dispatcher,
  }
}
