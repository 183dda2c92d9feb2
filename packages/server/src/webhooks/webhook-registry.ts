import { EVENT_TYPES, type EventType, type WebhookEventFilter } from '@progressdb/protocol'
import type { WebhookStore } from '../store/webhook-store.js'
import type { WebhookEndpoint } from './webhook-endpoint.js'

/** An endpoint as the config file gives it. */
export interface ConfiguredEndpoint {
  readonly id: string
  readonly url: string
  readonly events: Readonly<WebhookEventFilter>
  readonly secret: string
  readonly description?: string
}

/**
 * The endpoints of this process, indexed by event type so that the write path asks one map
 * lookup per event, and nothing at all when no endpoint exists. Config endpoints are fixed;
 * stored ones are reloaded after every admin change here and every poll interval (other
 * processes of `--workers` change them too).
 */
export interface WebhookRegistry {
  /** Enabled endpoints subscribed to `type`. */
  subscribers(type: EventType): readonly WebhookEndpoint[]
  /** False when no enabled endpoint exists: the outbox then adds nothing to any write. */
  hasAny(): boolean
  /** Every endpoint, config ones first. */
  list(): readonly WebhookEndpoint[]
  /** The endpoint as stored right now (not the cached copy), or a config one. */
  find(id: string): Promise<WebhookEndpoint | undefined>
  isConfigured(id: string): boolean
  reload(): Promise<void>
}

const NONE: readonly WebhookEndpoint[] = Object.freeze([])

export function fromConfig(endpoint: ConfiguredEndpoint, startedTs: number): WebhookEndpoint {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: [...endpoint.events],
    secret: endpoint.secret,
    description: endpoint.description ?? '',
    enabled: true,
    source: 'config',
    created_ts: startedTs,
    updated_ts: startedTs,
  }
}

function wants(endpoint: WebhookEndpoint, type: EventType): boolean {
  return endpoint.events.includes('*') || endpoint.events.includes(type)
}

export async function openWebhookRegistry(
  configured: readonly ConfiguredEndpoint[],
  store: WebhookStore,
  startedTs: number,
): Promise<WebhookRegistry> {
  const fixed = new Map<string, WebhookEndpoint>()
  for (const c of configured) {
    if (fixed.has(c.id)) throw new Error(`webhooks.endpoints: the id ${c.id} is used twice`)
    fixed.set(c.id, fromConfig(c, startedTs))
  }
  let all: readonly WebhookEndpoint[] = [...fixed.values()]
  let byType = new Map<EventType, readonly WebhookEndpoint[]>()

  const rebuild = (stored: readonly WebhookEndpoint[]) => {
    all = [...fixed.values(), ...stored.filter((e) => !fixed.has(e.id))]
    const next = new Map<EventType, readonly WebhookEndpoint[]>()
    for (const type of EVENT_TYPES) {
      const list = all.filter((e) => e.enabled && wants(e, type))
      if (list.length > 0) next.set(type, list)
    }
    byType = next
  }
  const reload = async () =>
    rebuild((await store.listWebhooks()).map((r) => ({ ...r, source: 'api' as const })))
  await reload()

  return {
    subscribers: (type) => byType.get(type) ?? NONE,
    hasAny: () => byType.size > 0,
    list: () => all,
    async find(id) {
      const configuredEndpoint = fixed.get(id)
      if (configuredEndpoint) return configuredEndpoint
      const stored = await store.getWebhook(id)
      return stored && { ...stored, source: 'api' }
    },
    isConfigured: (id) => fixed.has(id),
    reload,
  }
}
