import { describe, expect, it } from 'vitest'
import { buildChangeRecord, buildReadMarkerRecord, buildThreadRecord } from '../store/record-builders.js'
import { threadListAudience } from './thread-list-audience.js'

const before = buildThreadRecord({ id: 't1', participants: { alice: 'owner', bob: 'member' } })

describe('threadListAudience', () => {
  it('is every participant before and after a change that moves the thread', () => {
    const after = { ...before, participants: { alice: 'owner' as const, carol: 'viewer' as const } }
    const events = [buildChangeRecord({ change: 1, type: 'participant.removed' }), buildChangeRecord({ change: 2, type: 'participant.added' })]
    expect(threadListAudience(before, { thread: after, events }).sort()).toEqual(['alice', 'bob', 'carol'])
    expect(threadListAudience(undefined, { thread: before, events }).sort()).toEqual(['alice', 'bob'])
  })

  it('is only the participants whose read marker moved when that is all the commit did', () => {
    const events = [buildChangeRecord({ change: 1, type: 'read.updated' })]
    const putReadMarkers = [
      buildReadMarkerRecord({ user: 'bob', message_id: 'm1', seq: 1 }),
      buildReadMarkerRecord({ user: 'mallory', message_id: 'm1', seq: 1 }),
    ]
    expect(threadListAudience(before, { thread: before, events, putReadMarkers })).toEqual(['bob'])
  })

  it('is every participant the purged thread had', () => {
    expect(threadListAudience(before, { purgeThread: true }).sort()).toEqual(['alice', 'bob'])
    expect(threadListAudience(undefined, { purgeThread: true })).toEqual([])
  })
})
