import type { PresenceFrame } from '@progressdb/protocol'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createPresenceHub, type PresenceShare } from './presence-hub.js'

function listener() {
  const frames: PresenceFrame[] = []
  return { frames, on: (frame: PresenceFrame) => frames.push(frame) }
}

describe('presence hub across workers', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('shows the union of its own and other workers’ users and typing, and shares only its own part', () => {
    const shared: [string, PresenceShare][] = []
    const hub = createPresenceHub(1000, (threadId, part) => shared.push([threadId, part]))
    const alice = listener()
    hub.join('t1', 'alice', alice.on)
    hub.applyRemote('w2', 't1', { users: ['bob'], typing: ['bob'] })
    expect(alice.frames).toEqual([
      { type: 'presence', thread_id: 't1', users: ['alice'] },
      { type: 'presence', thread_id: 't1', users: ['alice', 'bob'] },
      { type: 'typing', thread_id: 't1', user_id: 'bob', typing: true },
    ])
    expect(shared).toEqual([['t1', { users: ['alice'], typing: [] }]])

    // A second worker's part with the same user changes nothing anyone sees.
    hub.applyRemote('w3', 't1', { users: ['bob'], typing: [] })
    expect(alice.frames).toHaveLength(3)

    // A newcomer learns who is there and who is typing, though nothing changed for the others.
    const alice2 = listener()
    hub.join('t1', 'alice', alice2.on)
    expect(alice2.frames).toEqual([
      { type: 'presence', thread_id: 't1', users: ['alice', 'bob'] },
      { type: 'typing', thread_id: 't1', user_id: 'bob', typing: true },
    ])
    expect(alice.frames).toHaveLength(3)
  })

  it('withdraws a gone worker’s users and typing, keeping users other workers still have', () => {
    const hub = createPresenceHub(1000)
    const alice = listener()
    hub.join('t1', 'alice', alice.on)
    hub.applyRemote('w2', 't1', { users: ['bob', 'carol'], typing: ['bob'] })
    hub.applyRemote('w3', 't1', { users: ['carol'], typing: [] })
    alice.frames.length = 0
    hub.dropOrigin('w2')
    expect(alice.frames).toEqual([
      { type: 'typing', thread_id: 't1', user_id: 'bob', typing: false },
      { type: 'presence', thread_id: 't1', users: ['alice', 'carol'] },
    ])
  })

  it('keeps other workers’ parts for threads nobody here has open yet', () => {
    const hub = createPresenceHub(1000)
    hub.applyRemote('w2', 't1', { users: ['bob'], typing: [] })
    const alice = listener()
    hub.join('t1', 'alice', alice.on)
    expect(alice.frames).toEqual([{ type: 'presence', thread_id: 't1', users: ['alice', 'bob'] }])
  })

  it('shares a lapsed typing indicator and a last leave, so other workers stop showing them', () => {
    const shared: [string, PresenceShare][] = []
    const hub = createPresenceHub(1000, (threadId, part) => shared.push([threadId, part]))
    const leave = hub.join('t1', 'alice', () => {})
    hub.setTyping('t1', 'alice', true)
    vi.advanceTimersByTime(999)
    hub.setTyping('t1', 'alice', true) // renewed: nothing new to share
    vi.advanceTimersByTime(1000)
    leave()
    expect(shared).toEqual([
      ['t1', { users: ['alice'], typing: [] }],
      ['t1', { users: ['alice'], typing: ['alice'] }],
      ['t1', { users: ['alice'], typing: [] }],
      ['t1', { users: [], typing: [] }],
    ])
  })
})
