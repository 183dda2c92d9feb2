import fc from 'fast-check'
import { signUser } from '../src/auth/user-signature.js'
import { KEYS } from './harness.js'

/** fast-check arbitraries for malformed HTTP requests, used by malformed-requests.test.ts. */

export interface FuzzRequest {
  method: string
  path: string
  headers: Record<string, string>
  body: string | Uint8Array | undefined
}

/** Thread and message ids that exist on the fuzzed server (so some requests reach deep code). */
export const KNOWN = { thread: 'fz-1', message: 'fz-m1', user: 'fz' }

const TEMPLATES = [
  '/frontend/v1/threads',
  '/frontend/v1/threads/:t',
  '/frontend/v1/threads/:t/restore',
  '/frontend/v1/threads/:t/events',
  '/frontend/v1/threads/:t/messages',
  '/frontend/v1/threads/:t/messages/:m',
  '/frontend/v1/threads/:t/messages/:m/restore',
  '/frontend/v1/threads/:t/messages/:m/versions',
  '/frontend/v1/threads/:t/messages/:m/reactions',
  '/frontend/v1/threads/:t/participants',
  '/frontend/v1/threads/:t/read',
  '/backend/v1/sign',
  '/admin/health',
  '/admin/stats',
  '/healthz',
  '/readyz',
  '/openapi.json',
]

/** Header-safe text: printable ASCII and Latin-1 (fetch refuses CR, LF, NUL and code points > 255). */
const headerText = (maxLength: number) =>
  fc.string({
    unit: fc
      .oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0xa0, max: 0xff }))
      .map((c) => String.fromCharCode(c)),
    maxLength,
  })

const garbageSegment = fc.oneof(
  fc.constantFrom(
    '%',
    '%ZZ',
    '%00',
    '%C0%AF',
    '%E2%82',
    '%FF%FE',
    '..',
    '.',
    '~',
    '%2F',
    '%2e%2e',
    'a%20b',
    '@:',
    '%25',
  ),
  fc.string({ unit: 'binary', maxLength: 12 }).map(encodeURIComponent),
  fc.stringMatching(/^[A-Za-z0-9._~:@-]{1,20}$/),
  fc.constant('x'.repeat(129)),
  fc.constant('y'.repeat(3000)),
)

const idSegment = fc.oneof(
  { arbitrary: fc.constantFrom(KNOWN.thread, KNOWN.message), weight: 3 },
  { arbitrary: garbageSegment, weight: 2 },
)

const path = fc.oneof(
  {
    arbitrary: fc
      .tuple(fc.constantFrom(...TEMPLATES), idSegment, idSegment)
      .map(([p, t, m]) => p.replace(':t', t).replace(':m', m)),
    weight: 4,
  },
  {
    arbitrary: fc
      .array(garbageSegment, { minLength: 0, maxLength: 6 })
      .map((s) => '/' + s.join('/')),
    weight: 1,
  },
)

const queryValue = fc.oneof(
  fc.constantFrom(
    '',
    '%',
    '%ZZ',
    'abc',
    '-1',
    '0',
    '1e3',
    '99999999999999999999',
    'true',
    'maybe',
    KNOWN.message,
    '1.x',
    '%00',
  ),
  fc.string({ unit: 'binary', maxLength: 10 }).map(encodeURIComponent),
)
const queryKey = fc.constantFrom(
  'limit',
  'before',
  'after',
  'anchor',
  'include_deleted',
  'sort_by',
  'title',
  'hard',
  'since',
  'user_id',
  'q',
  '%',
  'a[b]',
)
const query = fc
  .array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length === 0 ? '' : '?' + pairs.map(([k, v]) => `${k}=${v}`).join('&')))

const goodSig = signUser(KEYS.signing, KNOWN.user)
const auth: fc.Arbitrary<Record<string, string>> = fc.oneof(
  fc.constant({}),
  fc.constant({ 'x-api-key': KEYS.backend, 'x-user-id': KNOWN.user }),
  fc.constant({
    authorization: `Bearer ${KEYS.frontend}`,
    'x-user-id': KNOWN.user,
    'x-user-signature': goodSig,
  }),
  fc.constant({ authorization: `Bearer ${KEYS.admin}` }),
  fc
    .constantFrom(
      'Bearer',
      'Bearer ',
      'Bearer a b',
      'Basic dXNlcjpwYXNz',
      `bearer ${KEYS.backend}`,
      'Bearer\t\t',
    )
    .map((a) => ({ authorization: a, 'x-user-id': KNOWN.user })),
  headerText(40).map((k) => ({ authorization: `Bearer ${k}` })),
  fc.constant({ 'x-api-key': 'k'.repeat(20_000) }),
  fc
    .oneof(
      headerText(30),
      fc.constantFrom('jos\u00e9', '\u00ff\u00fe', 'u'.repeat(300), 'has space', ' '),
    )
    .map((user) => ({ 'x-api-key': KEYS.backend, 'x-user-id': user })),
  fc.tuple(headerText(30), headerText(70)).map(([user, sig]) => ({
    authorization: `Bearer ${KEYS.frontend}`,
    'x-user-id': user || 'u',
    'x-user-signature': sig,
  })),
  fc
    .constantFrom(
      'e.1.' + 'a'.repeat(64),
      'e.99999999999999999999.' + 'a'.repeat(64),
      'e..',
      'e.1',
      goodSig.toUpperCase(),
    )
    .map((sig) => ({
      authorization: `Bearer ${KEYS.frontend}`,
      'x-user-id': KNOWN.user,
      'x-user-signature': sig,
    })),
)

const extraHeaders: fc.Arbitrary<Record<string, string>> = fc
  .record(
    {
      'content-type': fc.constantFrom(
        'application/json',
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/json; charset=latin1',
        '\u00ff/\u00fe',
        'application/x-www-form-urlencoded',
      ),
      'idempotency-key': fc.oneof(headerText(20), fc.constant('i'.repeat(200))),
      'x-progressdb-durability': fc.constantFrom('fast', 'safe', 'SAFE', '', 'none'),
      'x-request-id': headerText(80),
      accept: fc.constantFrom('text/event-stream', '*/*', 'application/xml'),
      'x-garbage': headerText(200),
    },
    { requiredKeys: [] },
  )
  .map(
    (h) =>
      Object.fromEntries(Object.entries(h).filter(([, v]) => v !== undefined)) as Record<
        string,
        string
      >,
  )

/** Every field name some route's body accepts (and a few it does not). */
export const FIELDS = [
  'id',
  'body',
  'role',
  'reply_to',
  'metadata',
  'title',
  'participants',
  'if_version',
  'emoji',
  'user_id',
  'message_id',
  'userId',
  'expires_in_s',
  'status',
  '__proto__',
  'constructor',
]

/** 100k nested arrays: valid JSON that is too deep to stringify recursively. */
export const DEEP_ARRAYS = '['.repeat(100_000) + ']'.repeat(100_000)
export const INVALID_UTF8 = new Uint8Array([
  ...Buffer.from('{"body":"'),
  0xff,
  0xfe,
  0xc3,
  0x28,
  ...Buffer.from('"}'),
])

const body: fc.Arbitrary<string | Uint8Array | undefined> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 2 },
  { arbitrary: fc.uint8Array({ maxLength: 512 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 2 },
  {
    arbitrary: fc
      .dictionary(fc.constantFrom(...FIELDS), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 })
      .map((o) => JSON.stringify(o)),
    weight: 6,
  },
  { arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      `{"body": ${DEEP_ARRAYS}}`,
      `{"body": 1, "metadata": {"a": ${DEEP_ARRAYS}}}`,
      `{"metadata": {"a": ${DEEP_ARRAYS}}}`,
      `{"emoji": ${DEEP_ARRAYS}}`,
      DEEP_ARRAYS,
      '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
    ),
    weight: 1,
  },
  { arbitrary: fc.constant(INVALID_UTF8), weight: 1 },
  { arbitrary: fc.constantFrom('{"body": "' + 'x'.repeat(2 * 1024 * 1024) + '"}'), weight: 1 },
)

const ROUTES: [string, string][] = [
  ['GET', '/frontend/v1/threads'],
  ['POST', '/frontend/v1/threads'],
  ['GET', '/frontend/v1/threads/:t'],
  ['PUT', '/frontend/v1/threads/:t'],
  ['PATCH', '/frontend/v1/threads/:t'],
  ['DELETE', '/frontend/v1/threads/:t'],
  ['POST', '/frontend/v1/threads/:t/restore'],
  ['GET', '/frontend/v1/threads/:t/events'],
  ['GET', '/frontend/v1/threads/:t/messages'],
  ['POST', '/frontend/v1/threads/:t/messages'],
  ['GET', '/frontend/v1/threads/:t/messages/:m'],
  ['PUT', '/frontend/v1/threads/:t/messages/:m'],
  ['PATCH', '/frontend/v1/threads/:t/messages/:m'],
  ['DELETE', '/frontend/v1/threads/:t/messages/:m'],
  ['POST', '/frontend/v1/threads/:t/messages/:m/restore'],
  ['GET', '/frontend/v1/threads/:t/messages/:m/versions'],
  ['POST', '/frontend/v1/threads/:t/messages/:m/reactions'],
  ['DELETE', '/frontend/v1/threads/:t/messages/:m/reactions'],
  ['GET', '/frontend/v1/threads/:t/participants'],
  ['POST', '/frontend/v1/threads/:t/participants'],
  ['DELETE', '/frontend/v1/threads/:t/participants'],
  ['POST', '/frontend/v1/threads/:t/read'],
  ['POST', '/backend/v1/sign'],
]

const goodAuth = fc.constantFrom<Record<string, string>>(
  { 'x-api-key': KEYS.backend, 'x-user-id': KNOWN.user },
  {
    authorization: `Bearer ${KEYS.frontend}`,
    'x-user-id': KNOWN.user,
    'x-user-signature': goodSig,
  },
)

/** Anything at all: random methods, paths, headers and bodies; most fail early (auth, routing). */
const wildRequest = fc
  .record({
    method: fc.constantFrom(
      'GET',
      'POST',
      'PUT',
      'PATCH',
      'DELETE',
      'OPTIONS',
      'HEAD',
      'LINK',
      'FOO',
      'PROPFIND',
    ),
    path,
    query,
    auth,
    extra: extraHeaders,
    body,
  })
  .map(({ method, path: p, query: q, auth: a, extra, body: b }) => ({
    method,
    path: p + q,
    headers: { ...a, ...extra },
    body: method === 'GET' || method === 'HEAD' ? undefined : b,
  }))

/** A real route with valid credentials and one or two broken parts, so it reaches the handlers. */
const targetedRequest = fc
  .record({
    route: fc.constantFrom(...ROUTES),
    thread: fc.oneof(
      { arbitrary: fc.constant(KNOWN.thread), weight: 4 },
      { arbitrary: idSegment, weight: 1 },
    ),
    message: fc.oneof(
      { arbitrary: fc.constant(KNOWN.message), weight: 4 },
      { arbitrary: idSegment, weight: 1 },
    ),
    query: fc.oneof({ arbitrary: fc.constant(''), weight: 2 }, { arbitrary: query, weight: 1 }),
    auth: fc.oneof({ arbitrary: goodAuth, weight: 5 }, { arbitrary: auth, weight: 1 }),
    extra: fc.oneof(
      { arbitrary: fc.constant({}), weight: 3 },
      { arbitrary: extraHeaders, weight: 1 },
    ),
    body,
  })
  .map(({ route: [method, template], thread, message, query: q, auth: a, extra, body: b }) => ({
    method,
    path: template.replace(':t', thread).replace(':m', message) + q,
    headers: { 'content-type': 'application/json', ...a, ...extra },
    body: method === 'GET' ? undefined : b,
  }))

/** Prints a request briefly, so a counterexample with a 200 KB body stays readable. */
function describeRequest(r: FuzzRequest): string {
  const body =
    r.body === undefined
      ? ''
      : typeof r.body === 'string'
        ? r.body
        : `bytes[${Buffer.from(r.body).toString('hex')}]`
  const short =
    body.length > 160 ? `${body.slice(0, 80)}...(${body.length} chars)...${body.slice(-40)}` : body
  return JSON.stringify({
    method: r.method,
    path: r.path.slice(0, 300),
    headers: r.headers,
    body: short,
  })
}

export const fuzzRequest: fc.Arbitrary<FuzzRequest> = fc
  .oneof(wildRequest, targetedRequest)
  .map((r) => Object.assign(r, { [fc.toStringMethod]: () => describeRequest(r) }))
