import { ProgressDBError } from '../errors.js'
import type { SubscriptionStatus } from './thread-channel.js'

/** A subscriber's own position: the change number (or list cursor) it has received. */
export interface Subscriber<O> {
  readonly options: O
  position: number | undefined
  status: SubscriptionStatus
}

interface StatusCallbacks {
  onStatus?: (status: SubscriptionStatus) => void
  onError?: (error: ProgressDBError) => void
}

/** An error frame (or an `unsubscribed` with a code) as the SDK's error. */
export function frameError(code: string, message: string | undefined): ProgressDBError {
  return new ProgressDBError({
    status: 0,
    code: code as ProgressDBError['code'],
    message: message ?? `The subscription ended (${code}).`,
  })
}

/**
 * The local subscribers sharing one server subscription (a thread's, or the thread list's):
 * the status they all follow, each one's position, and where a resubscribe must start (the
 * position of the one furthest behind).
 */
export function createSubscriberSet<O extends StatusCallbacks>() {
  const members = new Set<Subscriber<O>>()
  let status: SubscriptionStatus = 'connecting'
  const notify = (member: Subscriber<O>, next: SubscriptionStatus) => {
    if (member.status === next) return
    member.status = next
    member.options.onStatus?.(next)
  }
  return {
    get status() {
      return status
    },
    get size() {
      return members.size
    },
    all: () => [...members],
    has: (member: Subscriber<O>) => members.has(member),
    add(options: O, position: number | undefined): Subscriber<O> {
      const member: Subscriber<O> = { options, position, status }
      members.add(member)
      return member
    },
    /** Removes one (it is told it is closed); false if it was gone already. */
    remove(member: Subscriber<O>): boolean {
      if (!members.delete(member)) return false
      notify(member, 'closed')
      return true
    },
    setStatus(next: SubscriptionStatus): void {
      status = next
      for (const member of [...members]) notify(member, next)
    },
    /** Where the server subscription must (re)start so that no member misses anything. */
    since(): number | undefined {
      const known = [...members].map((m) => m.position).filter((p): p is number => p !== undefined)
      return known.length > 0 ? Math.min(...known) : undefined
    },
    /** Every member is closed, and told why when the server ended it. */
    endAll(error: ProgressDBError | undefined): void {
      const ended = [...members]
      members.clear()
      status = 'closed'
      for (const member of ended) {
        notify(member, 'closed')
        if (error) member.options.onError?.(error)
      }
    },
  }
}
