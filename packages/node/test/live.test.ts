import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import ProgressDB, { type ChatEvent } from '../src/index.js'
import { HeaderWebSocket } from '../src/header-web-socket.js'
import { KEYS, startFixtureServer, waitFor, type FixtureServer } from '../../js/test/fixture.js'

describe('@progressdb/node live subscriptions', () => {
  let server: FixtureServer
  beforeAll(async () => {
    server = await startFixtureServer()
  })
  afterAll(async () => server.close())

  it('forUser(...).subscribe works on Node 20 (the ws package) with a backend key', async () => {
    const db = ProgressDB({ baseUrl: server.url, apiKey: KEYS.backend })
    await db.createThread({ id: 'node-live' }, 'bot')
    const bot = db.forUser('bot')
    const events: ChatEvent[] = []
    const sub = bot.subscribe('node-live', { onEvents: (batch) => events.push(...batch) })
    await waitFor(() => sub.status === 'live', 'live')
    await db.createThreadMessage('node-live', { id: 'n1', body: { text: 'hi' } }, 'bot')
    await waitFor(() => events.length === 1, 'the event')
    expect(events[0]).toMatchObject({ type: 'message.created', message_id: 'n1', actor: 'bot' })
    bot.realtime.close()
  })

  it('sends the credentials as headers, never in the URL', async () => {
    const seen: { url?: string; headers?: http.IncomingHttpHeaders } = {}
    const probe = http.createServer()
    probe.on('upgrade', (req, socket) => {
      seen.url = req.url
      seen.headers = req.headers
      socket.destroy()
    })
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as AddressInfo
    const ws = new HeaderWebSocket(
      `ws://127.0.0.1:${port}/frontend/v1/ws?api_key=secret-key&user_id=bot&signature=sig`,
    )
    await new Promise((resolve) => ws.on('error', resolve).on('close', resolve))
    probe.close()
    expect(seen.url).toBe('/frontend/v1/ws')
    expect(seen.headers).toMatchObject({
      'x-api-key': 'secret-key',
      'x-user-id': 'bot',
      'x-user-signature': 'sig',
    })
  })
})
