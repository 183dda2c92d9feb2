import cluster, { type Worker } from 'node:cluster'
import { sendToPrimary } from '../realtime/cluster-relay.js'
import { type FamilySnapshot, renderExposition, withLabels } from './metrics-registry.js'

/**
 * /metrics under `--workers N`: whichever worker is asked gathers every worker's snapshot
 * through the primary, each sample labelled `worker="<id>"`, so one scrape sees the whole
 * group and every series stays monotonic whichever worker answers.
 *
 * worker → primary `gather` → every worker `collect` → primary `snapshot`s → asker `gathered`.
 */
export type MetricsRelayMessage =
  | { type: 'progressdb.metrics.gather'; id: number }
  | { type: 'progressdb.metrics.collect'; id: number }
  | { type: 'progressdb.metrics.snapshot'; id: number; families: FamilySnapshot[] }
  | { type: 'progressdb.metrics.gathered'; id: number; snapshots: FamilySnapshot[][] }

/** How long the primary waits for the workers' snapshots (a worker that is restarting is left out). */
const GATHER_TIMEOUT_MS = 2000

export function isMetricsRelayMessage(message: unknown): message is MetricsRelayMessage {
  const type = (message as { type?: unknown } | null)?.type
  return typeof type === 'string' && type.startsWith('progressdb.metrics.')
}

/**
 * The exposition this process answers /metrics with: its own registry, or, in a cluster worker,
 * every worker's (see above).
 */
export function createMetricsExposition(snapshot: () => FamilySnapshot[]): () => Promise<string> {
  if (!cluster.isWorker) return () => Promise.resolve(renderExposition([snapshot()]))
  const own = () => withLabels(snapshot(), { worker: String(cluster.worker!.id) })
  const waiting = new Map<number, (snapshots: FamilySnapshot[][]) => void>()
  let next = 0
  process.on('message', (message: unknown) => {
    if (!isMetricsRelayMessage(message)) return
    if (message.type === 'progressdb.metrics.collect')
      sendToPrimary({
        type: 'progressdb.metrics.snapshot',
        id: message.id,
        families: own(),
      } satisfies MetricsRelayMessage)
    else if (message.type === 'progressdb.metrics.gathered') {
      waiting.get(message.id)?.(message.snapshots)
      waiting.delete(message.id)
    }
  })
  return () =>
    new Promise<string>((resolve) => {
      const id = ++next
      // Past the primary's own wait, answer with this worker alone rather than not at all.
      const timer = setTimeout(() => {
        waiting.delete(id)
        resolve(renderExposition([own()]))
      }, GATHER_TIMEOUT_MS * 2)
      waiting.set(id, (snapshots) => {
        clearTimeout(timer)
        resolve(renderExposition(snapshots))
      })
      sendToPrimary({ type: 'progressdb.metrics.gather', id } satisfies MetricsRelayMessage)
    })
}

/**
 * In the primary: answers a worker's `gather` with every live worker's snapshot. `send` must
 * tolerate a worker that has just exited.
 */
export function createMetricsGatherer(
  workers: () => Worker[],
  send: (worker: Worker, message: MetricsRelayMessage) => void,
) {
  let next = 0
  const rounds = new Map<
    number,
    { expected: Set<number>; snapshots: FamilySnapshot[][]; done: () => void }
  >()
  return (from: Worker, message: MetricsRelayMessage): void => {
    if (message.type === 'progressdb.metrics.gather') {
      const id = ++next
      const live = workers().filter((w) => w.isConnected())
      const finish = () => {
        if (!rounds.delete(id)) return
        clearTimeout(timer)
        send(from, {
          type: 'progressdb.metrics.gathered',
          id: message.id,
          snapshots: round.snapshots,
        })
      }
      const round = {
        expected: new Set(live.map((w) => w.id)),
        snapshots: [] as FamilySnapshot[][],
        done: finish,
      }
      const timer = setTimeout(finish, GATHER_TIMEOUT_MS)
      rounds.set(id, round)
      for (const worker of live) send(worker, { type: 'progressdb.metrics.collect', id })
      if (live.length === 0) finish()
    } else if (message.type === 'progressdb.metrics.snapshot') {
      const round = rounds.get(message.id)
      if (!round || !round.expected.delete(from.id)) return
      round.snapshots.push(message.families)
      if (round.expected.size === 0) round.done()
    }
  }
}
