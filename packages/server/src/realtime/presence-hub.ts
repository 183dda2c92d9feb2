import type { PresenceFrame } from '@progressdb/protocol'

type Listener = (frame: PresenceFrame) => void

/** One process's part of a thread's presence: who is connected to it here, who is typing here. */
export interface PresenceShare {
  users: string[]
  typing: string[]
}

interface ThreadRoom {
  /** Connections in the room, with the user each belongs to. */
  members: Map<Listener, string>
  /** Users typing through this process now, with the timer that clears them. */
  typing: Map<string, NodeJS.Timeout>
  /** The merged view the room's connections were last told. */
  shown: { users: string[]; typing: Set<string> }
}

const sameUsers = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((u, i) => u === b[i])

/**
 * Who is connected to a thread (its WebSocket subscribers) and who is typing, never stored.
 * Each process keeps its own connections and typing timers (a typing indicator clears itself
 * after `typingTimeoutMs` unless renewed, and when its user's last connection to the thread
 * leaves); with `--workers N` it shares its part of every thread through `share` and merges
 * the other workers' parts (`applyRemote`, `dropOrigin` when a worker is gone), so clients see
 * the union. Clients are told differences of the merged view only.
 */
export function createPresenceHub(typingTimeoutMs: number, share?: (threadId: string, local: PresenceShare) => void) {
  const rooms = new Map<string, ThreadRoom>()
  /** Other workers' parts: thread → origin → share. */
  const remote = new Map<string, Map<string, PresenceShare>>()

  const localShare = (room: ThreadRoom): PresenceShare => ({
    users: [...new Set(room.members.values())].sort(),
    typing: [...room.typing.keys()].sort(),
  })
  const mergedView = (threadId: string, room: ThreadRoom) => {
    const users = new Set(room.members.values())
    const typing = new Set(room.typing.keys())
    for (const part of remote.get(threadId)?.values() ?? []) {
      for (const user of part.users) users.add(user)
      for (const user of part.typing) typing.add(user)
    }
    return { users: [...users].sort(), typing }
  }
  /** Tells the room's connections how the merged view changed since they were last told. */
  const refresh = (threadId: string, room: ThreadRoom) => {
    const view = mergedView(threadId, room)
    const broadcast = (frame: PresenceFrame) => {
      for (const listener of room.members.keys()) listener(frame)
    }
    for (const user of room.shown.typing)
      if (!view.typing.has(user)) broadcast({ type: 'typing', thread_id: threadId, user_id: user, typing: false })
    if (!sameUsers(view.users, room.shown.users)) broadcast({ type: 'presence', thread_id: threadId, users: view.users })
    for (const user of view.typing)
      if (!room.shown.typing.has(user)) broadcast({ type: 'typing', thread_id: threadId, user_id: user, typing: true })
    room.shown = view
  }
  const localChanged = (threadId: string, room: ThreadRoom) => {
    refresh(threadId, room)
    share?.(threadId, localShare(room))
  }
  const stopTyping = (threadId: string, room: ThreadRoom, userId: string) => {
    const timer = room.typing.get(userId)
    if (!timer) return
    clearTimeout(timer)
    room.typing.delete(userId)
    localChanged(threadId, room)
  }
  return {
    /** Adds a connection to the thread's room; returns how to leave it. */
    join(threadId: string, userId: string, listener: Listener): () => void {
      let room = rooms.get(threadId)
      if (!room) rooms.set(threadId, (room = { members: new Map(), typing: new Map(), shown: { users: [], typing: new Set() } }))
      const before = room.shown
      room.members.set(listener, userId)
      localChanged(threadId, room)
      // What the others already knew and was therefore not broadcast: tell the newcomer.
      if (sameUsers(before.users, room.shown.users)) listener({ type: 'presence', thread_id: threadId, users: room.shown.users })
      for (const user of before.typing)
        if (room.shown.typing.has(user)) listener({ type: 'typing', thread_id: threadId, user_id: user, typing: true })
      const joined = room
      return () => {
        if (!joined.members.delete(listener)) return
        if (![...joined.members.values()].includes(userId)) {
          const timer = joined.typing.get(userId)
          if (timer) clearTimeout(timer)
          joined.typing.delete(userId)
        }
        localChanged(threadId, joined)
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
      if (!renewing) localChanged(threadId, room)
    },
    /** Another worker's part of a thread's presence (empty when it has nobody there). */
    applyRemote(origin: string, threadId: string, part: PresenceShare): void {
      let parts = remote.get(threadId)
      if (part.users.length === 0 && part.typing.length === 0) {
        parts?.delete(origin)
        if (parts?.size === 0) remote.delete(threadId)
      } else {
        if (!parts) remote.set(threadId, (parts = new Map<string, PresenceShare>()))
        parts.set(origin, part)
      }
      const room = rooms.get(threadId)
      if (room) refresh(threadId, room)
    },
    /** A worker is gone: its connections and typing indicators with it. */
    dropOrigin(origin: string): void {
      for (const [threadId, parts] of [...remote]) {
        if (!parts.delete(origin)) continue
        if (parts.size === 0) remote.delete(threadId)
        const room = rooms.get(threadId)
        if (room) refresh(threadId, room)
      }
    },
  }
}

export type PresenceHub = ReturnType<typeof createPresenceHub>
