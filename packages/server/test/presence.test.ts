import { describe, expect, it } from 'vitest'
import { connect, useRealtimeServer, type Frame } from './ws-client.js'

const presence = (frames: Frame[]) => frames.filter((f) => f.type === 'presence').map((f) => f.users)
const typing = (frames: Frame[]) => frames.filter((f) => f.type === 'typing').map((f) => [f.user_id, f.typing])

describe('presence and typing over the WebSocket', () => {
  const s = useRealtimeServer({ yaml: 'realtime:\n  typingTimeoutMs: 300\n' })

  it('shows who is connected, who is typing, and clears typing by itself', async () => {
    await s.t.user('alice').post('/frontend/v1/threads/room/messages', { body: 'hi' })
    await s.t.user('alice').post('/frontend/v1/threads/room/participants', { user_id: 'bob' })
    const alice = await connect(s.ws, 'alice')
    alice.send({ type: 'subscribe', thread_id: 'room' })
    await alice.until((f) => presence(f).length === 1)
    const bob = await connect(s.ws, 'bob')
    bob.send({ type: 'subscribe', thread_id: 'room' })
    await bob.until((f) => presence(f).length === 1)
    expect(presence(bob.frames)).toEqual([['alice', 'bob']])
    await alice.until((f) => presence(f).length === 2)
    expect(presence(alice.frames)).toEqual([['alice'], ['alice', 'bob']])

    alice.send({ type: 'typing', thread_id: 'room', typing: true })
    await bob.until((f) => typing(f).length === 1)
    expect(typing(bob.frames)).toEqual([['alice', true]])
    // Nobody renews it: the server clears it after typingTimeoutMs.
    await bob.until((f) => typing(f).length === 2)
    expect(typing(bob.frames)).toEqual([['alice', true], ['alice', false]])

    alice.ws.close()
    await bob.until((f) => presence(f).length === 2)
    expect(presence(bob.frames)).toEqual([['alice', 'bob'], ['bob']])
    bob.ws.close()
  })

  it('refuses typing in a thread the connection has not subscribed to', async () => {
    const eve = await connect(s.ws, 'eve')
    eve.send({ type: 'typing', thread_id: 'room', typing: true })
    await eve.until((f) => f.some((x) => x.type === 'error'))
    expect(eve.frames[0]).toMatchObject({ type: 'error', code: 'VALIDATION_FAILED', thread_id: 'room' })
    eve.ws.close()
  })
})
