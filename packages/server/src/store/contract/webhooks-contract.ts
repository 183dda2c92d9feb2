import { describe, expect, it } from 'vitest'
import { buildChangeRecord, buildThreadRecord } from '../record-builders.js'
import type { DeliveryRecord, WebhookRecord } from '../webhook-store.js'
import { useFreshStore, type OpenChatStore } from './fixture.js'
import { commit, createThread, purgeThread } from './write-steps.js'

const T0 = 1_800_000_000_000
const LEASE_MS = 30_000

function buildWebhook(fields: Partial<WebhookRecord> & { id: string }): WebhookRecord {
  return {
    url: 'https://hooks.example.com/in',
    events: ['*'],
    secret: 'a-secret-of-enough-length',
    description: '',
    enabled: true,
    created_ts: T0,
    updated_ts: T0,
    ...fields,
  }
}

function buildDelivery(fields: Partial<DeliveryRecord> & { id: string }): DeliveryRecord {
  return {
    webhook_id: 'wh1',
    event_type: 'message.created',
    thread_id: 't',
    change: 1,
    payload: '{"type":"message.created"}',
    status: 'pending',
    attempts: 0,
    last_status_code: null,
    last_error: null,
    next_attempt_ts: T0,
    lease: null,
    created_ts: T0,
    updated_ts: T0,
    delivered_ts: null,
    ...fields,
  }
}

/** Webhook endpoints, the outbox written with a mutation, claims with leases, the delivery log. */
export function describeWebhooksContract(open: OpenChatStore): void {
  describe('webhooks', () => {
    const sut = useFreshStore(open)

    /** Commits one logged change to thread `t` with the given outbox entries. */
    const commitWithOutbox = async (outbox: DeliveryRecord[], threadId = 't') => {
      await commit(sut.store, threadId, (snap) => {
        const thread = snap.thread!
        const change = thread.last_change + 1
        return {
          thread: { ...thread, last_change: change },
          events: [buildChangeRecord({ change })],
          outbox,
        }
      })
    }
    const ids = (list: readonly { id: string }[]) => list.map((d) => d.id)

    it('stores, lists, replaces and deletes endpoints', async () => {
      const w = sut.store.webhooks
      await w.putWebhook(buildWebhook({ id: 'wh-b' }))
      await w.putWebhook(
        buildWebhook({ id: 'wh-a', events: ['message.created', 'reaction.added'] }),
      )
      expect(ids(await w.listWebhooks())).toEqual(['wh-a', 'wh-b'])
      expect(await w.getWebhook('wh-a')).toEqual(
        buildWebhook({ id: 'wh-a', events: ['message.created', 'reaction.added'] }),
      )
      await w.putWebhook(buildWebhook({ id: 'wh-a', enabled: false }))
      expect((await w.getWebhook('wh-a'))?.enabled).toBe(false)
      expect(await w.deleteWebhook('wh-a')).toBe(true)
      expect(await w.deleteWebhook('wh-a')).toBe(false)
      expect(await w.getWebhook('wh-a')).toBeUndefined()
      expect(ids(await w.listWebhooks())).toEqual(['wh-b'])
    })

    it('writes the outbox in the transaction of the change, and nothing when the change aborts', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't' }))
      await commitWithOutbox([
        buildDelivery({ id: 'd1' }),
        buildDelivery({ id: 'd2', webhook_id: 'wh2' }),
      ])
      expect(await sut.store.webhooks.getDelivery('wh1', 'd1')).toEqual(buildDelivery({ id: 'd1' }))
      expect(ids(await sut.store.webhooks.listDeliveries('wh2', { limit: 10 }))).toEqual(['d2'])

      // A plan that breaks the log's numbering is rejected whole: its outbox entry too.
      const broken = commit(sut.store, 't', (snap) => ({
        thread: { ...snap.thread!, last_change: snap.thread!.last_change + 2 },
        events: [buildChangeRecord({ change: snap.thread!.last_change + 2 })],
        outbox: [buildDelivery({ id: 'd3' })],
      }))
      await expect(broken).rejects.toThrow()
      const throwing = sut.store.mutateThread(
        't',
        {},
        () => {
          throw new Error('rule broken')
        },
        'fast',
      )
      await expect(throwing).rejects.toThrow('rule broken')
      expect(await sut.store.webhooks.getDelivery('wh1', 'd3')).toBeUndefined()
      expect(ids(await sut.store.webhooks.listDeliveries('wh1', { limit: 10 }))).toEqual(['d1'])
    })

    it('writes the outbox of a thread purge, and keeps it after the thread is gone', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 'gone' }))
      await commit(sut.store, 'gone', () => ({
        purgeThread: true,
        outbox: [buildDelivery({ id: 'd1', thread_id: 'gone' })],
      }))
      expect(await sut.store.getThread('gone')).toBeUndefined()
      expect((await sut.store.webhooks.getDelivery('wh1', 'd1'))?.payload).toBe(
        '{"type":"message.created"}',
      )
      await purgeThread(sut.store, 'gone')
      expect(await sut.store.webhooks.getDelivery('wh1', 'd1')).toBeDefined()
    })

    it('claims only due deliveries, oldest due first, and never the same one twice while leased', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't' }))
      await commitWithOutbox([
        buildDelivery({ id: 'late', next_attempt_ts: T0 + 500 }),
        buildDelivery({ id: 'early', next_attempt_ts: T0 + 100 }),
        buildDelivery({ id: 'future', next_attempt_ts: T0 + 5000 }),
      ])
      const w = sut.store.webhooks
      expect(await w.nextDueTs()).toBe(T0 + 100)
      expect(await w.claimDueDeliveries(T0, LEASE_MS, 10)).toEqual([])

      const first = await w.claimDueDeliveries(T0 + 1000, LEASE_MS, 10)
      expect(ids(first)).toEqual(['early', 'late'])
      for (const claimed of first) {
        expect(claimed.attempts).toBe(1)
        expect(claimed.lease).toEqual(expect.any(String))
        expect(claimed.next_attempt_ts).toBe(T0 + 1000 + LEASE_MS)
        expect(claimed.payload).toBe('{"type":"message.created"}')
      }
      expect(first[0]!.lease).not.toBe(first[1]!.lease)
      // Leased: a second claimer (another worker) at the same time gets nothing of them.
      expect(ids(await w.claimDueDeliveries(T0 + 1000, LEASE_MS, 10))).toEqual([])
      expect(ids(await w.claimDueDeliveries(T0 + 6000, LEASE_MS, 10))).toEqual(['future'])
      expect(await w.claimDueDeliveries(T0 + 6000, LEASE_MS, 10)).toEqual([])
      // A lease whose holder died runs out: the delivery is due again, as another attempt.
      const again = await w.claimDueDeliveries(T0 + 1000 + LEASE_MS, LEASE_MS, 1)
      expect(ids(again)).toEqual(['early'])
      expect(again[0]!.attempts).toBe(2)
    })

    it('leaves the deliveries of endpoints that admit refuses due, untouched', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't' }))
      await commitWithOutbox([
        buildDelivery({ id: 'a1', webhook_id: 'busy' }),
        buildDelivery({ id: 'a2', webhook_id: 'busy' }),
        buildDelivery({ id: 'b1', webhook_id: 'free' }),
        buildDelivery({ id: 'b2', webhook_id: 'free' }),
      ])
      const w = sut.store.webhooks
      const asked: string[] = []
      const claimed = await w.claimDueDeliveries(
        T0,
        LEASE_MS,
        10,
        (id) => (asked.push(id), id === 'free'),
      )
      expect(ids(claimed)).toEqual(['b1', 'b2'])
      expect(asked.sort()).toEqual(['busy', 'busy', 'free', 'free'])
      expect(await w.getDelivery('busy', 'a1')).toEqual(
        buildDelivery({ id: 'a1', webhook_id: 'busy' }),
      )
      expect(ids(await w.claimDueDeliveries(T0, LEASE_MS, 1))).toEqual(['a1'])
    })

    it('applies an attempt outcome only under the current lease', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't' }))
      await commitWithOutbox([buildDelivery({ id: 'd1' })])
      const w = sut.store.webhooks
      const [stale] = await w.claimDueDeliveries(T0, 10, 1)
      const [current] = await w.claimDueDeliveries(T0 + 10, LEASE_MS, 1)
      expect(await w.completeAttempt(stale!, { kind: 'delivered', statusCode: 200 }, T0 + 20)).toBe(
        false,
      )

      const retry = {
        kind: 'retry',
        statusCode: 503,
        error: 'HTTP 503',
        nextAttemptTs: T0 + 900,
      } as const
      expect(await w.completeAttempt(current!, retry, T0 + 20)).toBe(true)
      expect(await w.getDelivery('wh1', 'd1')).toMatchObject({
        status: 'pending',
        attempts: 2,
        last_status_code: 503,
        last_error: 'HTTP 503',
        next_attempt_ts: T0 + 900,
        lease: null,
      })
      // The lease ended with the outcome: completing it again changes nothing.
      expect(
        await w.completeAttempt(current!, { kind: 'delivered', statusCode: 200 }, T0 + 30),
      ).toBe(false)
      expect(await w.nextDueTs()).toBe(T0 + 900)

      const [third] = await w.claimDueDeliveries(T0 + 900, LEASE_MS, 1)
      expect(
        await w.completeAttempt(third!, { kind: 'delivered', statusCode: 204 }, T0 + 950),
      ).toBe(true)
      expect(await w.getDelivery('wh1', 'd1')).toMatchObject({
        status: 'delivered',
        attempts: 3,
        last_status_code: 204,
        last_error: null,
        next_attempt_ts: null,
        delivered_ts: T0 + 950,
        payload: null,
      })
      expect(await w.nextDueTs()).toBeUndefined()
      expect(await w.claimDueDeliveries(T0 + 10 * LEASE_MS, LEASE_MS, 10)).toEqual([])
    })

    it('marks failures for good, and gives released attempts back uncounted', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't' }))
      await commitWithOutbox([buildDelivery({ id: 'fails' }), buildDelivery({ id: 'released' })])
      const w = sut.store.webhooks
      const claimed = await w.claimDueDeliveries(T0, LEASE_MS, 10)
      const byId = new Map(claimed.map((d) => [d.id, d]))
      await w.completeAttempt(
        byId.get('fails')!,
        { kind: 'failed', statusCode: null, error: 'timed out' },
        T0 + 5,
      )
      await w.completeAttempt(byId.get('released')!, { kind: 'released' }, T0 + 5)
      expect(await w.getDelivery('wh1', 'fails')).toMatchObject({
        status: 'failed',
        last_error: 'timed out',
        next_attempt_ts: null,
        payload: null,
      })
      expect(await w.getDelivery('wh1', 'released')).toMatchObject({
        status: 'pending',
        attempts: 0,
        next_attempt_ts: T0 + 5,
      })
      expect(ids(await w.claimDueDeliveries(T0 + 5, LEASE_MS, 10))).toEqual(['released'])
    })

    it('lists an endpoint log newest first, by pages and by status', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't' }))
      const all = ['d1', 'd2', 'd3', 'd4', 'd5'].map((id, i) =>
        buildDelivery({ id, status: i % 2 ? 'delivered' : 'pending' }),
      )
      await commitWithOutbox([...all, buildDelivery({ id: 'other', webhook_id: 'wh9' })])
      const w = sut.store.webhooks
      expect(ids(await w.listDeliveries('wh1', { limit: 2 }))).toEqual(['d5', 'd4'])
      expect(ids(await w.listDeliveries('wh1', { limit: 2, before: 'd4' }))).toEqual(['d3', 'd2'])
      expect(ids(await w.listDeliveries('wh1', { limit: 10, before: 'd2' }))).toEqual(['d1'])
      expect(ids(await w.listDeliveries('wh1', { limit: 10, status: 'delivered' }))).toEqual([
        'd4',
        'd2',
      ])
      expect(ids(await w.listDeliveries('wh', { limit: 10 }))).toEqual([])
    })

    it('deleting an endpoint removes its log and its pending deliveries', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't' }))
      await sut.store.webhooks.putWebhook(buildWebhook({ id: 'wh1' }))
      await commitWithOutbox([
        buildDelivery({ id: 'd1' }),
        buildDelivery({ id: 'd2', webhook_id: 'wh2' }),
      ])
      expect(await sut.store.webhooks.deleteWebhook('wh1')).toBe(true)
      expect(await sut.store.webhooks.listDeliveries('wh1', { limit: 10 })).toEqual([])
      expect(ids(await sut.store.webhooks.claimDueDeliveries(T0, LEASE_MS, 10))).toEqual(['d2'])
    })

    it('prunes finished deliveries older than the cutoff, never pending ones', async () => {
      await createThread(sut.store, buildThreadRecord({ id: 't' }))
      await commitWithOutbox([
        buildDelivery({ id: 'a1', status: 'delivered', next_attempt_ts: null, created_ts: T0 }),
        buildDelivery({ id: 'a2', created_ts: T0 + 1 }),
        buildDelivery({ id: 'a3', status: 'failed', next_attempt_ts: null, created_ts: T0 + 2 }),
        buildDelivery({
          id: 'a4',
          status: 'delivered',
          next_attempt_ts: null,
          created_ts: T0 + 100,
        }),
        buildDelivery({
          id: 'b1',
          webhook_id: 'wh2',
          status: 'failed',
          next_attempt_ts: null,
          created_ts: T0,
        }),
      ])
      const w = sut.store.webhooks
      expect(await w.pruneDeliveries(T0 + 50, 100)).toBe(3)
      expect(ids(await w.listDeliveries('wh1', { limit: 10 }))).toEqual(['a4', 'a2'])
      expect(await w.listDeliveries('wh2', { limit: 10 })).toEqual([])
      expect(ids(await w.claimDueDeliveries(T0 + 50, LEASE_MS, 10))).toEqual(['a2'])
    })

    it('keeps pending deliveries and endpoints across a reopen', async (context) => {
      if (!sut.canReopen) context.skip('this backend fixture cannot close and reopen the same data (no reopen given)')
      await createThread(sut.store, buildThreadRecord({ id: 't' }))
      await sut.store.webhooks.putWebhook(buildWebhook({ id: 'wh1' }))
      await commitWithOutbox([buildDelivery({ id: 'd1' })])
      const reopened = await sut.reopen()
      expect(await reopened.webhooks.getWebhook('wh1')).toEqual(buildWebhook({ id: 'wh1' }))
      expect(ids(await reopened.webhooks.claimDueDeliveries(T0, LEASE_MS, 10))).toEqual(['d1'])
    })
  })
}
