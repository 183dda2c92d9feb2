import type { ThreadWrites } from '../store/chat-store.js'
import type { ThreadRecord } from '../store/records.js'

/**
 * The users whose thread list a commit changes, from the plan alone (no read): every
 * participant before and after, since the thread's summary moved, joined or left their list.
 * A commit that only moved read markers changes nothing but its readers' `unread_count`, so
 * other participants are not disturbed by every read.
 */
export function threadListAudience(before: ThreadRecord | undefined, writes: ThreadWrites): string[] {
  if (writes.purgeThread) return before ? Object.keys(before.participants) : []
  if (writes.events?.every((event) => event.type === 'read.updated'))
    return (writes.putReadMarkers ?? [])
      .map((marker) => marker.user)
      .filter((user) => Object.hasOwn(writes.thread?.participants ?? {}, user))
  const users = Object.keys(before?.participants ?? {})
  for (const user of Object.keys(writes.thread?.participants ?? {}))
    if (!before || !Object.hasOwn(before.participants, user)) users.push(user)
  return users
}
