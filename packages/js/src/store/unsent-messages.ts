import { newClientId } from '../client-id.js'
import { toProgressDBError } from '../errors.js'
import type { Message, NewMessage } from '../message-types.js'
import { isUnknownOutcome } from '../retry-policy.js'
import { upsertMessage } from './live-messages.js'
import { apply, fail, type Messages, type StoreContext } from './messages-context.js'
import { optimisticMessage, resending, unconfirmed, type StoreMessage } from './message-list.js'

/** The store's sends: `create`, and `retry` / `discard` of a create whose outcome is unknown. */
export interface UnsentMessages<TBody> {
  create: (message: NewMessage<TBody>) => Promise<Message<TBody>>
  retry: (clientId: string) => Promise<Message<TBody>>
  discard: (clientId: string) => void
}

type Request<TBody> = NewMessage<TBody> & { id: string }

/**
 * Optimistic creates. The message shows at once (`pending`, `sendState: 'sending'`); the
 * stored one replaces it. A refusal (a 4xx, or nothing sent) takes it away again. An unknown
 * outcome (no response, a timeout, a 5xx, once the transport's retries are spent) leaves it
 * in the list as `sendState: 'failed'` with its client id: the message may be stored, so it
 * is not rolled back (it would come back through the live feed or a reload, next to a copy
 * sent again under a new id). The stored message, when it shows up, replaces it; `retry`
 * sends the same request with the same id (the server answers a repeat with the stored
 * message); `discard` forgets it.
 */
export function createUnsentMessages<TBody>(
  ctx: StoreContext<TBody>,
  author: string,
): UnsentMessages<TBody> {
  /** The requests of the creates not confirmed yet, by client id. */
  const requests = new Map<string, Request<TBody>>()
  const inFlight = new Map<string, Promise<Message<TBody>>>()

  const shown = (id: string) => ctx.state.get().messages.find((m) => m.id === id)
  const replace = (id: string, f: (m: StoreMessage<TBody>) => StoreMessage<TBody> | undefined) =>
    ctx.state.set((s) => ({ ...s, messages: replaced(s.messages, id, f) }))

  async function settle(request: Request<TBody>): Promise<Message<TBody>> {
    try {
      const stored = await ctx.api.create(request)
      ctx.seenThread = true
      requests.delete(request.id)
      apply(ctx, (list) => upsertMessage(list, stored, ctx.live, 'always'))
      return stored
    } catch (caught) {
      const error = toProgressDBError(caught)
      const now = shown(request.id)
      // The stored message arrived meanwhile (live): the create happened, whatever the reply.
      if (now && !now.pending) {
        requests.delete(request.id)
        return now
      }
      if (isUnknownOutcome(error)) replace(request.id, (m) => unconfirmed(m, error))
      else {
        requests.delete(request.id)
        replace(request.id, () => undefined)
      }
      throw fail(ctx, error)
    }
  }
  /** Forgets the requests of failed creates whose stored message has shown up since (live). */
  const forgetConfirmed = () => {
    for (const id of requests.keys()) {
      const message = inFlight.has(id) ? undefined : shown(id)
      if (message && !message.pending) requests.delete(id)
    }
  }
  const send = (request: Request<TBody>) => {
    const sending = settle(request).finally(() => inFlight.delete(request.id))
    inFlight.set(request.id, sending)
    return sending
  }

  return {
    create(message) {
      forgetConfirmed()
      const request = { ...message, id: message.id ?? newClientId('m') }
      const flying = inFlight.get(request.id)
      if (flying) return flying
      const optimistic = optimisticMessage(request, ctx.api.threadId, author)
      requests.set(request.id, request)
      apply(ctx, (list) => [...list.filter((m) => !(m.pending && m.id === request.id)), optimistic])
      return send(request)
    },
    retry(clientId) {
      const flying = inFlight.get(clientId)
      if (flying) return flying
      forgetConfirmed()
      const message = shown(clientId)
      if (message && !message.pending) return Promise.resolve(message)
      const request = requests.get(clientId)
      if (!message || !request)
        return Promise.reject(new TypeError('ProgressDB: no unsent message with this id.'))
      apply(ctx, (list) => replaced(list, clientId, resending))
      return send(request)
    },
    discard(clientId) {
      forgetConfirmed()
      if (shown(clientId)?.sendState !== 'failed') return
      requests.delete(clientId)
      replace(clientId, () => undefined)
    },
  }
}

/** The list with the unconfirmed message `id` replaced by `f(it)`, or removed when undefined. */
function replaced<TBody>(
  list: Messages<TBody>,
  id: string,
  f: (m: StoreMessage<TBody>) => StoreMessage<TBody> | undefined,
): Messages<TBody> {
  const index = list.findIndex((m) => m.id === id && m.pending)
  if (index < 0) return list
  const next = f(list[index]!)
  return next ? list.map((m, i) => (i === index ? next : m)) : list.filter((_, i) => i !== index)
}
