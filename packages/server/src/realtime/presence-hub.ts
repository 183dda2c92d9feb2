import type { PresenceFrame } from '@progressdb/protocol'

type Listener = (frame: PresenceFrame) => void

interface ThreadRoom {
  /** Connections in the room, with the user each belongs to. */
  members: Map<Listener, string>
  /** Users typing now, with the timer that clears them. */
  typing: Map<string, NodeJS.Timeout>
}

/**
 * Who is connected to a thread (its WebSocket subscribers) and who is typing, per process and
 * never stored. A typing indicator clears itself after `typingTimeoutMs` unless renewed, and
 * when its user's last connection to the thread leaves.
 */
export function createPresenceHub(typingTimeoutMs: number) {
  const rooms = new Map<string, ThreadRoom>()
  const broadcast = (room: ThreadRoom, frame: PresenceFrame) => {
    for (const listener of room.members.keys()) listener(frame)
  }
  const users = (room: ThreadRoom) => [...new Set(room.members.values())].sort()
  const stopTyping = (threadId: string, room: ThreadRoom, userId: string) => {
    const timer = room.typing.get(userId)
    if (!timer) return
    clearTimeout(timer)
    room.typing.delete(userId)
    broadcast(room, { type: 'typing', thread_id: threadId, user_id: userId, typing: false })
  }
  return {
    /** Adds a connection to the thread's room; returns how to leave it. */
    join(threadId: string, userId: string, listener: Listener): () => void {
      let room = rooms.get(threadId)
      if (!room) rooms.set(threadId, (room = { members: new Map(), typing: new Map() }))
      const before = users(room).join('\n')
      room.members.set(listener, userId)
      if (users(room).join('\n') !== before) broadcast(room, { type: 'presence', thread_id: threadId, users: users(room) })
      else listener({ type: 'presence', thread_id: threadId, users: users(room) })
      const joined = room
      return () => {
        if (!joined.members.delete(listener)) return
        if (![...joined.members.values()].includes(userId)) {
          stopTyping(threadId, joined, userId)
          broadcast(joined, { type: 'presence', thread_id: threadId, users: users(joined) })
        }
        if (joined.members.size === 0) rooms.delete(threadId)
      }
    },
    /** Starts (or renews) or stops a user's typing indicator in a thread they are present in. */
    setTyping(threadId: string, userId: string, typing: boolean): void {
      const room = rooms.get(threadId)
      if (!room) return
      if (!typing) return stopTyping(threadId, room, userId)
      const renewing = room.typing.get(userId)
      if (renewing) clearTimeout(renewing)
      room.typing.set(userId, setTimeout(() => stopTyping(threadId, room, userId), typingTimeoutMs).unref())
      if (!renewing) broadcast(room, { type: 'typing', thread_id: threadId, user_id: userId, typing: true })
    },
  }
}

export type PresenceHub = ReturnType<typeof createPresenceHub>
