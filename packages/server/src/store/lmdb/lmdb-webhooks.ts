import { randomUUID } from 'node:crypto'
import type {
  AttemptOutcome,
  DeliveryQuery,
  DeliveryRecord,
  WebhookRecord,
  WebhookStore,
} from '../webhook-store.js'
import { KEY_MAX, type LmdbTables } from './lmdb-layout.js'
import type { LmdbWriter } from './lmdb-writer.js'

/** Due entries one claim looks at, at most: refused endpoints' entries are skipped over. */
const CLAIM_SCAN_MAX = 10_000

const toBytes = (value: unknown) => Buffer.from(JSON.stringify(value))
const fromBytes = <T>(bytes: Uint8Array): T => JSON.parse(Buffer.from(bytes).toString('utf8')) as T

/** Writes a mutation's outbox entries; runs inside the mutation's write transaction. */
export function writeOutbox(tables: LmdbTables, entries: readonly DeliveryRecord[]): void {
  for (const entry of entries) putDelivery(tables, entry)
}

function putDelivery(tables: LmdbTables, entry: DeliveryRecord): void {
  tables.outbox.putSync([entry.webhook_id, entry.id], toBytes(entry))
  if (entry.status === 'pending' && entry.next_attempt_ts !== null)
    tables.outboxDue.putSync([entry.next_attempt_ts, entry.webhook_id, entry.id], 1)
}

/** Replaces a stored delivery, moving its due-index entry along with `next_attempt_ts`. */
function replaceDelivery(tables: LmdbTables, before: DeliveryRecord, after: DeliveryRecord): void {
  if (before.next_attempt_ts !== null)
    tables.outboxDue.removeSync([before.next_attempt_ts, before.webhook_id, before.id])
  putDelivery(tables, after)
}

function readDelivery(
  tables: LmdbTables,
  webhookId: string,
  id: string,
): DeliveryRecord | undefined {
  const bytes = tables.outbox.get([webhookId, id])
  return bytes ? fromBytes<DeliveryRecord>(bytes) : undefined
}

/** The delivery after an attempt's outcome (`released` gives the attempt back). */
function settle(delivery: DeliveryRecord, outcome: AttemptOutcome, now: number): DeliveryRecord {
  const base = { ...delivery, lease: null, updated_ts: now }
  switch (outcome.kind) {
    case 'delivered':
      return {
        ...base,
        status: 'delivered',
        payload: null,
        next_attempt_ts: null,
        delivered_ts: now,
        last_status_code: outcome.statusCode,
        last_error: null,
      }
    case 'retry':
      return {
        ...base,
        next_attempt_ts: outcome.nextAttemptTs,
        last_status_code: outcome.statusCode,
        last_error: outcome.error,
      }
    case 'failed':
      return {
        ...base,
        status: 'failed',
        payload: null,
        next_attempt_ts: null,
        last_status_code: outcome.statusCode,
        last_error: outcome.error,
      }
    case 'released':
      return { ...base, attempts: delivery.attempts - 1, next_attempt_ts: now }
  }
}

/** The webhook half of the LMDB store: endpoints, the outbox and its due index. */
export function createLmdbWebhookStore(writer: LmdbWriter): WebhookStore {
  const tables = writer.tables
  const write = <T>(body: () => T): Promise<T> => writer.write(body, 'fast')
  return {
    async listWebhooks() {
      return [...tables.webhooks.getRange({})].map(({ value }) => fromBytes<WebhookRecord>(value))
    },
    async getWebhook(id) {
      const bytes = tables.webhooks.get(id)
      return bytes ? fromBytes<WebhookRecord>(bytes) : undefined
    },
    putWebhook: (record) => write(() => void tables.webhooks.putSync(record.id, toBytes(record))),
    deleteWebhook: (id) =>
      write(() => {
        if (tables.webhooks.get(id) === undefined) return false
        tables.webhooks.removeSync(id)
        const keys = [...tables.outbox.getKeys({ start: [id], end: [id, KEY_MAX] })]
        for (const key of keys) {
          const delivery = readDelivery(tables, key[0], key[1])
          if (delivery?.next_attempt_ts != null)
            tables.outboxDue.removeSync([delivery.next_attempt_ts, id, delivery.id])
          tables.outbox.removeSync(key)
        }
        return true
      }),
    claimDueDeliveries: (now, leaseMs, limit, admit = () => true) =>
      write(() => {
        const picked: DeliveryRecord[] = []
        const stale: [number, string, string][] = []
        // Read first, write after: the claimed entries move within the range being read.
        for (const key of tables.outboxDue.getKeys({
          end: [now, KEY_MAX],
          limit: CLAIM_SCAN_MAX,
        })) {
          if (picked.length >= limit) break
          const delivery = readDelivery(tables, key[1], key[2])
          if (delivery?.status !== 'pending') stale.push(key)
          else if (admit(key[1])) picked.push(delivery)
        }
        for (const key of stale) tables.outboxDue.removeSync(key)
        return picked.map((delivery) => {
          const leased = {
            ...delivery,
            lease: randomUUID(),
            attempts: delivery.attempts + 1,
            next_attempt_ts: now + leaseMs,
            updated_ts: now,
          }
          replaceDelivery(tables, delivery, leased)
          return leased
        })
      }),
    completeAttempt: (delivery, outcome, now) =>
      write(() => {
        const current = readDelivery(tables, delivery.webhook_id, delivery.id)
        if (!current || current.status !== 'pending' || current.lease !== delivery.lease)
          return false
        replaceDelivery(tables, current, settle(current, outcome, now))
        return true
      }),
    async listDeliveries(webhookId, query: DeliveryQuery) {
      const range = { start: [webhookId, query.before ?? KEY_MAX], end: [webhookId], reverse: true }
      const out: DeliveryRecord[] = []
      for (const { key, value } of tables.outbox.getRange(range)) {
        if (key[1] === query.before) continue
        const delivery = fromBytes<DeliveryRecord>(value)
        if (query.status !== undefined && delivery.status !== query.status) continue
        out.push(delivery)
        if (out.length >= query.limit) break
      }
      return out
    },
    async getDelivery(webhookId, deliveryId) {
      return readDelivery(tables, webhookId, deliveryId)
    },
    async nextDueTs() {
      for (const [ts] of tables.outboxDue.getKeys({ limit: 1 })) return ts
      return undefined
    },
    pruneDeliveries: (cutoffTs, limit) =>
      write(() => {
        let removed = 0
        let from: [string] | [string, string] = ['']
        // One endpoint's log at a time: ids are time-ordered, so each stops at the cutoff.
        for (;;) {
          const next: [string, string] | undefined = [
            ...tables.outbox.getKeys({ start: from, limit: 1 }),
          ][0]
          if (next === undefined || removed >= limit) return removed
          const webhookId: string = next[0]
          const old: [string, string][] = []
          for (const { key, value } of tables.outbox.getRange({
            start: [webhookId],
            end: [webhookId, KEY_MAX],
          })) {
            const delivery = fromBytes<DeliveryRecord>(value)
            if (delivery.created_ts >= cutoffTs || old.length + removed >= limit) break
            if (delivery.status !== 'pending') old.push(key)
          }
          for (const key of old) tables.outbox.removeSync(key)
          removed += old.length
          from = [webhookId, KEY_MAX]
        }
      }),
  }
}
