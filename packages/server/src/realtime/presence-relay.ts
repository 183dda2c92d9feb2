import cluster from 'node:cluster'
import { sendToPrimary } from './cluster-relay.js'
import type { PresenceHub, PresenceShare } from './presence-hub.js'

/**
 * IPC between the workers of `--workers N` and the primary for presence: a worker sends its
 * part of a thread (no `origin`); the primary forwards it to the other workers with the
 * sender's id as `origin`, and sends `progressdb.presence.gone` when a worker exits.
 */
export type PresenceRelayMessage =
  | { type: 'progressdb.presence'; thread_id: string; part: PresenceShare; origin?: string }
  | { type: 'progressdb.presence.gone'; origin: string }

export function isPresenceRelayMessage(message: unknown): message is PresenceRelayMessage {
  const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined
  return type === 'progressdb.presence' || type === 'progressdb.presence.gone'
}

/**
 * In a worker: shares this process's presence through the primary and merges what the other
 * workers share into `hub()`. Outside a cluster there is nobody to share with.
 */
export function createPresenceRelay(hub: () => PresenceHub) {
  if (!cluster.isWorker) return undefined
  process.on('message', (message: unknown) => {
    if (!isPresenceRelayMessage(message) || message.origin === undefined) return
    if (message.type === 'progressdb.presence.gone') hub().dropOrigin(message.origin)
    else hub().applyRemote(message.origin, message.thread_id, message.part)
  })
  return (threadId: string, part: PresenceShare) => {
    sendToPrimary({ type: 'progressdb.presence', thread_id: threadId, part } satisfies PresenceRelayMessage)
  }
}
