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
  const events = drafts.map((draft, i) => ({
    ...draft,
    change: thread.last_change + 1 + i,
    ts: now,
    actor,
  }))
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
 * A message as a mutation puts it: `change` moves to the newest of `events` about it, so a
 * reader holding this state knows which log events it already reflects (appends included).
 */
export function atChange(message: MessageRecord, events: readonly ChangeRecord[]): MessageRecord {
  let change = message.change
  for (const event of events) if (event.message_id === message.id && event.change > change) change = event.change
  return change === message.change ? message : { ...message, change }
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
