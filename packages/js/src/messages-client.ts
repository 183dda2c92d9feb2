import type { MessageResponse, VersionListResponse, MessageVersion } from '@progressdb/protocol'
import { messagePath, messagesPath } from './api-paths.js'
import { newClientId } from './client-id.js'
import { openMessageStream, type MessageStream, type NewStreamMessage } from './message-stream.js'
import type { Message, MessagePage, MessagePatch, NewMessage } from './message-types.js'
import { walkPages } from './page-walk.js'
import type { ReadOptions, RequestOptions, Transport } from './transport.js'

/** A page request: at most one of `before`, `after`, `anchor` (message ids). */
export interface MessagePageQuery {
  /** Page size (server default 50, max 1000). */
  limit?: number
  before?: string
  after?: string
  anchor?: string
  includeDeleted?: boolean
  /** Also list ephemeral messages (`ephemeral: true`, until they expire); left out by default. */
  includeEphemeral?: boolean
}

export interface MessageWalkOptions extends RequestOptions {
  /** Messages fetched per request (default 100). */
  pageSize?: number
  includeDeleted?: boolean
  /** Also yield ephemeral messages. */
  includeEphemeral?: boolean
}

/** The messages of one thread: `client.messages(threadId)`. */
export interface MessagesClient<TBody = unknown> {
  readonly threadId: string
  /**
   * One page: with no cursor the newest `limit` messages, in chronological order.
   * @example const { messages, pagination } = await client.messages('t1').list({ limit: 20 })
   */
  list(query?: MessagePageQuery, options?: RequestOptions): Promise<MessagePage<TBody>>
  /**
   * Creates a message (and the thread when it is new). The SDK sets a client `id` when none
   * is given, so retries after a lost response never duplicate it.
   * @example const m = await client.messages('t1').create({ body: { text: 'hi' }, role: 'user' })
   */
  create(message: NewMessage<TBody>, options?: RequestOptions): Promise<Message<TBody>>
  /**
   * Creates a message with `status: 'streaming'` (body default `{ text: '' }`) and returns a
   * handle that appends in call order and finalizes. The create is retried safely (client id);
   * appends and finalize are not retried. Same as `client.streamMessage(threadId, ...)`.
   * @example
   * const s = await client.messages('t1').stream({ role: 'assistant' })
   * for await (const token of llm) s.append(token)
   * const final = await s.finalize()
   */
  stream(message?: NewStreamMessage<TBody>, options?: RequestOptions): Promise<MessageStream<TBody>>
  /** @example const m = await client.messages('t1').get('m1') */
  get(messageId: string, options?: ReadOptions): Promise<Message<TBody>>
  /**
   * Edits body and/or metadata: a new version. With `if_version`, a stale version is a 409
   * `VERSION_CONFLICT`.
   * @example await client.messages('t1').update('m1', { body: { text: 'fixed' }, if_version: 1 })
   */
  update(
    messageId: string,
    patch: MessagePatch<TBody>,
    options?: RequestOptions,
  ): Promise<Message<TBody>>
  /**
   * Soft delete (the deleted message is returned); `{ hard: true }` removes it and its versions.
   * @example await client.messages('t1').delete('m1')
   */
  delete(messageId: string, options?: RequestOptions & { hard?: false }): Promise<Message<TBody>>
  delete(messageId: string, options: RequestOptions & { hard: true }): Promise<void>
  /** Undoes a soft delete. @example await client.messages('t1').restore('m1') */
  restore(messageId: string, options?: RequestOptions): Promise<Message<TBody>>
  /**
   * Edit history, oldest first; the last is current. A soft-deleted message's history needs
   * `includeDeleted`, as the message does.
   * @example await client.messages('t1').versions('m1')
   */
  versions(messageId: string, options?: ReadOptions): Promise<MessageVersion[]>
  /** Adds the caller's reaction. @example await client.messages('t1').react('m1', '👍') */
  react(messageId: string, emoji: string, options?: RequestOptions): Promise<Message<TBody>>
  /** Removes the caller's reaction. @example await client.messages('t1').unreact('m1', '👍') */
  unreact(messageId: string, emoji: string, options?: RequestOptions): Promise<Message<TBody>>
  /**
   * Every message from the newest (or from before `before`) back to the first, newest first.
   * @example for await (const m of client.messages('t1').older()) console.log(m.id)
   */
  older(
    options?: MessageWalkOptions & { before?: string },
  ): AsyncGenerator<Message<TBody>, void, undefined>
  /**
   * Every message after `after` up to the newest, oldest first. Without `after` the walk
   * starts at the first message of the thread (found by first walking back).
   * @example for await (const m of client.messages('t1').newer({ after: lastSeenId })) show(m)
   */
  newer(
    options?: MessageWalkOptions & { after?: string },
  ): AsyncGenerator<Message<TBody>, void, undefined>
}

function listPage<TBody>(
  transport: Transport,
  threadId: string,
  query: MessagePageQuery,
  options?: RequestOptions,
) {
  const { limit, before, after, anchor, includeDeleted, includeEphemeral } = query
  return transport.request<MessagePage<TBody>>(
    {
      method: 'GET',
      path: messagesPath(threadId),
      query: {
        limit,
        before,
        after,
        anchor,
        include_deleted: includeDeleted,
        include_ephemeral: includeEphemeral,
      },
    },
    options,
  )
}

async function lastOf<T>(items: AsyncIterable<T>): Promise<T | undefined> {
  let last: T | undefined
  for await (const item of items) last = item
  return last
}

/**
 * Builds the `MessagesClient` of one thread over a transport; `onCreated` hears of each
 * successful create (the thread exists then).
 */
export function createMessagesClient<TBody = unknown>(
  transport: Transport,
  threadId: string,
  onCreated?: (threadId: string) => void,
): MessagesClient<TBody> {
  const one = (messageId: string) => messagePath(threadId, messageId)
  const unwrap = async (reply: Promise<MessageResponse>) => (await reply).message as Message<TBody>
  const list = (query: MessagePageQuery = {}, options?: RequestOptions) =>
    listPage<TBody>(transport, threadId, query, options)
  const pageOf =
    (options: MessageWalkOptions, cursor: 'before' | 'after') =>
    async (anchor: string | undefined) => {
      const page = await list(
        {
          limit: options.pageSize ?? 100,
          includeDeleted: options.includeDeleted,
          includeEphemeral: options.includeEphemeral,
          [cursor]: anchor,
        },
        options,
      )
      return { items: page.messages, pagination: page.pagination }
    }
  const reaction =
    (method: 'POST' | 'DELETE') => (messageId: string, emoji: string, options?: RequestOptions) =>
      unwrap(
        transport.request<MessageResponse>(
          { method, path: `${one(messageId)}/reactions`, body: { emoji }, idempotent: true },
          options,
        ),
      )

  const older = (options: MessageWalkOptions & { before?: string } = {}) =>
    walkPages('older', false, pageOf(options, 'before'), options.before)
  async function* newer(options: MessageWalkOptions & { after?: string } = {}) {
    let start = options.after
    if (start === undefined) {
      // The API has no oldest-first page, so the start is found by walking back in big pages.
      const first = await lastOf(older({ ...options, pageSize: 1000 }))
      if (first === undefined) return
      yield first
      start = first.id
    }
    yield* walkPages('newer', false, pageOf(options, 'after'), start)
  }

  const create: MessagesClient<TBody>['create'] = async (message, options) => {
    const created = await unwrap(
      transport.request<MessageResponse>(
        {
          method: 'POST',
          path: messagesPath(threadId),
          body: { ...message, id: message.id ?? newClientId('m') },
          idempotent: true,
        },
        options,
      ),
    )
    onCreated?.(threadId)
    return created
  }

  return {
    threadId,
    list,
    create,
    stream: (message = {}, options) =>
      openMessageStream(transport, threadId, message, create, options),
    get: (messageId, options = {}) =>
      unwrap(
        transport.request<MessageResponse>(
          {
            method: 'GET',
            path: one(messageId),
            query: { include_deleted: options.includeDeleted },
          },
          options,
        ),
      ),
    update: (messageId, patch, options) =>
      unwrap(
        transport.request<MessageResponse>(
          { method: 'PUT', path: one(messageId), body: patch },
          options,
        ),
      ),
    delete: (async (messageId: string, options: RequestOptions & { hard?: boolean } = {}) => {
      const reply = await transport.request<MessageResponse | undefined>(
        {
          method: 'DELETE',
          path: one(messageId),
          query: { hard: options.hard ? true : undefined },
        },
        options,
      )
      return reply?.message as Message<TBody> | undefined
    }) as MessagesClient<TBody>['delete'],
    restore: (messageId, options) =>
      unwrap(
        transport.request<MessageResponse>(
          { method: 'POST', path: `${one(messageId)}/restore` },
          options,
        ),
      ),
    versions: async (messageId, options = {}) =>
      (
        await transport.request<VersionListResponse>(
          {
            method: 'GET',
            path: `${one(messageId)}/versions`,
            query: { include_deleted: options.includeDeleted },
          },
          options,
        )
      ).versions,
    react: reaction('POST'),
    unreact: reaction('DELETE'),
    older,
    newer,
  }
}
