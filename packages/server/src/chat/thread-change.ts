import type { MutationPlan, ThreadWrites } from '../store/chat-store.js'
import type { ChangeRecord, MessageRecord, ThreadRecord } from '../store/records.js'

export type EventDraft = Omit<ChangeRecord, 'change' | 'ts' | 'actor'>

/**
 * Numbers a mutation's events after the thread's last change and moves the thread's
 * `last_change` (and, for content changes, `updated_ts`) to match.
 */
export function recordChanges(
  thread: ThreadRecord,
  drafts: readonly EventDraft[],
  actor: string,
  now: number,
  options: { touch: boolean } = { touch: true },
): { thread: ThreadRecord; events: ChangeRecord[] } {
  // Not `{ ...draft, change, ts, actor }`: on Node 20 a spread copy given keys its source lacks
  // survives scavenges and is promoted (docs/performance.md, session 7).
  const events = drafts.map((draft, i) =>
    Object.assign({}, draft, { change: thread.last_change + 1 + i, ts: now, actor }),
  )
  return {
    thread: {
      ...thread,
      last_change: thread.last_change + drafts.length,
      updated_ts: options.touch ? Math.max(now, thread.updated_ts) : thread.updated_ts,
    },
    events,
  }
}

/**
 * The plan of a change to one message: `drafts` logged on `thread`, and `message` put with its
 * `change` moved to the newest of them, so a reader holding that state knows which log events
 * it already reflects (appends included). Every write of a message goes through here.
 */
export function messageChangePlan(
  thread: ThreadRecord,
  message: MessageRecord,
  drafts: readonly EventDraft[],
  actor: string,
  now: number,
  archiveVersions?: ThreadWrites['archiveVersions'],
): MutationPlan<MessageRecord> {
  const logged = recordChanges(thread, drafts, actor, now)
  const stored = { ...message, change: logged.thread.last_change }
  const writes: ThreadWrites = { thread: logged.thread, events: logged.events, putMessages: [stored] }
  if (archiveVersions) writes.archiveVersions = archiveVersions
  return { writes, result: stored }
}

export function summaryOf(message: MessageRecord): ThreadRecord['last_message'] {
  return { id: message.id, author: message.author, role: message.role, created_ts: message.created_ts }
}

/**
 * `last_message` after the live set changed: the newest of the snapshot's live tail (which
 * excludes `removed`) and `added`.
 */
export function newestLive(
  liveTail: readonly MessageRecord[],
  options: { removed?: MessageRecord; added?: MessageRecord },
): ThreadRecord['last_message'] {
  const candidates = liveTail.filter((m) => m.id !== options.removed?.id)
  if (options.added) candidates.push(options.added)
  let newest: MessageRecord | undefined
  for (const m of candidates) if (!newest || m.seq > newest.seq) newest = m
  return newest ? summaryOf(newest) : null
}
