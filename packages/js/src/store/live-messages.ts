import type { ChatEvent } from '@progressdb/protocol'
import type { Message } from '../message-types.js'
import { grownBody, mayInclude } from './message-append.js'
import { ordered, type StoreMessage } from './message-list.js'

type List<TBody> = readonly StoreMessage<TBody>[]

/**
 * What applying live events needs beyond the list: for each streaming message, the
 * `updated_ts` of the full state it was last given and whether appends were applied since.
 * Events carry a message's state as of when the server read its log, so a full state may
 * already include appends whose events come after it; those are recognised by their time.
 */
export interface LiveMessages {
  streams: Map<string, { updatedTs: number; grown: boolean }>
  /** Whether a message not shown belongs in the loaded range (not older than the oldest). */
  inRange: (message: Message<unknown>) => boolean
}

const isNewer = (incoming: Message<unknown>, shown: StoreMessage<unknown>) =>
  shown.pending === true ||
  incoming.version > shown.version ||
  (incoming.version === shown.version && incoming.updated_ts >= shown.updated_ts)

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
  if (message.status === 'streaming')
    live.streams.set(message.id, { updatedTs: message.updated_ts, grown: false })
  else live.streams.delete(message.id)
  return ordered(shown ? list.map((m) => (m === shown ? message : m)) : [...list, message])
}

function replaceShown<TBody>(
  list: List<TBody>,
  id: string,
  change: (m: StoreMessage<TBody>) => StoreMessage<TBody> | undefined,
): List<TBody> {
  const shown = list.find((m) => m.id === id)
  const next = shown && change(shown)
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
      live.streams.delete(event.message_id)
      return list.filter((m) => m.id !== event.message_id)
    case 'message.appended':
      return replaceShown(list, event.message_id, (m) => {
        const basis = live.streams.get(m.id)
        const { text, delta, body } = event
        const append = { text, delta, body }
        if (basis && !basis.grown) {
          const included =
            event.ts < basis.updatedTs ||
            (event.ts === basis.updatedTs && mayInclude(m.body, append))
          if (included) return m
          basis.grown = true
        }
        return {
          ...m,
          body: grownBody(m.body, append) as TBody,
          updated_ts: Math.max(m.updated_ts, event.ts),
        }
      })
    case 'reaction.added':
    case 'reaction.removed':
      return replaceShown(list, event.message_id, (m) => {
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
