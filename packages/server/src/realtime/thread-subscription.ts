import type { ChatEvent, ErrorCode } from '@progressdb/protocol'
import { AppError } from '../app-error.js'
import type { Actor } from '../chat/actor.js'
import type { ChatService } from '../chat/chat-service.js'
import type { ChangeHub } from './change-hub.js'

/** Where a subscription's events go (an SSE response, a WebSocket). */
export interface EventSink {
  /** Returns false (sending nothing) when earlier events are still queued past the bound. */
  send(events: readonly ChatEvent[]): boolean
  /** Ends the sink, telling the client why. */
  close(reason: { code: ErrorCode; message: string }): void
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
  let closed = false
  let running: Promise<void> | undefined
  let again = false

  const end = (reason: { code: ErrorCode; message: string }) => {
    if (closed) return
    closed = true
    unsubscribe()
    sink.close(reason)
  }
  const drain = async () => {
    do {
      again = false
      for (;;) {
        const page = await deps.chat.listChanges(actor, threadId, { since: last })
        if (closed) return
        if (page.events.length > 0 && !sink.send(page.events))
          return end({ code: 'SUBSCRIBER_TOO_SLOW', message: 'The client did not keep up; resume with the last change received.' })
        last = page.next_since
        if (!page.has_more) break
      }
    } while (again && !closed)
  }
  const pump = () => {
    if (closed) return
    if (running) {
      again = true
      return
    }
    running = drain()
      .catch((error: unknown) =>
        end(
          error instanceof AppError
            ? { code: error.code, message: error.message }
            : { code: 'INTERNAL', message: 'The subscription failed.' },
        ),
      )
      .finally(() => (running = undefined))
  }
  const unsubscribe = deps.hub.subscribe(threadId, (change) => {
    if (change.purged) end({ code: 'THREAD_NOT_FOUND', message: 'The thread was deleted.' })
    else if (change.lastChange > last) pump()
  })
  pump()
  return { close: () => end({ code: 'SHUTTING_DOWN', message: 'The subscription was closed.' }) }
}
