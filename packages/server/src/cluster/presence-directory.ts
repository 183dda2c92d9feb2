import type { PresenceShare } from '../realtime/presence-hub.js'
import type { PresenceRelayMessage } from '../realtime/presence-relay.js'

/**
 * The primary's record of every worker's presence parts, so a worker that starts late (or
 * replaces a dead one) learns the current state, and a worker's parts can be withdrawn when
 * it exits.
 */
export function createPresenceDirectory() {
  /** worker id → thread → that worker's part. */
  const parts = new Map<string, Map<string, PresenceShare>>()
  return {
    /** Records a worker's part and returns the message for the other workers. */
    update(origin: string, threadId: string, part: PresenceShare): PresenceRelayMessage {
      let threads = parts.get(origin)
      if (part.users.length === 0 && part.typing.length === 0) threads?.delete(threadId)
      else {
        if (!threads) parts.set(origin, (threads = new Map<string, PresenceShare>()))
        threads.set(threadId, part)
      }
      return { type: 'progressdb.presence', thread_id: threadId, part, origin }
    },
    /** Everything the other workers have shared, for a worker that just started. */
    snapshotFor(worker: string): PresenceRelayMessage[] {
      const out: PresenceRelayMessage[] = []
      for (const [origin, threads] of parts)
        if (origin !== worker)
          for (const [threadId, part] of threads) out.push({ type: 'progressdb.presence', thread_id: threadId, part, origin })
      return out
    },
    /** Forgets an exited worker; returns the message for the others. */
    drop(origin: string): PresenceRelayMessage {
      parts.delete(origin)
      return { type: 'progressdb.presence.gone', origin }
    },
  }
}
