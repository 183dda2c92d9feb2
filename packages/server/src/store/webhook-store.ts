import type { EventType, WebhookDeliveryStatus, WebhookEventFilter } from '@progressdb/protocol'

/** A webhook endpoint registered through the admin API (config endpoints are not stored). */
export interface WebhookRecord {
  id: string
  url: string
  events: WebhookEventFilter
  /** The HMAC key deliveries are signed with; never shown after the create response. */
  secret: string
  description: string
  enabled: boolean
  created_ts: number
  updated_ts: number
}

/**
 * One event for one endpoint: an outbox entry while pending, a delivery-log entry after.
 * Written by `ThreadWrites.outbox` in the transaction of the change it reports.
 */
export interface DeliveryRecord {
  /** Time-ordered and unique; receivers de-duplicate on it. */
  id: string
  webhook_id: string
  event_type: EventType
  thread_id: string
  change: number
  /** The exact JSON body every attempt sends; dropped once delivered or failed. */
  payload: string | null
  status: WebhookDeliveryStatus
  attempts: number
  last_status_code: number | null
  last_error: string | null
  /** When a pending delivery is next due (or its lease ends); null once delivered or failed. */
  next_attempt_ts: number | null
  /** The claim token of the attempt in flight, if any. */
  lease: string | null
  created_ts: number
  updated_ts: number
  delivered_ts: number | null
}

/** What became of one claimed attempt. */
export type AttemptOutcome =
  | { kind: 'delivered'; statusCode: number }
  | { kind: 'retry'; statusCode: number | null; error: string; nextAttemptTs: number }
  | { kind: 'failed'; statusCode: number | null; error: string }
  /** Not tried after all (shutdown): due again at once, the attempt not counted. */
  | { kind: 'released' }

export interface DeliveryQuery {
  /** Exclusive: only deliveries older than this id. */
  before?: string
  limit: number
  status?: WebhookDeliveryStatus
}

/**
 * Webhook endpoints and the delivery outbox/log. Each call is one transaction. Claims make
 * sure that processes sharing the store (`--workers`) never run the same attempt at once.
 */
export interface WebhookStore {
  listWebhooks(): Promise<WebhookRecord[]>
  getWebhook(id: string): Promise<WebhookRecord | undefined>
  putWebhook(record: WebhookRecord): Promise<void>
  /** Removes the endpoint and its whole delivery log, pending deliveries included. */
  deleteWebhook(id: string): Promise<boolean>
  /**
   * Leases up to `limit` pending deliveries due at `now` (oldest due first): each gets a new
   * `lease`, one more attempt, and `next_attempt_ts = now + leaseMs`, so a claim whose process
   * dies is due again once the lease ends. `admit` is asked about each due delivery's endpoint
   * in turn (a bounded number of them); one it refuses stays due, untouched.
   */
  claimDueDeliveries(
    now: number,
    leaseMs: number,
    limit: number,
    admit?: (webhookId: string) => boolean,
  ): Promise<DeliveryRecord[]>
  /** Applies an attempt's outcome if `lease` still holds; false when the lease was lost. */
  completeAttempt(delivery: DeliveryRecord, outcome: AttemptOutcome, now: number): Promise<boolean>
  /** An endpoint's log, newest first. */
  listDeliveries(webhookId: string, query: DeliveryQuery): Promise<DeliveryRecord[]>
  getDelivery(webhookId: string, deliveryId: string): Promise<DeliveryRecord | undefined>
  /** The earliest `next_attempt_ts` of any pending delivery. */
  nextDueTs(): Promise<number | undefined>
  /** Removes up to `limit` delivered or failed entries created before `cutoffTs`; returns how many. */
  pruneDeliveries(cutoffTs: number, limit: number): Promise<number>
}
