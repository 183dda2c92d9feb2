import cluster from 'node:cluster'
import type { CommittedChange } from './change-hub.js'

/** The IPC message that carries a commit notification between cluster workers. */
export interface ChangeRelayMessage {
  type: 'progressdb.change'
  change: CommittedChange
}

export function isChangeRelayMessage(message: unknown): message is ChangeRelayMessage {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === 'progressdb.change'
}

/**
 * Sends to the cluster primary. Once the IPC channel is gone (the primary died, or this worker
 * is being torn down) there is nobody left to tell; an unhandled send error must not crash it.
 */
export function sendToPrimary(message: object): void {
  if (process.connected) process.send?.(message, undefined, undefined, () => {})
}

/**
 * In a worker of `--workers N`: commits are sent to the primary, which forwards them to the
 * other workers (worker-pool.ts); commits relayed from the others are handed to `deliver`.
 * Outside a cluster there is nothing to relay to.
 */
export function createClusterRelay(deliver: () => (change: CommittedChange) => void) {
  if (!cluster.isWorker) return undefined
  process.on('message', (message: unknown) => {
    if (isChangeRelayMessage(message)) deliver()(message.change)
  })
  return (change: CommittedChange) => {
    sendToPrimary({ type: 'progressdb.change', change } satisfies ChangeRelayMessage)
  }
}
