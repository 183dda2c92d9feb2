import type { ChatEvent, ServerFrame } from '@progressdb/protocol'
import { ProgressDBError } from '../errors.js'
import type { Channel, RealtimeConnection } from './realtime-connection.js'
import { createTypingSender } from './typing-sender.js'

/**
 * `connecting` until the server confirmed the subscription, then `live`; `reconnecting`
 * while the socket is being replaced (events resume after the last one received); `closed`
 * after `close()`, or when the server ended it (the error is passed to `onError`).
 */
export type SubscriptionStatus = 'connecting' | 'live' | 'reconnecting' | 'closed'

/** Who has the thread open, and who of them is typing (both sorted user ids). */
export interface PresenceState {
  readonly users: readonly string[]
  readonly typingUsers: readonly string[]
}

export interface SubscribeOptions {
  /** Deliver the changes after this change number (e.g. `thread.last_change`); default: from now. */
  since?: number
  /** New changes in change order, each delivered exactly once (also across reconnects). */
  onEvents?: (events: readonly ChatEvent[]) => void
  onStatus?: (status: SubscriptionStatus) => void
  /** The server refused or ended the subscription (e.g. `THREAD_ACCESS_DENIED`), or a frame. */
  onError?: (error: ProgressDBError) => void
  onPresence?: (presence: PresenceState) => void
}

/** A live subscription to one thread; see `client.subscribe`. */
export interface ThreadSubscription {
  readonly threadId: string
  readonly status: SubscriptionStatus
  /** The newest change delivered (or the starting point once `live`). */
  readonly lastChange: number | undefined
  readonly presence: PresenceState
  /**
   * Call with `true` as the user types (every keystroke is fine: frames are throttled and
   * renewed before the server's indicator lapses) and `false` when they stop or send.
   */
  setTyping(typing: boolean): void
  /** Stops delivery; the socket is shared, so other subscriptions are unaffected. */
  close(): void
}

interface Local {
  options: SubscribeOptions
  last: number | undefined
  status: SubscriptionStatus
}

const NO_ONE: PresenceState = { users: [], typingUsers: [] }

const frameError = (code: string, message: string | undefined) =>
  new ProgressDBError({
    status: 0,
    code: code as ProgressDBError['code'],
    message: message ?? `The subscription ended (${code}).`,
  })

/**
 * Every subscription of one client to one thread shares one server subscription (the server
 * keeps one per thread per socket); each keeps its own position and drops what it already
 * has, so a late subscriber asking for older changes can restart the server side from there.
 */
export function createThreadChannel(
  threadId: string,
  connection: RealtimeConnection,
  options: { typingRenewMs?: number; onEmpty: () => void },
) {
  const locals = new Set<Local>()
  let status: SubscriptionStatus = 'connecting'
  let position: number | undefined
  let presence = NO_ONE
  let detach: (() => void) | undefined
  const typing = createTypingSender(
    (on) =>
      status === 'live' && connection.send({ type: 'typing', thread_id: threadId, typing: on }),
    options.typingRenewMs,
  )

  const setStatus = (next: SubscriptionStatus) => {
    status = next
    for (const local of [...locals]) {
      if (local.status === next) continue
      local.status = next
      local.options.onStatus?.(next)
    }
  }
  const setPresence = (next: PresenceState) => {
    presence = next
    for (const local of [...locals]) local.options.onPresence?.(next)
  }
  const end = (error: ProgressDBError | undefined) => {
    const ended = [...locals]
    shutdown()
    for (const local of ended) {
      local.status = 'closed'
      local.options.onStatus?.('closed')
      if (error) local.options.onError?.(error)
    }
  }
  function shutdown(): void {
    locals.clear()
    status = 'closed'
    detach?.()
    detach = undefined
    options.onEmpty()
  }

  const channel: Channel = {
    key: `thread:${threadId}`,
    resubscribe() {
      const known = [...locals].map((l) => l.last).filter((c): c is number => c !== undefined)
      const since = known.length > 0 ? Math.min(...known) : undefined
      connection.send({
        type: 'subscribe',
        thread_id: threadId,
        ...(since === undefined ? {} : { since }),
      })
    },
    receive(frame: ServerFrame) {
      switch (frame.type) {
        case 'subscribed':
          position = frame.since
          for (const local of locals) local.last ??= frame.since
          return setStatus('live')
        case 'events':
          return deliver(frame.events)
        case 'unsubscribed':
          // Without a code it only acknowledges an unsubscribe sent by an earlier channel.
          if (frame.code) end(frameError(frame.code, frame.message))
          return
        case 'error':
          if (status === 'live') {
            for (const local of [...locals])
              local.options.onError?.(frameError(frame.code, frame.message))
            return
          }
          return end(frameError(frame.code, frame.message))
        case 'presence':
          return setPresence({
            users: frame.users,
            typingUsers: presence.typingUsers.filter((u) => frame.users.includes(u)),
          })
        case 'typing': {
          const others = presence.typingUsers.filter((u) => u !== frame.user_id)
          const typingUsers = frame.typing ? [...others, frame.user_id].sort() : others
          return setPresence({ ...presence, typingUsers })
        }
      }
    },
    disconnected() {
      typing.reset()
      setStatus('reconnecting')
      if (presence !== NO_ONE) setPresence(NO_ONE)
    },
    ended: () => end(undefined),
  }

  function deliver(events: readonly ChatEvent[]): void {
    const newest = events.at(-1)?.change
    if (newest !== undefined) position = Math.max(position ?? newest, newest)
    for (const local of [...locals]) {
      const fresh = events.filter((e) => local.last === undefined || e.change > local.last)
      if (fresh.length === 0) continue
      local.last = fresh.at(-1)!.change
      local.options.onEvents?.(fresh)
    }
  }

  return {
    /** Adds a subscriber; the first one attaches the channel to the socket. */
    join(subscribe: SubscribeOptions): ThreadSubscription {
      const local: Local = {
        options: subscribe,
        last: subscribe.since ?? (status === 'live' ? position : undefined),
        status,
      }
      locals.add(local)
      if (!detach) detach = connection.attach(channel)
      else if (
        subscribe.since !== undefined &&
        (position === undefined || subscribe.since < position)
      )
        channel.resubscribe()
      return {
        threadId,
        get status() {
          return local.status
        },
        get lastChange() {
          return local.last
        },
        get presence() {
          return locals.has(local) ? presence : NO_ONE
        },
        setTyping: (on) => {
          if (locals.has(local)) typing.set(on)
        },
        close() {
          if (!locals.delete(local)) return
          local.status = 'closed'
          local.options.onStatus?.('closed')
          if (locals.size > 0) return
          if (status === 'live') typing.set(false)
          connection.send({ type: 'unsubscribe', thread_id: threadId })
          shutdown()
        },
      }
    },
  }
}

export type ThreadChannel = ReturnType<typeof createThreadChannel>
