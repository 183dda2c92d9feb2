/**
 * The one schema for the server config. Every leaf carries its default, a description, and
 * (where it has one) the environment variable and CLI flag that set it, so the same table
 * drives loading, validation and docs/config.md.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { ID_PATTERN, WEBHOOK_SECRET_MAX_LENGTH, WEBHOOK_SECRET_MIN_LENGTH, WEBHOOK_URL_MAX_LENGTH, WebhookEventFilter } from '@progressdb/protocol'

/** Where a leaf can be set besides the YAML file. */
export interface LeafSources {
  /** `PROGRESSDB_*` environment variable. */
  readonly env?: string
  /** Long CLI flag of `progressdb serve`, with its dashes, e.g. `--port`. */
  readonly flag?: string
  /** Values are secrets: never echo them, nor unknown key names beside them. */
  readonly secret?: boolean
}

const ENV = 'x-env'
const FLAG = 'x-flag'
const SECRET = 'x-secret'

function sources(s: LeafSources): Record<string, unknown> {
  return {
    ...(s.env === undefined ? {} : { [ENV]: s.env }),
    ...(s.flag === undefined ? {} : { [FLAG]: s.flag }),
    ...(s.secret === true ? { [SECRET]: true } : {}),
  }
}

function int(
  min: number,
  max: number | undefined,
  dflt: number,
  description: string,
  s: LeafSources = {},
) {
  const range = max === undefined ? { minimum: min } : { minimum: min, maximum: max }
  return Type.Integer({ ...range, default: dflt, description, ...sources(s) })
}

function num(min: number, dflt: number, description: string, s: LeafSources = {}) {
  return Type.Number({ minimum: min, default: dflt, description, ...sources(s) })
}

function bool(dflt: boolean, description: string, s: LeafSources = {}) {
  return Type.Boolean({ default: dflt, description, ...sources(s) })
}

function str(dflt: string, description: string, s: LeafSources = {}) {
  return Type.String({ minLength: 1, default: dflt, description, ...sources(s) })
}

/** A list of non-empty strings; from env it is comma-separated. */
function list(description: string, s: LeafSources = {}) {
  return Type.Array(Type.String({ minLength: 1 }), { default: [], description, ...sources(s) })
}

function keys(description: string, env: string) {
  return list(description, { env, secret: true })
}

function section<T extends Record<string, TSchema>>(
  description: string,
  props: T,
  s: LeafSources = {},
) {
  return Type.Object(props, {
    additionalProperties: false,
    default: {},
    description,
    ...sources(s),
  })
}

export const ConfigSchema = Type.Object(
  {
    server: section('HTTP listener.', {
      host: str('127.0.0.1', 'Interface to listen on; `0.0.0.0` listens on all of them.', {
        env: 'PROGRESSDB_HOST',
        flag: '--host',
      }),
      port: int(0, 65535, 8080, 'TCP port to listen on; 0 picks a free port.', {
        env: 'PROGRESSDB_PORT',
        flag: '--port',
      }),
      corsOrigins: list('Browser origins allowed by CORS; `*` allows any origin.', {
        env: 'PROGRESSDB_CORS_ORIGINS',
      }),
      workers: Type.Union([Type.Integer({ minimum: 1, maximum: 256 }), Type.Literal('auto')], {
        default: 1,
        description:
          'Processes serving one data directory (node:cluster, one shared port); `auto` is one per core.',
        ...sources({ env: 'PROGRESSDB_WORKERS', flag: '--workers' }),
      }),
      serverTiming: bool(
        false,
        'Adds `Server-Timing: app;dur=<ms>` to every reply: the time from the request\'s arrival ' +
          '(its headers read) to its reply being written, as load generators and browser ' +
          'devtools read it. Off by default, since it tells every client how long the server took.',
        { env: 'PROGRESSDB_SERVER_TIMING' },
      ),
      metrics: Type.Union([Type.Literal('public'), Type.Literal('admin'), Type.Literal('off')], {
        default: 'public',
        description:
          'Who may read `GET /metrics` (Prometheus text format): `public` (anyone who can reach ' +
          'the port; it holds counts and timings, never keys or message content), `admin` (the ' +
          'admin key, as `Authorization: Bearer`), or `off` (no such route, and nothing recorded).',
        ...sources({ env: 'PROGRESSDB_METRICS' }),
      }),
      shutdownGraceMs: int(
        0,
        undefined,
        10000,
        'On SIGTERM, how long in-flight requests may finish before connections are closed.',
        { env: 'PROGRESSDB_SHUTDOWN_GRACE_MS' },
      ),
    }),
    storage: section('Where and how chat data is stored.', {
      engine: Type.Union([Type.Literal('lmdb')], {
        default: 'lmdb',
        description: 'Storage engine; `lmdb` is embedded and needs no other service.',
        ...sources({ env: 'PROGRESSDB_STORAGE' }),
      }),
      dataDir: str('./data', 'Data directory, resolved against the working directory.', {
        env: 'PROGRESSDB_DATA_DIR',
        flag: '--data-dir',
      }),
      durability: Type.Union([Type.Literal('fast'), Type.Literal('safe')], {
        default: 'fast',
        description:
          '`fast` replies once a write is in the journal (it survives a process crash; an OS ' +
          'crash or power loss may lose the last `flushIntervalMs`); `safe` replies only after ' +
          'it is flushed to disk. Requests may override it with `X-ProgressDB-Durability`.',
        ...sources({ env: 'PROGRESSDB_DURABILITY', flag: '--durability' }),
      }),
      flushIntervalMs: int(
        1,
        60000,
        100,
        'How often the journal is flushed to disk for `fast` writes: the most an OS crash or ' +
          'power loss can lose of them.',
        { env: 'PROGRESSDB_FLUSH_INTERVAL_MS' },
      ),
      journalSegmentBytes: int(
        16384,
        1073741824,
        67108864,
        'Size at which a journal segment is closed and the next one begun (one process per data ' +
          'directory). The journal holds about two segments on disk, plus writes not yet applied ' +
          'to LMDB: smaller saves disk, larger means fewer segment switches.',
        { env: 'PROGRESSDB_JOURNAL_SEGMENT_BYTES' },
      ),
    }),
    auth: section(
      'API keys. Lists from env vars are comma-separated.',
      {
        backendKeys: keys(
          'Secret server-to-server keys; they may act as any user.',
          'PROGRESSDB_BACKEND_KEYS',
        ),
        frontendKeys: keys(
          'Publishable keys for browsers and apps; each request must also carry `X-User-ID` ' +
            'and a valid `X-User-Signature`.',
          'PROGRESSDB_FRONTEND_KEYS',
        ),
        adminKeys: keys('Keys for the admin API and dashboard only.', 'PROGRESSDB_ADMIN_KEYS'),
        signingKeys: keys(
          'HMAC secrets for user signatures; a signature valid under any of them is accepted, ' +
            'so a secret is rotated by adding the new one before removing the old.',
          'PROGRESSDB_SIGNING_KEYS',
        ),
        signatureMaxTtlS: int(
          1,
          undefined,
          2592000,
          'Longest lifetime an expiring user signature may be issued with (30 days).',
        ),
      },
      { secret: true },
    ),
    limits: section('Size and page limits enforced on every request.', {
      bodyMaxBytes: int(1, 67108864, 1048576, 'Largest accepted request body.', {
        env: 'PROGRESSDB_BODY_MAX_BYTES',
      }),
      metadataMaxBytes: int(
        1,
        undefined,
        16384,
        'Largest metadata object (as JSON) on a thread or message.',
      ),
      titleMaxLength: int(1, undefined, 1000, 'Longest thread title, in characters.'),
      pageSizeDefault: int(1, undefined, 50, 'Page size when a list request gives none.'),
      pageSizeMax: int(1, undefined, 1000, 'Largest page size a list request may ask for.'),
      eventsPageMax: int(1, undefined, 1000, 'Most change-log events returned per request.'),
      unreadCountMax: int(1, undefined, 10000, 'Unread counts stop counting at this value.'),
      ephemeralTtlMaxMs: int(1, undefined, 604800000, 'Longest `ttl_ms` of an ephemeral message (7 days).'),
    }),
    rateLimit: section('Token buckets per user and per API key.', {
      userPerSecond: num(0, 200, 'Requests per second per user; 0 disables.', {
        env: 'PROGRESSDB_RATE_LIMIT_USER_PER_SECOND',
      }),
      userBurst: int(1, undefined, 400, 'Bucket size per user.'),
      keyPerSecond: num(0, 50000, 'Requests per second per API key; 0 disables.', {
        env: 'PROGRESSDB_RATE_LIMIT_KEY_PER_SECOND',
      }),
      keyBurst: int(1, undefined, 100000, 'Bucket size per API key.'),
    }),
    realtime: section('Live delivery: SSE streams, WebSocket subscriptions (threads, thread lists), presence and typing.', {
      sendQueueMaxBytes: int(
        1024,
        undefined,
        1048576,
        'Bytes a subscriber may have unsent before it is disconnected as too slow.',
      ),
      heartbeatMs: int(1000, undefined, 15000, 'Interval of keep-alive comments on idle streams.'),
      typingTimeoutMs: int(100, undefined, 5000, 'A typing indicator clears itself after this long unless renewed.'),
      threadListSlackMs: int(
        0,
        undefined,
        5000,
        'How far thread-list cursors trail the clock: must exceed the time from a write taking its timestamp to its announcement reaching every worker, or a resume can miss that write.',
      ),
      streamIdleAbortMs: int(
        1000,
        undefined,
        120000,
        'A streaming message with no append for this long is finalized as `aborted`.',
      ),
    }),
    webhooks: section('Webhook endpoints and how deliveries are retried (docs/webhooks.md).', {
      endpoints: Type.Array(
        Type.Object(
          {
            id: Type.String({ pattern: ID_PATTERN }),
            url: Type.String({ pattern: '^https?://[^\\s]+$', maxLength: WEBHOOK_URL_MAX_LENGTH }),
            events: WebhookEventFilter,
            secret: Type.String({ minLength: WEBHOOK_SECRET_MIN_LENGTH, maxLength: WEBHOOK_SECRET_MAX_LENGTH }),
            description: Type.Optional(Type.String({ maxLength: 1000 })),
          },
          { additionalProperties: false },
        ),
        {
          default: [],
          description:
            'Endpoints from config, read-only through the admin API: `id` (id rules), `url` ' +
            '(http/https), `events` (event types or `*`), `secret` (16-256 characters).',
          ...sources({ secret: true }),
        },
      ),
      timeoutMs: int(100, 120000, 10000, 'How long one attempt may take before it counts as failed.'),
      initialDelayMs: int(10, undefined, 1000, 'Backoff cap of the first retry; each retry doubles it (full jitter).'),
      maxDelayMs: int(10, undefined, 3600000, 'Largest backoff cap between two attempts (1 hour).'),
      maxAgeMs: int(
        1000,
        undefined,
        259200000,
        'A delivery still failing this long after its event is marked `failed` (3 days).',
      ),
      concurrency: int(1, 1024, 16, 'Attempts in flight at once, per process.'),
      endpointConcurrency: int(
        1,
        1024,
        4,
        'Attempts in flight at once to one endpoint, per process, so a slow receiver cannot hold every slot.',
      ),
      pollIntervalMs: int(
        10,
        undefined,
        1000,
        'How often a process looks for due deliveries and endpoint changes made by other processes.',
      ),
      logRetentionMs: int(
        60000,
        undefined,
        604800000,
        'Delivered and failed deliveries stay in the delivery log this long (7 days).',
      ),
    }),
    logging: section('Structured JSON logs on stdout.', {
      level: Type.Union(
        [
          Type.Literal('debug'),
          Type.Literal('info'),
          Type.Literal('warn'),
          Type.Literal('error'),
          Type.Literal('silent'),
        ],
        {
          default: 'info',
          description: 'Lowest level written.',
          ...sources({ env: 'PROGRESSDB_LOG_LEVEL', flag: '--log-level' }),
        },
      ),
    }),
  },
  { additionalProperties: false },
)

type DeepReadonly<T> = T extends readonly (infer U)[]
  ? readonly DeepReadonly<U>[]
  : T extends object
    ? { readonly [K in keyof T]: DeepReadonly<T[K]> }
    : T

/** The validated, deeply frozen server config. */
export type Config = DeepReadonly<Static<typeof ConfigSchema>>

/** One settable value of the config, with its dotted path. */
export interface ConfigLeaf extends LeafSources {
  readonly path: string
  readonly schema: TSchema
  readonly default: unknown
  readonly description: string
}

/** A group of leaves (`server`, `storage`...). */
export interface ConfigSection {
  readonly name: string
  readonly description: string
  readonly secret: boolean
  readonly leaves: readonly ConfigLeaf[]
}

function toLeaf(path: string, schema: TSchema): ConfigLeaf {
  const env: unknown = schema[ENV]
  const flag: unknown = schema[FLAG]
  return {
    path,
    schema,
    default: schema.default as unknown,
    description: String(schema.description ?? ''),
    ...(typeof env === 'string' ? { env } : {}),
    ...(typeof flag === 'string' ? { flag } : {}),
    secret: schema[SECRET] === true,
  }
}

/** The schema as a flat table, in declaration order. */
export const configSections: readonly ConfigSection[] = Object.entries(
  ConfigSchema.properties as Record<string, TSchema>,
).map(([name, sec]) => ({
  name,
  description: String(sec.description ?? ''),
  secret: sec[SECRET] === true,
  leaves: Object.entries(sec.properties as Record<string, TSchema>).map(([key, leaf]) =>
    toLeaf(`${name}.${key}`, leaf),
  ),
}))

export const configLeaves: readonly ConfigLeaf[] = configSections.flatMap((s) => s.leaves)
