import type { ChatEvent } from '@progressdb/protocol'
import { describe, expect, it } from 'vitest'
import type { Message } from '../message-types.js'
import { applyMessageEvent, upsertMessage, type LiveMessages } from './live-messages.js'
import type { StoreMessage } from './message-list.js'

const message = (over: Partial<Message<{ text: string }>> = {}): Message<{ text: string }> => ({
  id: 'm1',
  key: 'm1',
  thread: 't',
  seq: 1,
  author: 'bot',
  editor: 'bot',
  change: 2,
  role: 'assistant',
  body: { text: '' },
  reply_to: null,
  metadata: {},
  reactions: {},
  version: 1,
  status: 'streaming',
  ephemeral: false,
  expires_ts: null,
  created_ts: 1000,
  updated_ts: 1000,
  deleted: false,
  deleted_ts: null,
  ...over,
})

const appended = (change: number, ts: number, text: string): ChatEvent => ({
  type: 'message.appended',
  change,
  thread_id: 't',
  ts,
  actor: 'bot',
  message_id: 'm1',
  text,
})

const fresh = (): LiveMessages => ({ inRange: () => true })

function show(live: LiveMessages, m: Message<{ text: string }>) {
  return upsertMessage<{ text: string }>([], m, live, 'always')
}

const textOf = (list: readonly StoreMessage<{ text: string }>[]) => list[0]?.body.text

describe('applying live message events', () => {
  it('grows a streaming message with each append after the state it was shown', () => {
    const live = fresh()
    let list = show(live, message())
    for (const [i, word] of ['Hel', 'lo'].entries())
      list = applyMessageEvent(list, appended(3 + i, 1005 + i, word), live)
    expect(textOf(list)).toBe('Hello')
    expect(list[0]?.updated_ts).toBe(1006)
  })

  it('does not apply twice the appends a full state already reflects (by change number)', () => {
    // The created event (change 2) was hydrated after both appends: text "Hello", change 4.
    const live = fresh()
    let list = show(live, message({ body: { text: 'Hello' }, change: 4 }))
    list = applyMessageEvent(list, appended(3, 1001, 'Hel'), live) // reflected
    list = applyMessageEvent(list, appended(4, 1001, 'lo'), live) // reflected, same millisecond
    list = applyMessageEvent(list, appended(5, 1001, '!'), live) // newer: applied
    expect(textOf(list)).toBe('Hello!')
    expect(list[0]?.change).toBe(5)
    list = applyMessageEvent(list, appended(5, 1001, '!'), live) // a repeat changes nothing
    expect(textOf(list)).toBe('Hello!')
  })

  it('keeps the newer state when an older one arrives late (a reply after an edit event)', () => {
    const live = fresh()
    let list = show(live, message({ status: 'final', version: 2, change: 7, body: { text: 'v2' } }))
    list = upsertMessage(
      list,
      message({ status: 'final', version: 1, change: 3, body: { text: 'v1' } }),
      live,
      'always',
    )
    expect(textOf(list)).toBe('v2')
  })

  it('reactions: added once per user, removed, and emoji named like Object members are data', () => {
    const live = fresh()
    let change = 9
    const reaction = (
      type: 'reaction.added' | 'reaction.removed',
      emoji: string,
      user: string,
    ): ChatEvent => ({
      type,
      change: change++,
      thread_id: 't',
      ts: 2000,
      actor: user,
      message_id: 'm1',
      emoji,
      user,
    })
    let list = show(live, message({ status: 'final' }))
    list = applyMessageEvent(list, reaction('reaction.added', '👍', 'a'), live)
    list = applyMessageEvent(list, reaction('reaction.added', '👍', 'a'), live)
    list = applyMessageEvent(list, reaction('reaction.added', '__proto__', 'b'), live)
    expect(list[0]?.reactions).toEqual({ '👍': ['a'], ['__proto__']: ['b'] })
    list = applyMessageEvent(list, reaction('reaction.removed', '👍', 'a'), live)
    list = applyMessageEvent(list, reaction('reaction.removed', '__proto__', 'b'), live)
    expect(list[0]?.reactions).toEqual({})
  })
})
