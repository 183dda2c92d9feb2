import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createIdGenerator } from '../src/chat/id-generator.js'
import { createLogger } from '../src/logging/logger.js'
import type { ChatStore } from '../src/store/chat-store.js'
import { commit, createThread } from '../src/store/contract/write-steps.js'
import { openLmdbStore } from '../src/store/lmdb/lmdb-store.js'
import { buildChangeRecord, buildThreadRecord } from '../src/store/record-builders.js'
import { withWebhookOutbox } from '../src/webhooks/outbox-store.js'
import { backoffMs } from '../src/webhooks/retry-policy.js'
import {
  createWebhookDispatcher,
  type DispatcherSettings,
} from '../src/webhooks/webhook-dispatcher.js'
import { openWebhookRegistry, type WebhookRegistry } from '../src/webhooks/webhook-registry.js'
import {
  eventually,
  startWebhookReceiver,
  verifyProgressDBWebhook,
  type WebhookReceiver,
} from './webhook-receiver.js'

const T0 = 1_800_000_000_000
const SECRET = 'dispatcher-test-secret-0123'
const SETTINGS: DispatcherSettings = {
  initialDelayMs: 1000,
  maxDelayMs: 4000,
  maxAgeMs: 10_000,
  timeoutMs: 5000,
  concurrency: 4,
  endpointConcurrency: 2,
  pollIntervalMs: 1000,
  logRetentionMs: 60_000,
}

/** The dispatcher on a real LMDB store and a real loopback receiver, with a fake clock. */
describe('webhook dispatcher', () => {
  let dir: string
  let store: ChatStore
  let receiver: WebhookReceiver | undefined
  let other: WebhookReceiver | undefined
  let now: number
  const clock = { now: () => now }
  const log = createLogger('silent')

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pdb-webhooks-'))
    store = await openLmdbStore({ dataDir: dir })
    now = T0
  })
  afterEach(async () => {
    await receiver?.close()
    await other?.close()
    receiver = other = undefined
    await store.close()
    fs.rmSync(dir, { recursive: true, force: true })
  })

  const endpoint = (id: string, url: string) => ({
    id,
    url,
    events: ['message.created' as const],
    secret: SECRET,
  })
  const setUp = async (
    answer: (n: number) => number | 'hold',
    more: ReturnType<typeof endpoint>[] = [],
  ) => {
    receiver = await startWebhookReceiver(answer)
    const registry = await openWebhookRegistry(
      [endpoint('ep', receiver.url), ...more],
      store.webhooks,
      T0,
    )
    const outboxStore = withWebhookOutbox(store, {
      registry,
      newId: createIdGenerator(clock),
      onEnqueued: () => undefined,
    })
    await createThread(outboxStore, buildThreadRecord({ id: 't' }))
    return { registry, outboxStore, receiver }
  }
  /** Commits `count` logged message.created changes to thread `t` at the current fake time. */
  const logChanges = async (target: ChatStore, count: number) => {
    for (let i = 0; i < count; i++)
      await commit(target, 't', (snap) => {
        const change = snap.thread!.last_change + 1
        return {
          thread: { ...snap.thread!, last_change: change },
          events: [buildChangeRecord({ change, ts: now })],
        }
      })
  }
  const dispatcher = (registry: WebhookRegistry, random = () => 0.5) =>
    createWebhookDispatcher({
      store: store.webhooks,
      registry,
      clock,
      log,
      settings: SETTINGS,
      random,
    })

  it('an idle dispatcher claims nothing (no write transaction) until a delivery is due', async () => {
    const { registry, outboxStore, receiver } = await setUp(() => 200)
    let claims = 0
    const counting: ChatStore['webhooks'] = {
      ...store.webhooks,
      claimDueDeliveries: (...args) => {
        claims++
        return store.webhooks.claimDueDeliveries(...args)
      },
    }
    const d = createWebhookDispatcher({ store: counting, registry, clock, log, settings: SETTINGS })
    d.start()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(claims).toBe(0)
    await logChanges(outboxStore, 1)
    d.wake()
    await eventually(
      () => store.webhooks.listDeliveries('ep', { limit: 10 }),
      (list) => list[0]?.status === 'delivered',
    )
    expect(claims).toBeGreaterThan(0)
    expect(receiver.received).toHaveLength(1)
    await d.stop(0)
  })

  it('backs off exponentially with full jitter, capped, until the max age, then fails the delivery for good', async () => {
    const { registry, outboxStore, receiver } = await setUp(() => 503)
    await logChanges(outboxStore, 1)
    const d = dispatcher(registry)
    const [pending] = await store.webhooks.listDeliveries('ep', { limit: 10 })
    expect(pending).toMatchObject({ status: 'pending', attempts: 0, next_attempt_ts: T0 })

    // random() = 0.5 halves each cap: 1000, 2000, 4000, 4000 (maxDelayMs), ...
    const dueTimes: number[] = []
    for (let attempt = 1; ; attempt++) {
      expect(await d.runDue()).toBe(1)
      expect(await d.runDue()).toBe(0)
      const delivery = (await store.webhooks.getDelivery('ep', pending!.id))!
      expect(delivery.attempts).toBe(attempt)
      expect(delivery.last_status_code).toBe(503)
      if (delivery.status === 'failed') break
      expect(delivery.status).toBe('pending')
      dueTimes.push(delivery.next_attempt_ts! - T0)
      now = delivery.next_attempt_ts! - 1
      expect(await d.runDue()).toBe(0)
      now += 1
    }
    expect(dueTimes).toEqual([500, 1500, 3500, 5500, 7500, 9500])
    const failed = (await store.webhooks.getDelivery('ep', pending!.id))!
    expect(failed).toMatchObject({
      status: 'failed',
      attempts: 7,
      next_attempt_ts: null,
      payload: null,
    })
    expect(failed.last_error).toMatch(/^HTTP 503; gave up after 7 attempts$/)
    expect(d.stats()).toMatchObject({ delivered: 0, retried: 6, failed: 1, in_flight: 0 })

    expect(receiver.received).toHaveLength(7)
    expect(new Set(receiver.received.map((r) => r.headers['progressdb-webhook-id']))).toEqual(
      new Set([pending!.id]),
    )
    const last = receiver.received[6]!
    expect(last.headers['progressdb-webhook-timestamp']).toBe(
      String(Math.floor((T0 + 9500) / 1000)),
    )
    expect(verifyProgressDBWebhook(SECRET, last.headers, last.raw, T0 + 9500)).toBe(true)
    now += 10 * SETTINGS.maxAgeMs
    expect(await d.runDue()).toBe(0)
  })

  it('keeps every backoff below its cap and at or above zero', () => {
    const policy = { initialDelayMs: 100, maxDelayMs: 1000, maxAgeMs: 1 }
    expect([1, 2, 3, 4, 5, 60].map((n) => backoffMs(n, policy, () => 0.999999))).toEqual([
      99, 199, 399, 799, 999, 999,
    ])
    expect([1, 2, 60].map((n) => backoffMs(n, policy, () => 0))).toEqual([0, 0, 0])
  })

  it('sends each due delivery exactly once when two processes dispatch from one store', async () => {
    const { registry, outboxStore, receiver } = await setUp(() => 200)
    await logChanges(outboxStore, 9)
    const [a, b] = [dispatcher(registry), dispatcher(registry)]
    const [sentA, sentB] = await Promise.all([a.runDue(), b.runDue()])
    expect(sentA + sentB).toBe(9)
    const ids = receiver.received.map((r) => r.headers['progressdb-webhook-id'])
    expect(ids).toHaveLength(9)
    expect(new Set(ids).size).toBe(9)
    const log = await store.webhooks.listDeliveries('ep', { limit: 100 })
    expect(log.map((entry) => entry.status)).toEqual(Array(9).fill('delivered'))
    expect(log.map((entry) => entry.attempts)).toEqual(Array(9).fill(1))
  })

  it('holds a slow endpoint to its share of the slots, so the others keep being served', async () => {
    other = await startWebhookReceiver(() => 200)
    const { registry, outboxStore, receiver } = await setUp(
      () => 'hold',
      [endpoint('other', other.url)],
    )
    // Every change goes to both endpoints; the slow one's deliveries come first in due order.
    await logChanges(outboxStore, 6)
    const d = dispatcher(registry)
    d.start()
    await eventually(
      () => store.webhooks.listDeliveries('other', { limit: 10 }),
      (list) => list.filter((x) => x.status === 'delivered').length === 6,
    )
    expect(receiver.received).toHaveLength(SETTINGS.endpointConcurrency)
    await d.stop(0)
    const slow = await store.webhooks.listDeliveries('ep', { limit: 10 })
    expect(slow.map((x) => [x.status, x.attempts])).toEqual(Array(6).fill(['pending', 0]))
    const served = await store.webhooks.listDeliveries('other', { limit: 10 })
    expect(served.map((x) => x.status)).toEqual(Array(6).fill('delivered'))
  })

  it('gives attempts in flight back at shutdown, uncounted and due at once', async () => {
    const { registry, outboxStore, receiver } = await setUp(() => 'hold')
    await logChanges(outboxStore, 1)
    const d = dispatcher(registry)
    const running = d.runDue()
    await receiver.waitFor(1)
    expect(d.stats().in_flight).toBe(1)
    await d.stop(0)
    await running
    const [delivery] = await store.webhooks.listDeliveries('ep', { limit: 10 })
    expect(delivery).toMatchObject({
      status: 'pending',
      attempts: 0,
      lease: null,
      next_attempt_ts: now,
    })
    expect(await store.webhooks.nextDueTs()).toBe(now)
  })

  it('enqueues nothing when the change does not commit, and nothing for unsubscribed types', async () => {
    const { outboxStore } = await setUp(() => 200)
    const failing = outboxStore.mutateThread(
      't',
      {},
      () => {
        throw new Error('rule says no')
      },
      'fast',
    )
    await expect(failing).rejects.toThrow('rule says no')
    await commit(outboxStore, 't', (snap) => {
      const change = snap.thread!.last_change + 1
      return {
        thread: { ...snap.thread!, last_change: change },
        events: [buildChangeRecord({ change, type: 'reaction.added' })],
      }
    })
    expect(await store.webhooks.listDeliveries('ep', { limit: 10 })).toEqual([])
    await logChanges(outboxStore, 1)
    expect(await store.webhooks.listDeliveries('ep', { limit: 10 })).toHaveLength(1)
  })
})
