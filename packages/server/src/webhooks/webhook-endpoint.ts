import type { Webhook, WebhookDelivery } from '@progressdb/protocol'
import type { DeliveryRecord, WebhookRecord } from '../store/webhook-store.js'

/** An endpoint deliveries go to: stored (admin API) or from the config file. */
export interface WebhookEndpoint extends WebhookRecord {
  source: 'api' | 'config'
}

/** The admin API's view of an endpoint: everything but the secret. */
export function toWireWebhook(endpoint: WebhookEndpoint): Webhook {
  return {
    id: endpoint.id,
    url: endpoint.url,
    events: endpoint.events,
    description: endpoint.description,
    enabled: endpoint.enabled,
    source: endpoint.source,
    created_ts: endpoint.created_ts,
    updated_ts: endpoint.updated_ts,
  }
}

/** A delivery-log entry as the admin API shows it: without the payload or the lease. */
export function toWireDelivery(record: DeliveryRecord): WebhookDelivery {
  return {
    id: record.id,
    webhook_id: record.webhook_id,
    event_type: record.event_type,
    thread_id: record.thread_id,
    change: record.change,
    status: record.status,
    attempts: record.attempts,
    last_status_code: record.last_status_code,
    last_error: record.last_error,
    next_attempt_ts: record.next_attempt_ts,
    created_ts: record.created_ts,
    updated_ts: record.updated_ts,
    delivered_ts: record.delivered_ts,
  }
}
