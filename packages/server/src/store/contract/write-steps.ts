import type {
  ChatStore,
  Durability,
  MutationNeeds,
  ThreadSnapshot,
  ThreadWrites,
} from '../chat-store.js'
import { buildChangeRecord, buildMessageRecord } from '../record-builders.js'
import type { MessageRecord, ThreadRecord } from '../records.js'

/**
 * The write steps the contract builds its data with, all going through `mutateThread` the way
 * chat/ does: the thread's new state accompanies every write, as the interface requires.
 */

export interface CommitOptions {
  needs?: MutationNeeds
  durability?: Durability
}

/** Applies `build(snapshot)`; writes without a `thread` carry the snapshot's thread unchanged. */
export async function commit(
  store: ChatStore,
  threadId: string,
  build: (snapshot: ThreadSnapshot) => ThreadWrites,
  options: CommitOptions = {},
): Promise<void> {
  await store.mutateThread(
    threadId,
    options.needs ?? {},
    (snapshot) => {
      const writes = build(snapshot)
      if (writes.thread !== undefined || writes.purgeThread === true) return { writes, result: 0 }
      return { writes: { ...writes, thread: requireThread(snapshot, threadId) }, result: 0 }
    },
    options.durability ?? 'fast',
  )
}

export function requireThread(snapshot: ThreadSnapshot, threadId: string): ThreadRecord {
  if (snapshot.thread === undefined) throw new Error(`test setup: thread ${threadId} is missing`)
  return snapshot.thread
}

export async function createThread(
  store: ChatStore,
  thread: ThreadRecord,
  durability: Durability = 'fast',
): Promise<ThreadRecord> {
  await commit(store, thread.id, () => ({ thread }), { durability })
  return thread
}

/** Replaces the thread record (title, participants, timestamps...). */
export async function updateThread(
  store: ChatStore,
  threadId: string,
  change: (thread: ThreadRecord) => ThreadRecord,
): Promise<ThreadRecord> {
  let written: ThreadRecord | undefined
  await commit(store, threadId, (snapshot) => {
    written = change(requireThread(snapshot, threadId))
    return { thread: written }
  })
  if (written === undefined) throw new Error('unreachable: decide did not run')
  return written
}

export type NewMessage = Partial<MessageRecord> & { id: string }

/**
 * Appends messages at the thread's next seqs with one `message.created` event each, keeping
 * `next_seq`, `last_change`, `message_count` and `last_message` in step. Returns what it wrote.
 */
export async function appendMessages(
  store: ChatStore,
  threadId: string,
  messages: readonly NewMessage[],
  durability: Durability = 'fast',
): Promise<MessageRecord[]> {
  return store.mutateThread(
    threadId,
    {},
    (snapshot) => {
      const thread = requireThread(snapshot, threadId)
      const written = messages.map((m, i) =>
        buildMessageRecord({ ...m, thread: threadId, seq: thread.next_seq + i }),
      )
      const events = written.map((m, i) =>
        buildChangeRecord({
          change: thread.last_change + 1 + i,
          actor: m.author,
          message_id: m.id,
        }),
      )
      const last = written.at(-1)
      const next: ThreadRecord = {
        ...thread,
        next_seq: thread.next_seq + written.length,
        last_change: thread.last_change + events.length,
        message_count: thread.message_count + written.filter((m) => !m.deleted).length,
        last_message:
          last === undefined
            ? thread.last_message
            : { id: last.id, author: last.author, role: last.role, created_ts: last.created_ts },
      }
      return { writes: { thread: next, putMessages: written, events }, result: written }
    },
    durability,
  )
}

/** Writes messages at exactly the given seqs (gaps allowed), moving `next_seq` past them. */
export async function putMessagesAtSeqs(
  store: ChatStore,
  threadId: string,
  seqs: readonly number[],
): Promise<MessageRecord[]> {
  const written = seqs.map((seq) => buildMessageRecord({ id: `m${seq}`, thread: threadId, seq }))
  await commit(store, threadId, (snapshot) => {
    const thread = requireThread(snapshot, threadId)
    return {
      thread: { ...thread, next_seq: Math.max(thread.next_seq, ...seqs.map((s) => s + 1)) },
      putMessages: written,
    }
  })
  return written
}

/** Rewrites stored messages in place (soft delete, restore, edit). */
export async function replaceMessages(
  store: ChatStore,
  threadId: string,
  messages: readonly MessageRecord[],
): Promise<void> {
  await commit(store, threadId, () => ({ putMessages: messages }))
}

export function softDeleted(message: MessageRecord, ts = message.updated_ts + 1): MessageRecord {
  return { ...message, deleted: true, deleted_ts: ts, updated_ts: ts }
}

export function restored(message: MessageRecord): MessageRecord {
  return { ...message, deleted: false, deleted_ts: null }
}

export async function purgeMessages(
  store: ChatStore,
  threadId: string,
  messages: readonly MessageRecord[],
): Promise<void> {
  await commit(store, threadId, () => ({ purgeMessages: messages }))
}

export async function purgeThread(store: ChatStore, threadId: string): Promise<void> {
  await commit(store, threadId, () => ({ purgeThread: true }))
}

export function seqsOf(messages: readonly MessageRecord[]): number[] {
  return messages.map((m) => m.seq)
}

export function idsOf(records: readonly { id: string }[]): string[] {
  return records.map((r) => r.id)
}

/** `[from, from + 1, ..., to]`. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from + 1 }, (_, i) => from + i)
}
