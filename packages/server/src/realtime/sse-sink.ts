import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { EventSink } from './thread-subscription.js'

export interface SseOptions {
  sendQueueMaxBytes: number
  heartbeatMs: number
}

/**
 * A Server-Sent Events response as an event sink. Each event is sent with `id: <change>`, so a
 * browser's EventSource resumes with `Last-Event-ID` after a reconnect. A comment line every
 * `heartbeatMs` keeps proxies from closing an idle stream.
 */
export function openSseSink(req: IncomingMessage, res: ServerResponse, options: SseOptions, onClose: () => void): EventSink {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  })
  res.write('retry: 2000\n\n')
  const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), options.heartbeatMs).unref()
  let open = true
  const finish = () => {
    if (!open) return
    open = false
    clearInterval(heartbeat)
    onClose()
  }
  req.once('close', finish)
  return {
    send(events) {
      if (!open) return true
      // Too slow = what was sent before is still queued past the bound when more arrives (one
      // event larger than the bound is fine for a client that keeps reading).
      if (res.writableLength > options.sendQueueMaxBytes) return false
      let frame = ''
      for (const event of events) frame += `id: ${event.change}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`
      res.write(frame)
      return true
    },
    close(reason) {
      if (!open) return
      if (reason.code === 'SUBSCRIBER_TOO_SLOW') res.destroy()
      else res.end(`event: error\ndata: ${JSON.stringify(reason)}\n\n`)
      finish()
    },
  }
}

/** The change to resume after: `Last-Event-ID` (an EventSource reconnecting) wins over `?since=`. */
export function resumePoint(headers: IncomingHttpHeaders, since: number | undefined): number | undefined {
  const header = headers['last-event-id']
  const value = Array.isArray(header) ? header[0] : header
  if (value !== undefined && /^\d+$/.test(value)) return Number(value)
  return since
}
