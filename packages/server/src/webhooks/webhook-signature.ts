import { createHmac } from 'node:crypto'

/** The headers of every delivery (docs/webhooks.md shows how a receiver checks them). */
export const WEBHOOK_HEADERS = {
  id: 'progressdb-webhook-id',
  timestamp: 'progressdb-webhook-timestamp',
  signature: 'progressdb-webhook-signature',
  event: 'progressdb-webhook-event',
} as const

/**
 * `v1=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`: the timestamp (unix seconds) is signed
 * with the body, so a receiver that rejects old timestamps also rejects replays.
 */
export function signWebhook(secret: string, timestampS: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestampS}.${body}`).digest('hex')}`
}
