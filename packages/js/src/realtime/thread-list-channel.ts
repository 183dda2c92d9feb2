import type { ServerFrame, ThreadListFrame } from '@progressdb/protocol'
import type { ProgressDBError } from '../errors.js'
import type { Channel, RealtimeConnection } from './realtime-connection.js'
import { createSubscriberSet, frameError } from './subscriber-set.js'
import type { SubscriptionStatus } from './thread-channel.js'

/** What `onThreads` receives: summaries to upsert by id, ids to drop, and the new cursor. */
export type ThreadListChange = Omit<ThreadListFrame, 'type'>

export interface SubscribeThreadsOptions {
  /** A cursor from an earlier subscription (`cursor`), to resume; default: from now. */
  since?: number
  /**
   * The caller's thread list changed: `threads` are summaries as `threads.list` returns them
   * (with `unread_count`), to upsert by id; `removed` left the list.
   */
  onThreads?: (change: ThreadListChange) => void
  onStatus?: (status: SubscriptionStatus) => void
  onError?: (error: ProgressDBError) => void
}

/** A live subscription to the caller's thread list; see `client.subscribeThreads`. */
export interface ThreadListSubscription {
  readonly status: SubscriptionStatus
  /** Where to resume from (`since`) after this subscription ends. */
  readonly cursor: number | undefined
  close(): void
}

/**
 * The client's one server subscription to its thread list, shared by every local
 * subscriber. Frames are upserts, so a subscriber that gets one twice (after another asked
 * to start from an older cursor) converges all the same.
 */
export function createThreadListChannel(connection: RealtimeConnection, onEmpty: () => void) {
  const members = createSubscriberSet<SubscribeThreadsOptions>()
  let detach: (() => void) | undefined
  const end = (error: ProgressDBError | undefined) => {
    detach?.()
    detach = undefined
    onEmpty()
    members.endAll(error)
  }

  const channel: Channel = {
    key: 'threads',
    resubscribe() {
      const since = members.since()
      connection.send({ type: 'subscribe_threads', ...(since === undefined ? {} : { since }) })
    },
    receive(frame: ServerFrame) {
      switch (frame.type) {
        case 'threads_subscribed':
          for (const member of members.all()) member.position ??= frame.cursor
          return members.setStatus('live')
        case 'threads':
          for (const member of members.all()) {
            member.position = Math.max(member.position ?? frame.cursor, frame.cursor)
            const { threads, removed, cursor } = frame
            member.options.onThreads?.({ threads, removed, cursor })
          }
          return
        case 'threads_unsubscribed':
          // Without a code it only acknowledges an unsubscribe sent by an earlier channel.
          if (frame.code) end(frameError(frame.code, frame.message))
          return
        case 'error':
          if (members.status !== 'live') end(frameError(frame.code, frame.message))
          return
      }
    },
    disconnected: () => members.setStatus('reconnecting'),
    ended: () => end(undefined),
  }

  return {
    join(subscribe: SubscribeThreadsOptions): ThreadListSubscription {
      const member = members.add(subscribe, subscribe.since)
      if (!detach) detach = connection.attach(channel)
      else if (subscribe.since !== undefined) channel.resubscribe()
      return {
        get status() {
          return member.status
        },
        get cursor() {
          return member.position
        },
        close() {
          if (!members.remove(member) || members.size > 0) return
          connection.send({ type: 'unsubscribe_threads' })
          end(undefined)
        },
      }
    },
  }
}

export type ThreadListChannel = ReturnType<typeof createThreadListChannel>
