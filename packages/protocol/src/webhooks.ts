import { Type, type Static } from '@sinclair/typebox'
import { EVENT_TYPES } from './events.js'

const strict = { additionalProperties: false } as const

/** Longest endpoint URL accepted. */
export const WEBHOOK_URL_MAX_LENGTH = 2048
/** Bounds of a caller-chosen signing secret (generated ones are 32 random bytes). */
export const WEBHOOK_SECRET_MIN_LENGTH = 16
export const WEBHOOK_SECRET_MAX_LENGTH = 256

/** The event types an endpoint receives: any of EVENT_TYPES, or `*` for all of them. */
export const WebhookEventFilter = Type.Array(
  Type.Union([...EVENT_TYPES.map((t) => Type.Literal(t)), Type.Literal('*')]),
  { minItems: 1, maxItems: EVENT_TYPES.length + 1, uniqueItems: true },
)
export type WebhookEventFilter = Static<typeof WebhookEventFilter>

const Url = Type.String({
  minLength: 1,
  maxLength: WEBHOOK_URL_MAX_LENGTH,
  description: 'An absolute http:// or https:// URL that receives the POSTs.',
})
const Secret = Type.String({
  minLength: WEBHOOK_SECRET_MIN_LENGTH,
  maxLength: WEBHOOK_SECRET_MAX_LENGTH,
  description: 'HMAC-SHA256 key for the signature header; generated when absent.',
})
const Description = Type.String({ maxLength: 1000 })

export const CreateWebhookRequest = Type.Object(
  {
    url: Url,
    events: WebhookEventFilter,
    secret: Type.Optional(Secret),
    description: Type.Optional(Description),
    enabled: Type.Optional(
      Type.Boolean({ description: 'Disabled endpoints get no new deliveries.' }),
    ),
  },
  strict,
)
export type CreateWebhookRequest = Static<typeof CreateWebhookRequest>

export const UpdateWebhookRequest = Type.Object(
  {
    url: Type.Optional(Url),
    events: Type.Optional(WebhookEventFilter),
    secret: Type.Optional(Secret),
    description: Type.Optional(Description),
    enabled: Type.Optional(Type.Boolean()),
  },
  strict,
)
export type UpdateWebhookRequest = Static<typeof UpdateWebhookRequest>

/** An endpoint as the admin API shows it: never with its secret. */
export const Webhook = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: WebhookEventFilter,
  description: Type.String(),
  enabled: Type.Boolean(),
  source: Type.Union([Type.Literal('api'), Type.Literal('config')], {
    description: '`config` endpoints come from the config file and are read-only here.',
  }),
  created_ts: Type.Integer(),
  updated_ts: Type.Integer(),
})
export type Webhook = Static<typeof Webhook>

export const WebhookResponse = Type.Object({
  webhook: Webhook,
  secret: Type.Optional(
    Type.String({
      description: 'Only in the response to a create: the signing secret, shown once.',
    }),
  ),
})
export type WebhookResponse = Static<typeof WebhookResponse>

export const WebhookListResponse = Type.Object({ webhooks: Type.Array(Webhook) })
export type WebhookListResponse = Static<typeof WebhookListResponse>

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'delivered', 'failed'] as const
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number]

/** One entry of an endpoint's delivery log. */
export const WebhookDelivery = Type.Object({
  id: Type.String({ description: 'Sent as `ProgressDB-Webhook-Id`; the same on every attempt.' }),
  webhook_id: Type.String(),
  event_type: Type.String(),
  thread_id: Type.String(),
  change: Type.Integer(),
  status: Type.Union(WEBHOOK_DELIVERY_STATUSES.map((s) => Type.Literal(s))),
  attempts: Type.Integer({ description: 'Attempts started so far.' }),
  last_status_code: Type.Union([Type.Integer(), Type.Null()], {
    description: 'HTTP status of the latest answered attempt.',
  }),
  last_error: Type.Union([Type.String(), Type.Null()], {
    description: 'Why the latest attempt failed (status, timeout, connection error).',
  }),
  next_attempt_ts: Type.Union([Type.Integer(), Type.Null()], {
    description: 'Null once delivered or failed.',
  }),
  created_ts: Type.Integer(),
  updated_ts: Type.Integer(),
  delivered_ts: Type.Union([Type.Integer(), Type.Null()]),
})
export type WebhookDelivery = Static<typeof WebhookDelivery>

export const WebhookDeliveryListResponse = Type.Object({
  deliveries: Type.Array(WebhookDelivery),
  next_before: Type.Union([Type.String(), Type.Null()], {
    description: 'Pass as `before` for the next (older) page; null on the last page.',
  }),
})
export type WebhookDeliveryListResponse = Static<typeof WebhookDeliveryListResponse>
