import { toProgressDBError, type ProgressDBError } from '../errors.js'
import type { ChatBody } from '../message-types.js'
import type { MessagesClient } from '../messages-client.js'
import type { LiveMessages } from './live-messages.js'
import type { StoreMessage } from './message-list.js'
import type { ObservableState } from './observable-state.js'
import { afterReachingServer } from './store-error.js'

export interface MessagesSnapshot<TBody = ChatBody> {
  readonly threadId: string
  /**
   * Chronological; unconfirmed creates (`pending`: sending, or failed with an unknown
   * outcome) last. Unchanged messages keep their object identity.
   */
  readonly messages: readonly StoreMessage<TBody>[]
  /**
   * True until the first page has arrived (or failed). A thread that does not exist yet
   * loads as an empty one (no error): its first `create` makes it.
   */
  readonly loading: boolean
  readonly loadingOlder: boolean
  readonly hasOlder: boolean
  /**
   * The latest failure of any operation. A refusal (a 4xx) stays until the next operation you
   * call succeeds (or the next create starts); a failure to reach the service
   * (`NETWORK_ERROR`, `TIMEOUT`, `CREDENTIALS_UNAVAILABLE`, a 5xx) also clears as soon as the
   * service answers again: the live subscription is back, or a load succeeds.
   */
  readonly error: ProgressDBError | undefined
}

/** What the store's operations share. */
export interface StoreContext<TBody> {
  api: MessagesClient<TBody>
  state: ObservableState<MessagesSnapshot<TBody>>
  pageSize: number
  /** The page cursors: before the oldest loaded page, after the newest. */
  anchors: { before: string | null; after: string | null }
  live: LiveMessages
  /** Whether a page of the thread was ever read: until then, THREAD_NOT_FOUND means "new". */
  seenThread: boolean
}

export type Messages<TBody> = readonly StoreMessage<TBody>[]

export const patch = <TBody>(ctx: StoreContext<TBody>, p: Partial<MessagesSnapshot<TBody>>) =>
  ctx.state.set((s) => ({ ...s, ...p }))

/** Applies a successful change asked for by the user to the list (and clears the last error). */
export const apply = <TBody>(
  ctx: StoreContext<TBody>,
  f: (list: Messages<TBody>) => Messages<TBody>,
) => ctx.state.set((s) => ({ ...s, messages: f(s.messages), error: undefined }))

/** The service answered again (the subscription is live, a load succeeded): see `error`. */
export const reachedServer = <TBody>(ctx: StoreContext<TBody>) =>
  ctx.state.set((s) => {
    const error = afterReachingServer(s.error)
    return error === s.error ? s : { ...s, error }
  })

/** Records a failure in the snapshot and returns it as a ProgressDBError (to throw). */
export function fail<TBody>(
  ctx: StoreContext<TBody>,
  error: unknown,
  p: Partial<MessagesSnapshot<TBody>> = {},
) {
  const e = toProgressDBError(error)
  patch(ctx, { ...p, error: e })
  return e
}
