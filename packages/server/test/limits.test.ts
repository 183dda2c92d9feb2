import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signUser } from '../src/auth/user-signature.js'
import { expectError, expectValidationAt } from './error-assertions.js'
import { KEYS, startTestServer, type ApiResponse, type TestServer } from './harness.js'

const T = '/frontend/v1/threads'

/** Sends `totalBytes` of a JSON string body in chunks, without a Content-Length (chunked encoding). */
async function postChunked(url: string, user: string, totalBytes: number): Promise<ApiResponse> {
  const chunk = new TextEncoder().encode('x'.repeat(256))
  let sent = 0
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(new TextEncoder().encode('{"body":"'))
    },
    pull(controller) {
      if (sent >= totalBytes) {
        controller.enqueue(new TextEncoder().encode('"}'))
        controller.close()
        return
      }
      sent += chunk.length
      controller.enqueue(chunk)
    },
  })
  const res = await fetch(url, {
    method: 'POST',
    body,
    duplex: 'half',
    headers: {
      authorization: `Bearer ${KEYS.frontend}`,
      'x-user-id': user,
      'x-user-signature': signUser(KEYS.signing, user),
      'content-type': 'application/json',
    },
  })
  const text = await res.text()
  return {
    status: res.status,
    headers: res.headers,
    text,
    body: text ? JSON.parse(text) : undefined,
  }
}

describe('body and metadata size limits', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer({ yaml: 'limits:\n  bodyMaxBytes: 1024\n  metadataMaxBytes: 200\n' })
  })
  afterAll(async () => t.close())

  it('rejects a body over the limit (Content-Length) with 413 and keeps serving', async () => {
    const u = t.user('big')
    expect((await u.post(`${T}/big-1/messages`, { id: 'ok', body: 'x'.repeat(900) })).status).toBe(
      201,
    )
    expectError(
      await u.post(`${T}/big-1/messages`, { id: 'too-big', body: 'x'.repeat(2000) }),
      413,
      'PAYLOAD_TOO_LARGE',
    )
    expectError(
      await u.post(`${T}/big-1/messages`, { id: 'way-too-big', body: 'x'.repeat(5_000_000) }),
      413,
      'PAYLOAD_TOO_LARGE',
    )
    expectError(await u.get(`${T}/big-1/messages/too-big`), 404, 'MESSAGE_NOT_FOUND')
    expect((await u.get(`${T}/big-1/messages`)).body.messages.map((m: any) => m.id)).toEqual(['ok'])
  })

  it('rejects a chunked body that grows over the limit with 413 and keeps serving', async () => {
    expectError(
      await postChunked(`${t.url}${T}/big-2/messages`, 'big', 8 * 1024),
      413,
      'PAYLOAD_TOO_LARGE',
    )
    const small = await postChunked(`${t.url}${T}/big-2/messages`, 'big', 512)
    expect(small.status).toBe(201)
    expect((await t.user('big').get(`${T}/big-2/messages`)).body.messages).toHaveLength(1)
    expect((await t.raw().get('/readyz')).status).toBe(200)
  })

  it('rejects metadata over metadataMaxBytes with 413 on messages and threads', async () => {
    const u = t.user('meta')
    const fat = { blob: 'y'.repeat(300) }
    expectError(
      await u.post(`${T}/meta-1/messages`, { id: 'm', body: 1, metadata: fat }),
      413,
      'PAYLOAD_TOO_LARGE',
    )
    expectError(await u.post(T, { id: 'meta-2', metadata: fat }), 413, 'PAYLOAD_TOO_LARGE')
    expect(
      (await u.post(`${T}/meta-1/messages`, { id: 'm', body: 1, metadata: { small: true } }))
        .status,
    ).toBe(201)
    expectError(
      await u.patch(`${T}/meta-1/messages/m`, { metadata: fat }),
      413,
      'PAYLOAD_TOO_LARGE',
    )
    expectError(await u.patch(`${T}/meta-1`, { metadata: fat }), 413, 'PAYLOAD_TOO_LARGE')
    expect((await u.get(`${T}/meta-1/messages/m`)).body.message).toMatchObject({
      version: 1,
      metadata: { small: true },
    })
    expect((await u.get(`${T}/meta-1`)).body.thread.metadata).toEqual({})
    expectError(await u.get(`${T}/meta-2`), 404, 'THREAD_NOT_FOUND')
  })
})

describe('request validation', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
    await t.user('v').post(`${T}/v-1/messages`, { id: 'm1', body: 'one' })
  })
  afterAll(async () => t.close())

  it('rejects malformed JSON with BAD_JSON', async () => {
    const u = t.user('v')
    for (const text of ['{', '{"body": }', "{'body': 1}", 'undefined', '{"body": 1,}', '\u0000']) {
      expectError(await u.post(`${T}/v-1/messages`, text), 400, 'BAD_JSON')
    }
    expectError(await u.put(`${T}/v-1/messages/m1`, '{"body"'), 400, 'BAD_JSON')
    expect((await u.get(`${T}/v-1/messages`)).body.messages.map((m: any) => m.id)).toEqual(['m1'])
  })

  it('rejects wrong types with VALIDATION_FAILED naming the field', async () => {
    const u = t.user('v')
    expectValidationAt(await u.post(`${T}/v-1/messages`, { body: 1, role: 5 }), '/role')
    expectValidationAt(
      await u.post(`${T}/v-1/messages`, { body: 1, metadata: [1, 2] }),
      '/metadata',
    )
    expectValidationAt(await u.post(`${T}/v-1/messages`, { body: 1, reply_to: 12 }), '/reply_to')
    expectValidationAt(await u.post(`${T}/v-1/messages`, { role: 'user' }), '/body')
    expectValidationAt(await u.post(T, { title: 42 }), '/title')
    expectValidationAt(await u.post(T, { participants: { bob: 'king' } }), '/participants/bob')
    expectValidationAt(await u.patch(`${T}/v-1`, { metadata: 'nope' }), '/metadata')
    expectValidationAt(
      await u.put(`${T}/v-1/messages/m1`, { body: 'x', if_version: '1' }),
      '/if_version',
    )
    expectValidationAt(
      await u.put(`${T}/v-1/messages/m1`, { body: 'x', if_version: 0 }),
      '/if_version',
    )
    expectValidationAt(await u.post(`${T}/v-1/messages/m1/reactions`, { emoji: '' }), '/emoji')
    expectValidationAt(await u.post(`${T}/v-1/read`, {}), '/message_id')
    // A value matching no alternative says what each would have taken.
    const title = await u.patch(`${T}/v-1`, { title: 5 })
    expectValidationAt(title, '/title')
    expect(title.body.error).toBe('/title: Expected string or null')
    // The title's length is the config's to limit (limits.titleMaxLength), in characters.
    expectValidationAt(await u.patch(`${T}/v-1`, { title: 'x'.repeat(1001) }), '/title')
    expect((await u.patch(`${T}/v-1`, { title: '😀'.repeat(1000) })).status).toBe(200)
    const status = await u.post(`${T}/v-1/messages`, { body: 1, status: 'weird' })
    expectValidationAt(status, '/status')
    expect(status.body.error).toMatch(/^\/status: Expected 'final' or 'streaming'/)
    expectError(await u.post(`${T}/v-1/messages`, [1, 2]), 400, 'VALIDATION_FAILED')
    expectError(await u.post(`${T}/v-1/messages`, 'null'), 400, 'VALIDATION_FAILED')
    expect((await u.get(`${T}/v-1/messages/m1`)).body.message).toMatchObject({
      version: 1,
      body: 'one',
    })
  })

  it('rejects unknown fields with VALIDATION_FAILED naming the field', async () => {
    const u = t.user('v')
    expectValidationAt(await u.post(`${T}/v-1/messages`, { body: 1, colour: 'red' }), '/colour')
    expectValidationAt(await u.post(T, { id: 'unk', name: 'x' }), '/name')
    expectValidationAt(await u.patch(`${T}/v-1`, { title: 'x', owner: 'me' }), '/owner')
    expectValidationAt(await u.put(`${T}/v-1/messages/m1`, { body: 'x', author: 'me' }), '/author')
    expectError(await u.get(`${T}/unk`), 404, 'THREAD_NOT_FOUND')
  })

  it('rejects invalid ids with INVALID_ID wherever they appear: path, body, participant keys', async () => {
    const u = t.user('v')
    expectError(await u.get(`${T}/has%20space/messages`), 400, 'INVALID_ID')
    expectError(await u.post(`${T}/has%20space/messages`, { body: 1 }), 400, 'INVALID_ID')
    expectError(await u.get(`${T}/${'a'.repeat(129)}`), 400, 'INVALID_ID')
    expectError(await u.post(`${T}/${'a'.repeat(129)}/messages`, { body: 1 }), 400, 'INVALID_ID')
    expectError(await u.get(`${T}/v-1/messages/${'b'.repeat(129)}`), 400, 'INVALID_ID')
    expectError(await u.get(`${T}/bad%2Fslash`), 400, 'INVALID_ID')
    expectError(await u.get(`${T}/%E0%A4%A`), 400, 'INVALID_ID')
    expectError(await u.post(T, { id: 'has space' }), 400, 'INVALID_ID')
    expectError(await u.post(`${T}/v-1/messages`, { id: 'a/b', body: 1 }), 400, 'INVALID_ID')
    expectError(await u.post(`${T}/v-1/messages`, { body: 1, reply_to: 'no way' }), 400, 'INVALID_ID')
    expectError(await u.post(`${T}/v-1/participants`, { user_id: 'bad user' }), 400, 'INVALID_ID')
    // A participants map is keyed by user ids: a key that is not one is refused, not stored.
    for (const user of ['', 'bad user', 'héllo', 'a\nb'])
      expectError(await u.post(T, { id: 'parts', participants: { [user]: 'member' } }), 400, 'INVALID_ID')
    expect((await u.get(`${T}/parts`)).body.code).toBe('THREAD_NOT_FOUND')
    // `.` and `..` are resolved away by URL parsers, so no thread may be named so.
    for (const id of ['.', '..']) expectError(await u.post(T, { id }), 400, 'INVALID_ID')
    expect((await u.post(T, { id: '...' })).status).toBe(201)
    // A missing id field is a missing field, not a bad id.
    expectValidationAt(await u.post(`${T}/v-1/read`, {}), '/message_id')
    expect((await u.get(`${T}/${'a'.repeat(128)}`)).body.code).toBe('THREAD_NOT_FOUND')
  })

  it('answers unknown routes, wrong methods and unknown items with their codes', async () => {
    const u = t.user('v')
    expectError(await u.get('/frontend/v1/nothing-here'), 404, 'ROUTE_NOT_FOUND')
    expectError(await u.get('/frontend/v2/threads'), 404, 'ROUTE_NOT_FOUND')
    expectError(await t.raw().get('/'), 404, 'ROUTE_NOT_FOUND')
    const wrong = await u.patch(T, { title: 'x' })
    expectError(wrong, 405, 'METHOD_NOT_ALLOWED')
    expect(wrong.headers.get('allow')).toContain('GET')
    expectError(await u.put(`${T}/v-1/messages`, { body: 1 }), 405, 'METHOD_NOT_ALLOWED')
    expectError(await u.get(`${T}/nope`), 404, 'THREAD_NOT_FOUND')
    expectError(await u.get(`${T}/nope/messages`), 404, 'THREAD_NOT_FOUND')
    expectError(await u.get(`${T}/v-1/messages/nope`), 404, 'MESSAGE_NOT_FOUND')
    expectError(await u.put(`${T}/v-1/messages/nope`, { body: 1 }), 404, 'MESSAGE_NOT_FOUND')
    expectError(await u.del(`${T}/v-1/messages/nope`), 404, 'MESSAGE_NOT_FOUND')
    expectError(
      await u.post(`${T}/v-1/messages/nope/reactions`, { emoji: 'x' }),
      404,
      'MESSAGE_NOT_FOUND',
    )
    expectError(await u.del(`${T}/nope`), 404, 'THREAD_NOT_FOUND')
  })

  it('rejects bad query values with VALIDATION_FAILED', async () => {
    const u = t.user('v')
    const bad: [string, string][] = [
      [`${T}/v-1/messages?limit=abc`, 'query.limit'],
      [`${T}/v-1/messages?limit=0`, 'query.limit'],
      [`${T}/v-1/messages?limit=-3`, 'query.limit'],
      [`${T}/v-1/messages?limit=1.5`, 'query.limit'],
      [`${T}/v-1/messages?include_deleted=maybe`, 'query.include_deleted'],
      [`${T}?sort_by=x`, 'query.sort_by'],
      [`${T}?limit=abc`, 'query.limit'],
      [`${T}?include_deleted=yes`, 'query.include_deleted'],
      [`${T}/v-1/events?since=-1`, 'query.since'],
      [`${T}/v-1/events?since=abc`, 'query.since'],
      [`${T}/v-1/messages/m1?include_deleted=2`, 'query.include_deleted'],
    ]
    for (const [path, field] of bad) expectValidationAt(await u.get(path), field)
    expectValidationAt(await u.del(`${T}/v-1/messages/m1?hard=perhaps`), 'query.hard')
    expect((await u.get(`${T}/v-1/messages/m1`)).body.message.deleted).toBe(false)
    expect((await u.get(`${T}/v-1/messages?limit=5000`)).status).toBe(200)
  })

  it('honours X-ProgressDB-Durability: safe and rejects other values', async () => {
    const u = t.user('v')
    const safe = await u.post(
      `${T}/dur-1/messages`,
      { id: 'safe', body: 'durable' },
      { 'x-progressdb-durability': 'safe' },
    )
    expect(safe.status).toBe(201)
    expect((await u.get(`${T}/dur-1/messages/safe`)).body.message.body).toBe('durable')
    const fast = await u.put(
      `${T}/dur-1/messages/safe`,
      { body: 'fast' },
      { 'x-progressdb-durability': 'fast' },
    )
    expect(fast.status).toBe(200)
    expect((await u.get(`${T}/dur-1/messages/safe`)).body.message.body).toBe('fast')
    const bad = await u.post(
      `${T}/dur-1/messages`,
      { id: 'bad', body: 1 },
      { 'x-progressdb-durability': 'fsync-please' },
    )
    expectValidationAt(bad, 'header.x-progressdb-durability')
    expectError(await u.get(`${T}/dur-1/messages/bad`), 404, 'MESSAGE_NOT_FOUND')
  })

  it('rejects two cursors at once and unknown cursors with INVALID_CURSOR', async () => {
    const u = t.user('v')
    expectError(await u.get(`${T}/v-1/messages?before=m1&after=m1`), 400, 'INVALID_CURSOR')
    expectError(await u.get(`${T}/v-1/messages?anchor=m1&before=m1`), 400, 'INVALID_CURSOR')
    expectError(await u.get(`${T}/v-1/messages?before=ghost`), 400, 'INVALID_CURSOR')
    expectError(await u.get(`${T}/v-1/messages?after=ghost`), 400, 'INVALID_CURSOR')
    expectError(await u.get(`${T}/v-1/messages?anchor=ghost`), 400, 'INVALID_CURSOR')
    expectError(await u.get(`${T}?before=garbage`), 400, 'INVALID_CURSOR')
    expectError(await u.get(`${T}?before=1.a&after=1.a`), 400, 'INVALID_CURSOR')
  })
})
