import type { ChatEvent } from '@progressdb/protocol'
import type { Actor } from '../chat/actor.js'
import type { ChatService } from '../chat/chat-service.js'
import type { ChangeHub } from './change-hub.js'
import { createDrainLoop } from './drain-loop.js'
import { CLOSED, TOO_SLOW, createEnding, endReason, type EndReason } from './end-reason.js'

/** Where a subscription's events go (an SSE response, a WebSocket). */
export interface EventSink {
  /** Returns false (sending nothing) when earlier events are still queued past the bound. */
  send(events: readonly ChatEvent[]): boolean
  /** Ends the sink, telling the client why. */
  close(reason: EndReason): void
}

export interface ThreadSubscription {
  close(): void
}

/**
 * Streams a thread's change log to a sink from `since` on: what is already logged first, then
 * every new change as it commits. Each delivery reads the log after the last change sent, with
 * the caller's access checked again (a removed participant is cut off at the next change),
 * so nothing is skipped or sent twice, whatever order commits are announced in.
 */
export function openThreadSubscription(
  deps: { chat: ChatService; hub: ChangeHub },
  actor: Actor,
  threadId: string,
  since: number,
  sink: EventSink,
): ThreadSubscription {
  let last = since
  const ending = createEnding((reason) => sink.close(reason))
  const end = (reason: EndReason) => ending.end(reason)
  const pump = createDrainLoop(
    async () => {
      while (!ending.ended) {
        const page = await deps.chat.listChanges(actor, threadId, { since: last })
        if (ending.ended) return
        if (page.events.length > 0 && !sink.send(page.events)) return end(TOO_SLOW)
        last = page.next_since
        if (!page.has_more) break
      }
    },
    (error) => end(endReason(error)),
  )
  ending.stopWith(
    deps.hub.subscribe(threadId, (change) => {
      if (change.purged) end({ code: 'THREAD_NOT_FOUND', message: 'The thread was deleted.' })
      else if (change.lastChange > last) pump()
    }),
  )
  pump()
  return { close: () => end(CLOSED) }
}
