import type { ChatEvent, ServerFrame } from '@progressdb/protocol'
import type { ProgressDBError } from '../errors.js'
import type { Channel, RealtimeConnection } from './realtime-connection.js'
import { createSubscriberSet, frameError } from './subscriber-set.js'
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

const NO_ONE: PresenceState = { users: [], typingUsers: [] }

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
  const members = createSubscriberSet<SubscribeOptions>()
  let position: number | undefined
  let presence = NO_ONE
  let detach: (() => void) | undefined
  const typing = createTypingSender(
    (on) =>
      members.status === 'live' &&
      connection.send({ type: 'typing', thread_id: threadId, typing: on }),
    options.typingRenewMs,
  )

  const setPresence = (next: PresenceState) => {
    presence = next
    for (const member of members.all()) member.options.onPresence?.(next)
  }
  const end = (error: ProgressDBError | undefined) => {
    detach?.()
    detach = undefined
    options.onEmpty()
    members.endAll(error)
  }

  const channel: Channel = {
    key: `thread:${threadId}`,
    resubscribe() {
      const since = members.since()
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
          for (const member of members.all()) member.position ??= frame.since
          return members.setStatus('live')
        case 'events':
          return deliver(frame.events)
        case 'unsubscribed':
          // Without a code it only acknowledges an unsubscribe sent by an earlier channel.
          if (frame.code) end(frameError(frame.code, frame.message))
          return
        case 'error':
          if (members.status !== 'live') return end(frameError(frame.code, frame.message))
          for (const member of members.all())
            member.options.onError?.(frameError(frame.code, frame.message))
          return
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
      members.setStatus('reconnecting')
      if (presence !== NO_ONE) setPresence(NO_ONE)
    },
    ended: () => end(undefined),
  }

  function deliver(events: readonly ChatEvent[]): void {
    const newest = events.at(-1)?.change
    if (newest !== undefined) position = Math.max(position ?? newest, newest)
    for (const member of members.all()) {
      const last = member.position
      const fresh = events.filter((e) => last === undefined || e.change > last)
      if (fresh.length === 0) continue
      member.position = fresh.at(-1)!.change
      member.options.onEvents?.(fresh)
    }
  }

  return {
    /** Adds a subscriber; the first one attaches the channel to the socket. */
    join(subscribe: SubscribeOptions): ThreadSubscription {
      const live = members.status === 'live'
      const member = members.add(subscribe, subscribe.since ?? (live ? position : undefined))
      if (!detach) detach = connection.attach(channel)
      else if (
        subscribe.since !== undefined &&
        (position === undefined || subscribe.since < position)
      )
        channel.resubscribe()
      return {
        threadId,
        get status() {
          return member.status
        },
        get lastChange() {
          return member.position
        },
        get presence() {
          return members.has(member) ? presence : NO_ONE
        },
        setTyping: (on) => {
          if (members.has(member)) typing.set(on)
        },
        close() {
          if (!members.remove(member) || members.size > 0) return
          if (members.status === 'live') typing.set(false)
          connection.send({ type: 'unsubscribe', thread_id: threadId })
          end(undefined)
        },
      }
    },
  }
}

export type ThreadChannel = ReturnType<typeof createThreadChannel>
