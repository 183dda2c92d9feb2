import type { ThreadSnapshot, ThreadWrites } from '../store/chat-store.js'
import type { DeliveryRecord } from '../store/webhook-store.js'
import { toWireEvent } from '../chat/wire.js'
import type { WebhookRegistry } from './webhook-registry.js'

/**
 * The deliveries a mutation's writes cause: one per logged event and subscribed endpoint.
 * The payload is the wire event with the states this very mutation writes, captured now, so
 * it stays deliverable after the thread changes again or is purged. Reads nothing.
 */
export function toOutboxEntries(
  threadId: string,
  snapshot: ThreadSnapshot,
  writes: ThreadWrites,
  registry: WebhookRegistry,
  newId: () => string,
): DeliveryRecord[] {
  const out: DeliveryRecord[] = []
  const thread = writes.thread ?? snapshot.thread
  if (!thread) return out
  for (const event of writes.events ?? []) {
    const endpoints = registry.subscribers(event.type)
    if (endpoints.length === 0) continue
    const messageId = event.message_id
    const message =
      messageId === undefined
        ? undefined
        : (writes.putMessages?.find((m) => m.id === messageId) ?? snapshot.messages.get(messageId))
    const payload = JSON.stringify(toWireEvent(thread, event, message))
    for (const endpoint of endpoints) {
      out.push({
        id: newId(),
        webhook_id: endpoint.id,
        event_type: event.type,
        thread_id: threadId,
        change: event.change,
        payload,
        status: 'pending',
        attempts: 0,
        last_status_code: null,
        last_error: null,
        next_attempt_ts: event.ts,
        lease: null,
        created_ts: event.ts,
        updated_ts: event.ts,
        delivered_ts: null,
      })
    }
  }
  return out
}
