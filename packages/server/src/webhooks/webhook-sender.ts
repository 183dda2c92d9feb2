import type { DeliveryRecord } from '../store/webhook-store.js'
import type { AttemptResult } from './retry-policy.js'
import type { WebhookEndpoint } from './webhook-endpoint.js'
import { WEBHOOK_HEADERS, signWebhook } from './webhook-signature.js'

/**
 * One attempt: a signed POST of the stored payload. Never throws; errors become a short
 * reason that names no secret and quotes nothing of the body.
 */
export async function sendAttempt(
  endpoint: WebhookEndpoint,
  delivery: DeliveryRecord,
  nowMs: number,
  signal: AbortSignal,
): Promise<AttemptResult> {
  const body = delivery.payload ?? ''
  const timestampS = Math.floor(nowMs / 1000)
  try {
    const response = await fetch(endpoint.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'ProgressDB-Webhooks/1',
        [WEBHOOK_HEADERS.id]: delivery.id,
        [WEBHOOK_HEADERS.timestamp]: String(timestampS),
        [WEBHOOK_HEADERS.signature]: signWebhook(endpoint.secret, timestampS, body),
        [WEBHOOK_HEADERS.event]: delivery.event_type,
      },
      body,
      redirect: 'manual',
      signal,
    })
    // The receiver's answer is not needed; drain it so the connection can be reused.
    await response.arrayBuffer().catch(() => undefined)
    return { statusCode: response.status, error: null }
  } catch (error) {
    return { statusCode: null, error: reasonOf(error, signal) }
  }
}

function reasonOf(error: unknown, signal: AbortSignal): string {
  if (signal.aborted)
    return signal.reason instanceof Error && signal.reason.name === 'TimeoutError'
      ? 'timed out'
      : 'aborted'
  const cause = (error as { cause?: { code?: unknown } }).cause
  return typeof cause?.code === 'string' ? `connection failed (${cause.code})` : 'connection failed'
}
