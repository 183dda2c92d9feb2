import type { ErrorCode } from '@progressdb/protocol'
import { AppError } from '../app-error.js'

/** Why a subscription ended, as its sink tells the client. */
export type EndReason = { code: ErrorCode; message: string }

export const TOO_SLOW: EndReason = {
  code: 'SUBSCRIBER_TOO_SLOW',
  message: 'The client did not keep up; resume from the last position received.',
}
export const CLOSED: EndReason = { code: 'SHUTTING_DOWN', message: 'The subscription was closed.' }

/**
 * Whether the server is shutting down. WebSocket sinks then send no final frame: the socket
 * closes with 1001 right after, and a client must reconnect and resume rather than take the
 * subscription as ended.
 */
export function isShutdown(reason: EndReason): boolean {
  return reason.code === 'SHUTTING_DOWN'
}

/** Why a subscription whose read failed ends: the AppError's code, or INTERNAL. */
export function endReason(error: unknown): EndReason {
  return error instanceof AppError
    ? { code: error.code, message: error.message }
    : { code: 'INTERNAL', message: 'The subscription failed.' }
}

/**
 * A subscription's end, once: it stops listening to the hub (`stop`, given when known), then
 * tells the sink why. `ended` lets reads in flight drop what they read.
 */
export function createEnding(close: (reason: EndReason) => void) {
  let ended = false
  let stop = () => {}
  return {
    get ended() {
      return ended
    },
    stopWith(unsubscribe: () => void): void {
      stop = unsubscribe
    },
    end(reason: EndReason): void {
      if (ended) return
      ended = true
      stop()
      close(reason)
    },
  }
}
