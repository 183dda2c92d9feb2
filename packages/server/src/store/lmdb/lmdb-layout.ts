import { open, type Database, type Key, type RootDatabase, type RootDatabaseOptionsWithPath } from 'lmdb'
import type { KvBinaryTable, KvTable, ValueKind } from './kv-table.js'
import path from 'node:path'

/**
 * The key layout of the LMDB backend. Keys are ordered-binary arrays, so every key of a thread
 * starts with its id and a thread's messages are one contiguous range ordered by seq.
 *
 * | db          | key                               | value                               |
 * |-------------|-----------------------------------|-------------------------------------|
 * | threads     | threadId                          | ThreadRecord (codec)                |
 * | messages    | [threadId, seq]                   | MessageRecord (codec)               |
 * | messageIds  | [threadId, messageId]             | seq; -seq once purged (cursor only)  |
 * | live        | [threadId, seq]                   | author, only for non-deleted         |
 * | versions    | [threadId, messageId, version]    | VersionRecord (codec)               |
 * | changes     | [threadId, change]                | ChangeRecord (JSON)                 |
 * | markers     | [threadId, userId]                | ReadMarkerRecord (JSON)             |
 * | userThreads | [userId, 'c'|'u', ts, threadId]   | 1 (a user's thread list, per sort)  |
 * | streaming   | [threadId, messageId]             | 1 while the message is streaming    |
 * | expiry      | [expires_ts, threadId, messageId] | 1 for each ephemeral message        |
 * | userFeed    | [userId, 'm', ts, threadId]       | 1 (lmdb-user-feed.ts)               |
 * |             | [userId, 't', threadId]           | ts of the user's 'm' entry          |
 * | webhooks    | webhookId                         | WebhookRecord (JSON)                |
 * | outbox      | [webhookId, deliveryId]           | DeliveryRecord (JSON): the log      |
 * | outboxDue   | [next_attempt_ts, webhookId, id]  | 1 for each pending delivery         |
 * | meta        | 'journal.applied'                 | last journal seq applied to LMDB    |
 *
 * Ephemeral messages stay out of `live`, so unread counts and `last_message` ignore them.
 */
export interface LmdbTables {
  threads: KvBinaryTable<string>
  messages: KvBinaryTable<[string, number]>
  messageIds: KvTable<number, [string, string]>
  live: KvTable<string, [string, number]>
  versions: KvBinaryTable<[string, string, number]>
  changes: KvBinaryTable<[string, number]>
  markers: KvBinaryTable<[string, string]>
  userThreads: KvTable<number, (string | number)[]>
  streaming: KvTable<number, [string, string]>
  expiry: KvTable<number, [number, string, string]>
  userFeed: KvTable<number, (string | number)[]>
  webhooks: KvBinaryTable<string>
  outbox: KvBinaryTable<[string, string]>
  outboxDue: KvTable<number, [number, string, string]>
}

export type TableName = keyof LmdbTables

/**
 * Every table: its LMDB database name and value encoding. The position in this list is the
 * table's number in the journal (journal-file.ts), so entries are only ever appended.
 */
export const TABLES: readonly { name: TableName; db: string; values: ValueKind }[] = [
  { name: 'threads', db: 'threads', values: 'binary' },
  { name: 'messages', db: 'messages', values: 'binary' },
  { name: 'messageIds', db: 'message-ids', values: 'ordered' },
  { name: 'live', db: 'live', values: 'ordered' },
  { name: 'versions', db: 'versions', values: 'binary' },
  { name: 'changes', db: 'changes', values: 'binary' },
  { name: 'markers', db: 'markers', values: 'binary' },
  { name: 'userThreads', db: 'user-threads', values: 'ordered' },
  { name: 'streaming', db: 'streaming', values: 'ordered' },
  { name: 'expiry', db: 'expiry', values: 'ordered' },
  { name: 'userFeed', db: 'user-feed', values: 'ordered' },
  { name: 'webhooks', db: 'webhooks', values: 'binary' },
  { name: 'outbox', db: 'outbox', values: 'binary' },
  { name: 'outboxDue', db: 'outbox-due', values: 'ordered' },
]

/** The environment and its databases as lmdb-js opened them (writes go straight to LMDB). */
export interface LmdbLayout {
  /** The data directory the environment is in (`<dataDir>/lmdb`). */
  dataDir: string
  root: RootDatabase
  /** Store bookkeeping: the journal's applied position. */
  meta: Database<number, string>
  raw: Record<TableName, Database<unknown, Key>>
  tables: LmdbTables
}

/** The upper bound for the element after a prefix: strings sort after numbers, ids are ASCII. */
export const KEY_MAX = '\uffff'
export const SEQ_MAX = Number.MAX_SAFE_INTEGER

/** The LMDB environment of a data directory (every thread that opens it uses these options). */
function openLmdbRoot(dataDir: string): RootDatabase {
  const options: RootDatabaseOptionsWithPath & UntypedLmdbOptions = {
    path: path.join(dataDir, 'lmdb'),
    maxDbs: 32,
    encoding: 'binary',
    // Commits resolve when visible; flushes overlap the next commit (SPEC section 5).
    overlappingSync: true,
    // 8 KB pages for new stores (an existing store keeps the size it was made with): a 1 KB
    // message stores ~1.35 KB, two to a 4 KB page but five to an 8 KB one; measured 4,462 vs
    // 2,351 bytes per message on disk, with create and read throughput unchanged (performance.md).
    pageSize: 8192,
    // The whole 1 TiB address range up front (virtual only: the file grows with the data).
    // lmdb-js otherwise starts at 128 KB and doubles the map as the store grows, keeping every
    // earlier map for readers still holding its buffers, so pages touched before a resize stay
    // counted in RSS beside the new map: measured through 300,000 creates, RSS 1,536 MB with the
    // growing map and 1,018 MB with this one (docs/performance.md). Past 1 TiB it still grows.
    mapSize: 2 ** 40,
    // No read-ahead on the map (LMDB's MDB_NORDAHEAD, madvise MADV_RANDOM): a page fault reads the
    // page it needs, not the 128 KB around it. B-tree pages that belong together are scattered
    // through the file, so the neighbours are rarely wanted; when the data outgrows memory they
    // cost the reads and evict pages that were. Measured under a 300 MB memory limit through
    // 1,000,000 creates: 5,932 creates/s and 886 MB read from disk, against 3,981/s and 130 GB
    // with read-ahead; unchanged when the data fits in memory (docs/performance.md, session 12).
    noReadAhead: true,
  }
  return open(options)
}

/** lmdb-js options its open() reads but its type declarations leave out. */
interface UntypedLmdbOptions {
  noReadAhead?: boolean
}

export function openLmdbLayout(dataDir: string): LmdbLayout {
  const root = openLmdbRoot(dataDir)
  const raw = {} as Record<TableName, Database<unknown, Key>>
  for (const table of TABLES) {
    raw[table.name] = root.openDB({ name: table.db, encoding: table.values === 'binary' ? 'binary' : 'ordered-binary' })
  }
  const meta = root.openDB<number, string>({ name: 'meta', encoding: 'ordered-binary' })
  return { dataDir, root, meta, raw, tables: raw as unknown as LmdbTables }
}
