import type {
  ChangeRecord,
  MessageRecord,
  ReadMarkerRecord,
  ThreadRecord,
  VersionRecord,
} from './records.js'

/** A fixed, realistic epoch-ms base so records built in tests are deterministic. */
export const BASE_TS = 1_700_000_000_000

/** A complete, valid ThreadRecord; the owner is a participant, as the store expects. */
export function buildThreadRecord(fields: Partial<ThreadRecord> & { id: string }): ThreadRecord {
  const author = fields.author ?? 'alice'
  return {
    title: null,
    metadata: {},
    author,
    participants: { [author]: 'owner' },
    created_ts: BASE_TS,
    updated_ts: BASE_TS,
    deleted: false,
    deleted_ts: null,
    message_count: 0,
    last_message: null,
    next_seq: 1,
    last_change: 0,
    ...fields,
  }
}

/** A complete, valid version-1 MessageRecord. */
export function buildMessageRecord(
  fields: Partial<MessageRecord> & { id: string; thread: string; seq: number },
): MessageRecord {
  const author = fields.author ?? 'alice'
  return {
    author,
    role: 'user',
    body: `body of ${fields.id}`,
    reply_to: null,
    metadata: {},
    reactions: {},
    version: 1,
    editor: author,
    change: 0,
    status: 'final',
    ephemeral: false,
    expires_ts: null,
    created_ts: BASE_TS + fields.seq,
    updated_ts: BASE_TS + fields.seq,
    deleted: false,
    deleted_ts: null,
    ...fields,
  }
}

export function buildVersionRecord(
  fields: Partial<VersionRecord> & { version: number },
): VersionRecord {
  return {
    body: `body at version ${fields.version}`,
    metadata: {},
    editor: 'alice',
    updated_ts: BASE_TS + fields.version,
    ...fields,
  }
}

export function buildChangeRecord(
  fields: Partial<ChangeRecord> & { change: number },
): ChangeRecord {
  return { type: 'message.created', ts: BASE_TS + fields.change, actor: 'alice', ...fields }
}

export function buildReadMarkerRecord(
  fields: Partial<ReadMarkerRecord> & { user: string; message_id: string; seq: number },
): ReadMarkerRecord {
  return { ts: BASE_TS + fields.seq, ...fields }
}
