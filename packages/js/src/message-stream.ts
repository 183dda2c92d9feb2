import type { AppendRequest, FinalizeRequest, MessageResponse } from '@progressdb/protocol'
import { messagePath } from './api-paths.js'
import { isProgressDBError, ProgressDBError, toProgressDBError } from './errors.js'
import type { Message, NewMessage } from './message-types.js'
import type { RequestOptions, Transport } from './transport.js'

/**
 * What `streamMessage` / `messages(threadId).stream` take: a new message without `status`
 * (it is always `streaming`); `role` defaults to `assistant` (as in the Python SDK), `body`
 * to `{ text: '' }`, so `append(text)` grows `body.text` and `appendDelta` merges into it.
 */
export type NewStreamMessage<TBody = unknown> = Omit<NewMessage<TBody>, 'status' | 'body'> & {
  body?: TBody
}

/** What `finalize` takes: the wire `FinalizeRequest` with a typed body. */
export type FinalizeMessage<TBody = unknown> = Omit<FinalizeRequest, 'body'> & { body?: TBody }

/**
 * A message being streamed (`status: 'streaming'`). Appends are sent one at a time, in the
 * order they were called, even when the caller does not await them; `finalize` waits for
 * every queued append. Appends and `finalize` are not idempotent, so they are never retried
 * automatically: a failed append rejects, and the appends queued after it reject with the same
 * error without being sent (a gap would corrupt the text); `replace` and `finalize` still run.
 * After `finalize` or `abort`, further calls reject with code `MESSAGE_NOT_STREAMING`.
 */
export interface MessageStream<TBody = unknown> {
  /** The message id (client-generated unless given). */
  readonly id: string
  readonly threadId: string
  /**
   * The latest state the server returned (after the create, each append, the finalize).
   * @example render(s.message.body)
   */
  readonly message: Message<TBody>
  /** True once `finalize` or `abort` was called (or the server said the stream is closed). */
  readonly closed: boolean
  /**
   * Appends text to the body's text (`{text}` on the wire). Queued: no need to await.
   * @example for await (const token of llm) s.append(token)
   */
  append(text: string, options?: RequestOptions): Promise<Message<TBody>>
  /**
   * Merges `delta` into an object body; strings join existing strings under the same key.
   * @example s.appendDelta({ reasoning: 'Thinking… ' })
   */
  appendDelta(
    delta: NonNullable<AppendRequest['delta']>,
    options?: RequestOptions,
  ): Promise<Message<TBody>>
  /**
   * Replaces the whole body (a transcript rewritten while streaming). Not a version.
   * @example s.replace({ text: 'Hello, world' })
   */
  replace(body: TBody, options?: RequestOptions): Promise<Message<TBody>>
  /**
   * Closes the stream after the queued appends: status `final` (default) or `aborted`,
   * optionally with a final body/metadata. Records exactly one new version; returns the message.
   * @example const m = await s.finalize({ metadata: { tokens: 42 } })
   */
  finalize(request?: FinalizeMessage<TBody>, options?: RequestOptions): Promise<Message<TBody>>
  /**
   * Closes the stream as `aborted` (keeping what was streamed) after the queued appends.
   * @example signal.addEventListener('abort', () => void s.abort())
   */
  abort(options?: RequestOptions): Promise<Message<TBody>>
}

const notStreaming = (id: string, why: string) =>
  new ProgressDBError({
    status: 409,
    code: 'MESSAGE_NOT_STREAMING',
    message: `Message ${id} is not streaming: ${why}.`,
  })

/**
 * Creates a streaming message and returns its handle. The create carries a client id, so it
 * is retried safely; nothing after it is retried.
 * @example
 * const s = await openMessageStream(transport, 't1', { role: 'assistant' }, create)
 */
export async function openMessageStream<TBody>(
  transport: Transport,
  threadId: string,
  message: NewStreamMessage<TBody>,
  create: (message: NewMessage<TBody>, options?: RequestOptions) => Promise<Message<TBody>>,
  options?: RequestOptions,
): Promise<MessageStream<TBody>> {
  const { body, role, ...rest } = message
  const created = await create(
    {
      ...rest,
      role: role ?? 'assistant',
      body: (body === undefined ? { text: '' } : body) as TBody,
      status: 'streaming',
    },
    options,
  )
  return createMessageStream(transport, threadId, created)
}

/**
 * The handle of a message already created with `status: 'streaming'` (e.g. by another call).
 * @example const s = createMessageStream(transport, 't1', await chat.create({ body: '', status: 'streaming' }))
 */
export function createMessageStream<TBody>(
  transport: Transport,
  threadId: string,
  created: Message<TBody>,
): MessageStream<TBody> {
  const id = created.id
  const path = messagePath(threadId, id)
  let latest = created
  let closed = created.status !== 'streaming'
  let broken: ProgressDBError | undefined
  /** The end of the queue: every operation starts when the previous one has settled. */
  let tail: Promise<unknown> = Promise.resolve()

  const send = async (route: 'append' | 'finalize', body: unknown, options?: RequestOptions) => {
    try {
      const reply = await transport.request<MessageResponse>(
        { method: 'POST', path: `${path}/${route}`, body },
        options,
      )
      latest = reply.message as Message<TBody>
      return latest
    } catch (error) {
      if (isProgressDBError(error) && error.code === 'MESSAGE_NOT_STREAMING') closed = true
      throw error
    }
  }

  const enqueue = <T>(run: () => Promise<T>): Promise<T> => {
    const result = tail.then(run, run)
    tail = result.catch(() => undefined)
    return result
  }

  const grow = (append: AppendRequest, options?: RequestOptions, resets = false) => {
    if (closed) return Promise.reject(notStreaming(id, 'it was finalized'))
    return enqueue(async () => {
      if (!resets && broken !== undefined) throw broken
      try {
        const message = await send('append', append, options)
        if (resets) broken = undefined
        return message
      } catch (error) {
        broken = toProgressDBError(error)
        throw broken
      }
    })
  }

  const finalize = (request: FinalizeMessage<TBody> = {}, options?: RequestOptions) => {
    if (closed) return Promise.reject(notStreaming(id, 'it was already finalized'))
    closed = true
    return enqueue(async () => {
      try {
        return await send('finalize', request, options)
      } catch (error) {
        // Unless the server says it is closed, let the caller finalize or abort again.
        if (!(isProgressDBError(error) && error.code === 'MESSAGE_NOT_STREAMING')) closed = false
        throw error
      }
    })
  }

  return {
    id,
    threadId,
    get message() {
      return latest
    },
    get closed() {
      return closed
    },
    append: (text, options) => grow({ text }, options),
    appendDelta: (delta, options) => grow({ delta }, options),
    replace: (body, options) => grow({ body }, options, true),
    finalize,
    abort: (options) => finalize({ status: 'aborted' }, options),
  }
}
