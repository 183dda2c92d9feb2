import type { Actor } from '../chat/actor.js'
import type { ChatService } from '../chat/chat-service.js'
import type { ThreadListDelta } from '../chat/thread-list-feed.js'
import type { ThreadPosition } from '../store/chat-store.js'
import type { ChangeHub } from './change-hub.js'
import { createDrainLoop } from './drain-loop.js'
import { CLOSED, TOO_SLOW, createEnding, endReason, type EndReason } from './end-reason.js'

/** Where a thread-list subscription's frames go (a WebSocket). */
export interface ThreadListSink {
  /** Returns false (sending nothing) when earlier frames are still queued past the bound. */
  send(delta: ThreadListDelta, cursor: number): boolean
  close(reason: EndReason): void
}

export interface ThreadListDeps {
  chat: ChatService
  hub: ChangeHub
  /** How far the cursor trails the clock (chat/thread-list-feed.ts, threadListWatermark). */
  slackMs: number
  /** Threads per frame. */
  pageLimit: number
}

export interface ThreadListSubscription {
  /** Where the stream starts: `since`, or the current watermark. */
  readonly cursor: number
  close(): void
}

/**
 * Streams changes of the caller's thread list: with `since`, first every thread whose
 * `updated_ts` or user-feed time is at or after it (always ending with one frame, possibly
 * empty, once caught up); then, for each commit announced for this user, the threads it
 * touched as they are now. Every frame carries a cursor to resume from; a client upserts by id,
 * so the repeats a resume brings are harmless. Pending threads are a set of ids, so a burst
 * of commits to one thread costs one read.
 */
export function openThreadListSubscription(
  deps: ThreadListDeps,
  actor: Actor,
  since: number | undefined,
  sink: ThreadListSink,
): ThreadListSubscription {
  const watermark = () => deps.chat.threadListWatermark(deps.slackMs)
  // A cursor from the future (never issued by this server) would hide every change until then.
  const start = Math.min(since ?? Number.MAX_SAFE_INTEGER, watermark())
  let cursor = start
  let catchUp: ThreadPosition | undefined = since === undefined ? undefined : { ts: start, id: '' }
  const pending = new Set<string>()
  const ending = createEnding((reason) => sink.close(reason))
  const end = (reason: EndReason) => ending.end(reason)
  /** Sends a frame; the cursor never goes back (the newest watermark stays safe, see ARCHITECTURE.md). */
  const emit = (delta: ThreadListDelta, mark: number, always: boolean) => {
    cursor = Math.max(cursor, mark)
    if (!always && delta.threads.length === 0 && delta.removed.length === 0) return true
    if (sink.send({ threads: delta.threads, removed: delta.removed }, cursor)) return true
    end(TOO_SLOW)
    return false
  }
  const drain = async () => {
    while (catchUp && !ending.ended) {
      const mark = watermark()
      const page = await deps.chat.threadListChangesSince(actor, catchUp, deps.pageLimit)
      if (ending.ended) return
      catchUp = page.next
      if (!emit(page, page.next ? Math.min(page.next.ts, mark) : mark, !page.next)) return
    }
    while (pending.size > 0 && !ending.ended) {
      const mark = watermark()
      const ids = [...pending].slice(0, deps.pageLimit)
      for (const id of ids) pending.delete(id)
      const delta = await deps.chat.threadListEntries(actor, ids)
      if (ending.ended || !emit(delta, mark, false)) return
    }
  }
  const pump = createDrainLoop(drain, (error) => end(endReason(error)))
  ending.stopWith(
    deps.hub.subscribeUser(actor.userId, (change) => {
      pending.add(change.threadId)
      pump()
    }),
  )
  pump()
  return { cursor: start, close: () => end(CLOSED) }
}
