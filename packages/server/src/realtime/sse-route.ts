import type { IncomingHttpHeaders, IncomingMessage } from 'node:http'
import type { Actor } from '../chat/actor.js'
import { checkResumePoint } from '../chat/change-feed.js'
import type { Reply } from '../http/route.js'
import type { RouteDeps } from '../http/routes/route-deps.js'
import { openSseSink, resumePoint } from './sse-sink.js'
import { openThreadSubscription } from './thread-subscription.js'

/** Whether GET …/events asked for a stream (`?stream=1` or `Accept: text/event-stream`). */
export function wantsStream(query: URLSearchParams, accept: string | undefined): boolean {
  return query.get('stream') === '1' || query.get('stream') === 'true' || (accept ?? '').includes('text/event-stream')
}

/**
 * The SSE reply of GET …/events. Access is checked before the 200 is sent, so a refused
 * subscriber (or a resume point past the thread's newest change, STALE_CURSOR) gets an ordinary
 * JSON error; the stream then starts after `Last-Event-ID`, or `since`, or (neither given) at
 * the thread's newest change.
 */
export async function sseReply(
  deps: RouteDeps,
  actor: Actor,
  threadId: string,
  since: number | undefined,
  headers: IncomingHttpHeaders,
): Promise<Reply> {
  const thread = await deps.chat.getThread(actor, threadId, { includeDeleted: true })
  const start = resumePoint(headers, since) ?? thread.last_change
  checkResumePoint(thread, start)
  return {
    status: 200,
    stream: (req: IncomingMessage, res) => {
      // The sink exists before the subscription it feeds; a client that leaves closes both.
      const leave = { close: () => {} }
      const sink = openSseSink(req, res, deps.realtime, () => leave.close())
      const subscription = openThreadSubscription({ chat: deps.chat, hub: deps.realtime.hub }, actor, threadId, start, sink)
      const unregister = deps.realtime.subscriptions.add(subscription, 'sse')
      leave.close = () => {
        subscription.close()
        unregister()
      }
    },
  }
}
