import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Actor } from '../src/chat/actor.js'
import type { ThreadListDelta } from '../src/chat/thread-list-feed.js'
import { createChangeHub, type ChangeHub } from '../src/realtime/change-hub.js'
import type { EndReason } from '../src/realtime/end-reason.js'
import { withChangePublishing } from '../src/realtime/publishing-store.js'
import { openThreadListSubscription } from '../src/realtime/thread-list-subscription.js'
import { openChatFixture, type ChatFixture } from './chat-fixture.js'

const SLACK_MS = 5000
const fast = { durability: 'fast' } as const
const alice: Actor = { userId: 'alice', trusted: false }

/** Polls (no sleep) until `done`, for deliveries that run after the write resolved. */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000
  while (!done()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await new Promise((resolve) => setImmediate(resolve))
  }
}

describe('thread-list subscription (fake clock, real store)', () => {
  let f: ChatFixture
  let hub: ChangeHub
  let now: () => number
  beforeEach(async () => {
    hub = createChangeHub()
    f = await openChatFixture((store) => withChangePublishing(store, hub))
    now = () => f.chat.context.clock.now()
  })
  afterEach(async () => f.close())

  const open = (since: number | undefined, pageLimit = 100, accept = () => true) => {
    const frames: { delta: ThreadListDelta; cursor: number }[] = []
    let ended: EndReason | undefined
    const subscription = openThreadListSubscription({ chat: f.chat, hub, slackMs: SLACK_MS, pageLimit }, alice, since, {
      send(delta, cursor) {
        if (!accept()) return false
        frames.push({ delta, cursor })
        return true
      },
      close: (reason) => (ended = reason),
    })
    return { subscription, frames, ended: () => ended }
  }

  it('starts at the clock minus the slack, and every frame’s cursor trails the clock the same way', async () => {
    const start = now()
    const live = open(undefined)
    expect(live.subscription.cursor).toBe(start - SLACK_MS)
    f.advance(60_000)
    await f.chat.createMessage(alice, 't1', { id: 'm1', body: 'hi' }, fast)
    await until(() => live.frames.length === 1)
    expect(live.frames[0]!.cursor).toBe(start + 60_000 - SLACK_MS)
    expect(live.frames[0]!.delta.threads.map((t) => t.last_message?.id)).toEqual(['m1'])
    live.subscription.close()
  })

  it('catches up page by page; each cursor is a safe resume point and the last page is always sent', async () => {
    const since = now()
    for (const id of ['a', 'b', 'c', 'd', 'e']) {
      f.advance(10)
      await f.chat.createMessage(alice, id, { body: id }, fast)
    }
    const resumed = open(since, 2)
    await until(() => resumed.frames.length === 3)
    expect(resumed.frames.map((x) => x.delta.threads.map((t) => t.id))).toEqual([['a', 'b'], ['c', 'd'], ['e']])
    // Resuming from any frame's cursor would bring every later thread again.
    resumed.frames.forEach((frame, i) => {
      for (const later of resumed.frames.slice(i + 1))
        for (const thread of later.delta.threads) expect(thread.updated_ts).toBeGreaterThanOrEqual(frame.cursor)
    })
    resumed.subscription.close()

    f.advance(SLACK_MS + 1)
    const upToDate = open(now() - SLACK_MS)
    await until(() => upToDate.frames.length === 1)
    expect(upToDate.frames[0]!.delta).toEqual({ threads: [], removed: [] })
    upToDate.subscription.close()
  })

  it('treats a cursor from the future as the current watermark', async () => {
    const future = open(now() + 3_600_000)
    expect(future.subscription.cursor).toBe(now() - SLACK_MS)
    await until(() => future.frames.length === 1)
    f.advance(1000)
    await f.chat.createMessage(alice, 't1', { body: 'x' }, fast)
    await until(() => future.frames.length === 2)
    expect(future.frames[1]!.cursor).toBe(now() - SLACK_MS)
    future.subscription.close()
  })

  it('ends a subscriber whose sink is backlogged with SUBSCRIBER_TOO_SLOW and stops listening', async () => {
    await f.chat.createMessage(alice, 't1', { body: 'x' }, fast)
    const slow = open(0, 100, () => false)
    await until(() => slow.ended() !== undefined)
    expect(slow.ended()!.code).toBe('SUBSCRIBER_TOO_SLOW')
    expect(hub.subscriberCount()).toBe(0)
  })
})
