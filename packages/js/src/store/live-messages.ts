import type { ChatEvent } from '@progressdb/protocol'
import type { Message } from '../message-types.js'
import { grownBody } from './message-append.js'
import { ordered, type StoreMessage } from './message-list.js'

type List<TBody> = readonly StoreMessage<TBody>[]

/** What applying live events needs beyond the list. */
export interface LiveMessages {
  /** Whether a message not shown belongs in the loaded range (not older than the oldest). */
  inRange: (message: Message<unknown>) => boolean
}

/**
 * A message's `change` is the number of its own latest change, so of two states the one with
 * the higher `change` is newer, and an event about a message is already reflected in a state
 * whose `change` is at or above the event's (docs/api.md, Events).
 */
const isNewer = (incoming: Message<unknown>, shown: StoreMessage<unknown>) =>
  shown.pending === true || incoming.change >= shown.change

/**
 * Shows a full message state (from a page, a reply or an event) unless a newer one is shown:
 * deleted ones leave the list; one not shown joins it `always` (a page, a create), `never`
 * (a reply to an edit of a message scrolled away) or `inRange` (an event).
 */
export function upsertMessage<TBody>(
  list: List<TBody>,
  message: Message<TBody>,
  live: LiveMessages,
  insert: 'always' | 'inRange' | 'never',
): List<TBody> {
  const index = list.findIndex((m) => m.id === message.id)
  const shown = list[index]
  if (message.deleted) return shown ? list.filter((m) => m.id !== message.id) : list
  if (shown && !isNewer(message, shown)) return list
  if (!shown && (insert === 'never' || (insert === 'inRange' && !live.inRange(message))))
    return list
  return ordered(shown ? list.map((m) => (m === shown ? message : m)) : [...list, message])
}

/** Applies `change` to the shown message unless its state already reflects the event. */
function replaceShown<TBody>(
  list: List<TBody>,
  event: ChatEvent & { message_id: string },
  change: (m: StoreMessage<TBody>) => StoreMessage<TBody>,
): List<TBody> {
  const shown = list.find((m) => m.id === event.message_id)
  const next = shown && event.change > shown.change ? { ...change(shown), change: event.change } : undefined
  return next && next !== shown ? list.map((m) => (m === shown ? next : m)) : list
}

/** Applies one event of the thread's change log to the shown messages. */
export function applyMessageEvent<TBody>(
  list: List<TBody>,
  event: ChatEvent,
  live: LiveMessages,
): List<TBody> {
  switch (event.type) {
    case 'message.created':
    case 'message.updated':
    case 'message.finalized':
      if (!event.message) return list.filter((m) => m.id !== event.message_id) // hard-deleted since
      return upsertMessage(list, event.message as Message<TBody>, live, 'inRange')
    case 'message.deleted':
      return list.filter((m) => m.id !== event.message_id)
    case 'message.appended':
      return replaceShown(list, event, (m) => ({
        ...m,
        body: grownBody(m.body, { text: event.text, delta: event.delta, body: event.body }) as TBody,
        updated_ts: Math.max(m.updated_ts, event.ts),
      }))
    case 'reaction.added':
    case 'reaction.removed':
      return replaceShown(list, event, (m) => {
        const users = Object.hasOwn(m.reactions, event.emoji) ? m.reactions[event.emoji]! : []
        const has = users.includes(event.user)
        if (has === (event.type === 'reaction.added')) return m
        const next = has ? users.filter((u) => u !== event.user) : [...users, event.user]
        const reactions = { ...m.reactions, [event.emoji]: next }
        if (next.length === 0) delete reactions[event.emoji]
        return { ...m, reactions }
      })
    default:
      return list
  }
}
