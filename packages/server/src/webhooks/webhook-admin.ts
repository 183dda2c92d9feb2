import { randomBytes } from 'node:crypto'
import type {
  CreateWebhookRequest,
  UpdateWebhookRequest,
  Webhook,
  WebhookDeliveryListResponse,
  WebhookDeliveryStatus,
} from '@progressdb/protocol'
import { AppError } from '../app-error.js'
import type { WebhookRecord, WebhookStore } from '../store/webhook-store.js'
import { toWireDelivery, toWireWebhook, type WebhookEndpoint } from './webhook-endpoint.js'
import type { WebhookRegistry } from './webhook-registry.js'

export interface WebhookAdminDeps {
  store: WebhookStore
  registry: WebhookRegistry
  newId: () => string
  now: () => number
}

/** The admin API's operations on endpoints and their delivery logs. */
export interface WebhookAdmin {
  list(): Promise<Webhook[]>
  get(id: string): Promise<Webhook>
  /** The generated (or given) secret is returned here and never again. */
  create(input: CreateWebhookRequest): Promise<{ webhook: Webhook; secret: string }>
  update(id: string, input: UpdateWebhookRequest): Promise<Webhook>
  remove(id: string): Promise<void>
  deliveries(
    id: string,
    query: { before?: string; limit: number; status?: WebhookDeliveryStatus },
  ): Promise<WebhookDeliveryListResponse>
}

/** http and https only; the schema has already bounded the length. */
function checkUrl(url: string): void {
  let parsed: URL | undefined
  try {
    parsed = new URL(url)
  } catch {
    parsed = undefined
  }
  if (parsed?.protocol !== 'http:' && parsed?.protocol !== 'https:')
    throw new AppError('VALIDATION_FAILED', '/url: must be an absolute http:// or https:// URL', [
      { path: '/url', message: 'must be an absolute http:// or https:// URL' },
    ])
}

const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`

export function createWebhookAdmin(deps: WebhookAdminDeps): WebhookAdmin {
  const { store, registry } = deps

  const find = async (id: string): Promise<WebhookEndpoint> => {
    const endpoint = await registry.find(id)
    if (!endpoint) throw new AppError('WEBHOOK_NOT_FOUND', 'No webhook endpoint has this id.')
    return endpoint
  }
  const findWritable = async (id: string): Promise<WebhookEndpoint> => {
    const endpoint = await find(id)
    if (registry.isConfigured(id))
      throw new AppError(
        'WEBHOOK_READ_ONLY',
        'This endpoint comes from the config file; change it there.',
      )
    return endpoint
  }

  return {
    async list() {
      await registry.reload()
      return registry.list().map(toWireWebhook)
    },
    async get(id) {
      return toWireWebhook(await find(id))
    },
    async create(input) {
      checkUrl(input.url)
      const now = deps.now()
      const secret = input.secret ?? newSecret()
      const record = {
        id: `wh_${deps.newId()}`,
        url: input.url,
        events: input.events,
        secret,
        description: input.description ?? '',
        enabled: input.enabled ?? true,
        created_ts: now,
        updated_ts: now,
      }
      await store.putWebhook(record)
      await registry.reload()
      return { webhook: toWireWebhook({ ...record, source: 'api' }), secret }
    },
    async update(id, input) {
      const current = await findWritable(id)
      if (input.url !== undefined) checkUrl(input.url)
      const next: WebhookRecord = {
        id: current.id,
        created_ts: current.created_ts,
        url: input.url ?? current.url,
        events: input.events ?? current.events,
        secret: input.secret ?? current.secret,
        description: input.description ?? current.description,
        enabled: input.enabled ?? current.enabled,
        updated_ts: deps.now(),
      }
      await store.putWebhook(next)
      await registry.reload()
      return toWireWebhook({ ...next, source: 'api' })
    },
    async remove(id) {
      await findWritable(id)
      await store.deleteWebhook(id)
      await registry.reload()
    },
    async deliveries(id, query) {
      await find(id)
      const page = await store.listDeliveries(id, { ...query, limit: query.limit + 1 })
      const shown = page.slice(0, query.limit)
      return {
        deliveries: shown.map(toWireDelivery),
        next_before: page.length > query.limit ? (shown[shown.length - 1]?.id ?? null) : null,
      }
    },
  }
}
