import fs from 'node:fs'
import path from 'node:path'
import type {
  ChatStore,
  Durability,
  MessageRangeQuery,
  MutationNeeds,
  MutationPlan,
  StoreStats,
  ThreadPosition,
  ThreadRangeQuery,
  ThreadSnapshot,
} from '../chat-store.js'
import { decodeMessage, decodeMessageJson, MessageJsonArena, type MessageJson } from '../message-json.js'
import { createJsonCodec, type RecordCodec } from '../record-codec.js'
import type { WebhookStore } from '../webhook-store.js'
import type {
  ChangeRecord,
  MessageRecord,
  ReadMarkerRecord,
  ThreadRecord,
  VersionRecord,
} from '../records.js'
import { openJournaledWriter, recoverJournal } from './journaled-writer.js'
import { explainOpenFailure } from './open-failure.js'
import { KEY_MAX, SEQ_MAX, openLmdbLayout, type LmdbLayout, type LmdbTables } from './lmdb-layout.js'
import { createDirectWriter, type LmdbWriter } from './lmdb-writer.js'
import { listUserThreads } from './lmdb-thread-list.js'
import { listUserFeed } from './lmdb-user-feed.js'
import { applyThreadWrites } from './lmdb-writes.js'
import { createLmdbWebhookStore } from './lmdb-webhooks.js'
import type { StoreObserver } from '../store-observer.js'

export interface LmdbStoreOptions {
  dataDir: string
  codec?: RecordCodec
  /**
   * `journal` (one process per data directory, the default): writes are acknowledged from the
   * journal and applied to LMDB behind it. `direct`: every write is an LMDB transaction, for
   * processes sharing the directory (`--workers N`). docs/durability.md has both.
   */
  writes?: 'journal' | 'direct'
  /** How often the journal is flushed for `fast` writes (default 100 ms). */
  flushIntervalMs?: number
  /** Where a journal segment is closed (default 64 MiB). */
  journalSegmentBytes?: number
  warn?: (msg: string) => void
  /** Told each write's latency and each journal flush's (for /metrics). */
  observer?: StoreObserver
}

type Outcome<T> = { ok: true; result: T } | { ok: false; error: unknown }

/**
 * The value in lmdb-js's shared read buffer (`getBinaryFast`), as a view: valid only until the
 * next read, so decode or copy it at once. The buffer's `length` is the value's, its
 * `byteLength` the whole buffer's, hence the view.
 */
const sharedValue = (shared: Uint8Array): Uint8Array => shared.subarray(0, shared.length)

const NO_IDS: ReadonlySet<string> = new Set()

const parseJson = <T>(bytes: Uint8Array): T => JSON.parse(Buffer.from(bytes).toString('utf8')) as T

/** Opens (creating if needed) the embedded LMDB store in `<dataDir>/lmdb`. */
export async function openLmdbStore(options: LmdbStoreOptions): Promise<ChatStore> {
  try {
    return await openLayoutAndWriter(options)
  } catch (error) {
    throw explainOpenFailure(error, options.dataDir)
  }
}

async function openLayoutAndWriter(options: LmdbStoreOptions): Promise<ChatStore> {
  fs.mkdirSync(options.dataDir, { recursive: true })
  const layout = openLmdbLayout(options.dataDir)
  const warn = options.warn ?? (() => {})
  try {
    const writer =
      options.writes === 'direct'
        ? createDirectWriter(layout, journalDir(options.dataDir), warn, options.observer)
        : await openJournaledWriter(layout, journalDir(options.dataDir), {
            flushIntervalMs: options.flushIntervalMs ?? 100,
            segmentBytes: options.journalSegmentBytes,
            warn,
            observer: options.observer,
          })
    return new LmdbStore(layout, writer, options.codec ?? createJsonCodec(), options.dataDir)
  } catch (error) {
    await layout.root.close()
    throw error
  }
}

/** Replays a journal left by a journaled process, so that direct writers start from it. */
export async function recoverLmdbJournal(dataDir: string, warn: (msg: string) => void): Promise<void> {
  fs.mkdirSync(dataDir, { recursive: true })
  const layout = openLmdbLayout(dataDir)
  try {
    await recoverJournal(layout, journalDir(dataDir), warn)
  } catch (error) {
    throw explainOpenFailure(error, dataDir)
  } finally {
    await layout.root.close()
  }
}

const journalDir = (dataDir: string) => path.join(dataDir, 'journal')

class LmdbStore implements ChatStore {
  readonly webhooks: WebhookStore

  private readonly layout: LmdbTables

  constructor(
    private readonly lmdb: LmdbLayout,
    private readonly writer: LmdbWriter,
    private readonly codec: RecordCodec,
    private readonly dataDir: string,
  ) {
    this.layout = writer.tables
    this.webhooks = createLmdbWebhookStore(writer)
  }

  async mutateThread<T>(
    threadId: string,
    needs: MutationNeeds,
    decide: (snapshot: ThreadSnapshot) => MutationPlan<T>,
    durability: Durability,
  ): Promise<T> {
    // A child transaction per mutation: LMDB batches concurrent mutations into one commit
    // (group commit), and a mutation that fails aborts alone without touching the others.
    const outcome = (await this.writer.write(() => {
      const snapshot = this.loadSnapshot(threadId, needs)
      let plan: MutationPlan<T>
      try {
        plan = decide(snapshot)
      } catch (error) {
        return { ok: false, error } satisfies Outcome<T>
      }
      applyThreadWrites(this.layout, this.codec, threadId, snapshot, plan.writes)
      return { ok: true, result: plan.result } satisfies Outcome<T>
    }, durability)) as Outcome<T>
    if (!outcome.ok) throw outcome.error
    return outcome.result
  }

  private loadSnapshot(threadId: string, needs: MutationNeeds): ThreadSnapshot {
    const messages = new Map<string, MessageRecord>()
    let purgedIds: Set<string> | undefined
    for (const id of needs.messageIds ?? []) {
      const seq = this.layout.messageIds.get([threadId, id])
      // A hard-deleted message leaves its id behind with its seq negated (lmdb-layout.ts).
      if (seq !== undefined && seq < 0) (purgedIds ??= new Set()).add(id)
      const message = this.messageAt(threadId, seq)
      if (message) messages.set(id, message)
    }
    const readMarkers = new Map<string, ReadMarkerRecord>()
    for (const user of needs.readers ?? []) {
      const marker = this.readMarker(threadId, user)
      if (marker) readMarkers.set(user, marker)
    }
    const liveTail: MessageRecord[] = []
    if (needs.liveTail) {
      const range = { start: [threadId, SEQ_MAX], end: [threadId, 0], reverse: true, limit: needs.liveTail }
      for (const seq of this.layout.live.getKeys(range)) {
        const bytes = this.layout.messages.get([threadId, (seq)[1]])
        if (bytes) liveTail.push(decodeMessage(this.codec, threadId, bytes))
      }
    }
    return { thread: this.readThread(threadId), messages, readMarkers, liveTail, purgedIds: purgedIds ?? NO_IDS }
  }

  private readThread(threadId: string): ThreadRecord | undefined {
    // Decoded at once, before the next read, so no copy.
    const shared = this.layout.threads.getBinaryFast(threadId)
    return shared ? this.codec.decode<ThreadRecord>(threadId, sharedValue(shared)) : undefined
  }

  private readMessage(threadId: string, messageId: string): MessageRecord | undefined {
    return this.messageAt(threadId, this.layout.messageIds.get([threadId, messageId]))
  }

  /** The message at a seq from the id index (none for a missing or purged id's). */
  private messageAt(threadId: string, seq: number | undefined): MessageRecord | undefined {
    if (seq === undefined || seq < 0) return undefined
    const bytes = this.layout.messages.get([threadId, seq])
    return bytes ? decodeMessage(this.codec, threadId, bytes) : undefined
  }

  private readMarker(threadId: string, userId: string): ReadMarkerRecord | undefined {
    const bytes = this.layout.markers.get([threadId, userId])
    return bytes ? parseJson<ReadMarkerRecord>(bytes) : undefined
  }

  async getThread(threadId: string) {
    return this.readThread(threadId)
  }

  async getThreads(threadIds: readonly string[]) {
    return threadIds.map((id) => this.readThread(id))
  }

  async getMessage(threadId: string, messageId: string) {
    return this.readMessage(threadId, messageId)
  }

  async resolveSeq(threadId: string, messageId: string) {
    const seq = this.layout.messageIds.get([threadId, messageId])
    return seq === undefined ? undefined : Math.abs(seq)
  }

  async listMessages(threadId: string, query: MessageRangeQuery): Promise<MessageRecord[]> {
    return this.scanMessages(threadId, query, (_seq, _bytes, record) => record())
  }

  async listMessageJson(threadId: string, query: MessageRangeQuery): Promise<MessageJson[]> {
    const arena = new MessageJsonArena(query.limit)
    return this.scanMessages(threadId, query, (seq, bytes) => decodeMessageJson(this.codec, threadId, seq, bytes, arena))
  }

  /**
   * Walks a thread's messages in the query's order, keeping the visible ones. When the query
   * hides both deleted and ephemeral messages (the common case) it walks the `live` index and
   * reads each message in place, with no copy and no parse; otherwise it filters the decoded
   * records of the whole range.
   */
  private scanMessages<T>(
    threadId: string,
    query: MessageRangeQuery,
    emit: (seq: number, bytes: Uint8Array, record: () => MessageRecord) => T,
  ): T[] {
    const older = query.direction === 'older'
    const range = older
      ? { start: [threadId, query.fromSeq ?? SEQ_MAX], end: [threadId, 0], reverse: true }
      : { start: [threadId, query.fromSeq ?? 0], end: [threadId, SEQ_MAX] }
    const out: T[] = []
    const take = (seq: number, bytes: Uint8Array, record: () => MessageRecord) => {
      out.push(emit(seq, bytes, record))
      return out.length >= query.limit
    }
    if (!query.includeDeleted && query.includeEphemeral === false) {
      // `limit` before the spread, not after: a spread copy that gains a key survives scavenges
      // on Node 20 (docs/performance.md, session 7), and lmdb-js adds `values` to it as well.
      for (const key of this.layout.live.getKeys({ limit: query.limit + 1, ...range })) {
        const seq = key[1]
        if (seq === query.fromSeq) continue
        // Decoded by `emit` before the next read.
        const shared = this.layout.messages.getBinaryFast([threadId, seq])
        if (!shared) continue
        const bytes = sharedValue(shared)
        if (take(seq, bytes, () => decodeMessage(this.codec, threadId, bytes))) break
      }
      return out
    }
    for (const { key, value } of this.layout.messages.getRange(range)) {
      const seq = key[1]
      if (seq === query.fromSeq) continue
      const message = decodeMessage(this.codec, threadId, value)
      if (message.deleted && !query.includeDeleted) continue
      if (message.ephemeral && query.includeEphemeral === false) continue
      if (take(seq, value, () => message)) break
    }
    return out
  }

  async listVersions(threadId: string, messageId: string): Promise<VersionRecord[]> {
    const range = { start: [threadId, messageId, 0], end: [threadId, messageId, SEQ_MAX] }
    return [...this.layout.versions.getRange(range as never)].map(({ value }) =>
      this.codec.decode<VersionRecord>(threadId, value),
    )
  }

  async listChanges(threadId: string, since: number, limit: number): Promise<ChangeRecord[]> {
    const range = { start: [threadId, since + 1], end: [threadId, SEQ_MAX], limit }
    return [...this.layout.changes.getRange(range as never)].map(({ value }) =>
      parseJson<ChangeRecord>(value),
    )
  }

  async listThreadsForUser(userId: string, query: ThreadRangeQuery): Promise<ThreadRecord[]> {
    return listUserThreads(this.layout, userId, query, (id) => this.readThread(id))
  }

  async listUserFeed(userId: string, from: ThreadPosition, limit: number) {
    return listUserFeed(this.layout, userId, from, limit)
  }

  async getReadMarker(threadId: string, userId: string) {
    return this.readMarker(threadId, userId)
  }

  async listExpiredMessages(now: number, limit: number) {
    const out: { threadId: string; messageId: string }[] = []
    for (const key of this.layout.expiry.getKeys({ end: [now, KEY_MAX], limit })) {
      const [, threadId, messageId] = key
      out.push({ threadId, messageId })
    }
    return out
  }

  async listStreamingMessages(limit: number) {
    const out: { threadId: string; messageId: string }[] = []
    for (const key of this.layout.streaming.getKeys({ limit })) {
      const [threadId, messageId] = key
      out.push({ threadId, messageId })
    }
    return out
  }

  async countUnread(threadId: string, afterSeq: number, userId: string, cap: number) {
    let count = 0
    const range = { start: [threadId, afterSeq + 1], end: [threadId, SEQ_MAX] }
    for (const { value: author } of this.layout.live.getRange(range)) {
      if (author !== userId && ++count >= cap) break
    }
    return count
  }

  async stats(): Promise<StoreStats> {
    await this.writer.settle()
    const entries = (db: { getStats(): unknown }) =>
      (db.getStats() as { entryCount: number }).entryCount
    let bytes = 0
    const journal = journalDir(this.dataDir)
    const files = [
      path.join(this.dataDir, 'lmdb', 'data.mdb'),
      path.join(this.dataDir, 'lmdb', 'lock.mdb'),
      ...(fs.existsSync(journal) ? fs.readdirSync(journal).map((name) => path.join(journal, name)) : []),
    ]
    for (const file of files) {
      if (fs.existsSync(file)) bytes += fs.statSync(file).size
    }
    return {
      threads: entries(this.lmdb.raw.threads),
      messages: entries(this.lmdb.raw.messages),
      versions: entries(this.lmdb.raw.versions),
      events: entries(this.lmdb.raw.changes),
      bytes_on_disk: bytes,
    }
  }

  async flush() {
    await this.writer.flush()
  }

  async close() {
    await this.writer.close()
  }
}

