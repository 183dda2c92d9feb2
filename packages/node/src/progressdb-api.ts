import type {
  ChatBody,
  Message,
  MessagePage,
  MessagePageQuery,
  MessagePatch,
  MessageStream,
  NewMessage,
  NewStreamMessage,
  ProgressDBClient,
  ReadOptions,
  RequestOptions,
  ThreadListQuery,
} from '@progressdb/js'
import type {
  AddParticipantRequest,
  CreateThreadRequest,
  EventListResponse,
  MessageVersion,
  Participant,
  SignResponse,
  Thread,
  ThreadListResponse,
  UpdateThreadRequest,
} from '@progressdb/protocol'
import type { AdminClient } from './admin-client.js'
import type { UserArgs } from './user-args.js'

export type HardDeleteOptions = RequestOptions & { hard?: boolean }

/**
 * The backend client (`ProgressDB({ baseUrl, apiKey })`). Every user-scoped method acts as
 * the user whose id comes last; errors are `ProgressDBError`s from @progressdb/js.
 */
export interface ProgressDB extends AdminClient {
  /**
   * A @progressdb/js client acting as `userId`: page iterators, stores, live subscriptions
   * (over the `ws` package, credentials in headers), everything.
   * @example for await (const m of db.forUser('u1').messages('chat-1').older()) console.log(m.id)
   * @example
   * const bot = db.forUser('bot')
   * const sub = bot.subscribe('chat-1', { onEvents: (events) => events.forEach(reply) })
   */
  forUser(userId: string): ProgressDBClient
  /**
   * Signs a user id for a frontend client; `expiresInS` makes the signature expire.
   * @example const { signature } = await db.signUser('u1', { expiresInS: 3600 })
   */
  signUser(
    userId: string,
    options?: RequestOptions & { expiresInS?: number },
  ): Promise<SignResponse>

  /** @example const t = await db.createThread({ id: 'chat-1', title: 'Support' }, 'u1') */
  createThread(
    thread: CreateThreadRequest,
    userId: string,
    options?: RequestOptions,
  ): Promise<Thread>
  /** @example const { threads } = await db.listThreads({ limit: 20 }, 'u1') // or listThreads('u1') */
  listThreads(...args: UserArgs<ThreadListQuery>): Promise<ThreadListResponse>
  /** @example const t = await db.getThread('chat-1', 'u1') */
  getThread(threadId: string, userId: string, options?: ReadOptions): Promise<Thread>
  /** @example await db.updateThread('chat-1', { title: 'Renamed' }, 'u1') */
  updateThread(
    threadId: string,
    patch: UpdateThreadRequest,
    userId: string,
    options?: RequestOptions,
  ): Promise<Thread>
  /**
   * Soft delete → the thread; `{ hard: true }` purges it → undefined.
   * @example await db.deleteThread('chat-1', 'u1')
   */
  deleteThread(
    threadId: string,
    userId: string,
    options?: HardDeleteOptions,
  ): Promise<Thread | undefined>
  /** @example await db.restoreThread('chat-1', 'u1') */
  restoreThread(threadId: string, userId: string, options?: RequestOptions): Promise<Thread>

  /**
   * Creates a message, and the thread when it is new. A client id is generated when the
   * message has none, so a retried create never duplicates.
   * @example await db.createThreadMessage('chat-1', { body: { text: 'Hi' }, role: 'user' }, 'u1')
   */
  createThreadMessage<TBody = ChatBody>(
    threadId: string,
    message: NewMessage<TBody>,
    userId: string,
    options?: RequestOptions,
  ): Promise<Message<TBody>>
  /**
   * Starts a streamed message as `userId` (`status: 'streaming'`, body default `{ text: '' }`)
   * and returns its handle: `append`s are sent in call order without awaiting each, `finalize`
   * waits for them. The create is retried safely; appends and finalize are never retried.
   * @example
   * const s = await db.streamMessage('chat-1', { role: 'assistant' }, 'u1')
   * for await (const token of llm) s.append(token)
   * const message = await s.finalize() // or s.abort()
   */
  streamMessage<TBody = ChatBody>(
    threadId: string,
    message: NewStreamMessage<TBody>,
    userId: string,
    options?: RequestOptions,
  ): Promise<MessageStream<TBody>>
  /** @example const { messages, pagination } = await db.listThreadMessages('chat-1', { limit: 50 }, 'u1') */
  listThreadMessages<TBody = ChatBody>(
    threadId: string,
    ...args: UserArgs<MessagePageQuery>
  ): Promise<MessagePage<TBody>>
  /** @example const m = await db.getThreadMessage('chat-1', 'm1', 'u1') */
  getThreadMessage<TBody = ChatBody>(
    threadId: string,
    messageId: string,
    userId: string,
    options?: ReadOptions,
  ): Promise<Message<TBody>>
  /** @example await db.updateThreadMessage('chat-1', 'm1', { body: { text: 'edited' }, if_version: 1 }, 'u1') */
  updateThreadMessage<TBody = ChatBody>(
    threadId: string,
    messageId: string,
    patch: MessagePatch<TBody>,
    userId: string,
    options?: RequestOptions,
  ): Promise<Message<TBody>>
  /**
   * Soft delete → the message; `{ hard: true }` removes it with its versions → undefined.
   * @example await db.deleteThreadMessage('chat-1', 'm1', 'u1')
   */
  deleteThreadMessage<TBody = ChatBody>(
    threadId: string,
    messageId: string,
    userId: string,
    options?: HardDeleteOptions,
  ): Promise<Message<TBody> | undefined>
  /** @example await db.restoreThreadMessage('chat-1', 'm1', 'u1') */
  restoreThreadMessage<TBody = ChatBody>(
    threadId: string,
    messageId: string,
    userId: string,
    options?: RequestOptions,
  ): Promise<Message<TBody>>
  /**
   * Edit history, oldest first; a soft-deleted message's needs `{ includeDeleted: true }`.
   * @example const versions = await db.listMessageVersions('chat-1', 'm1', 'u1')
   */
  listMessageVersions(
    threadId: string,
    messageId: string,
    userId: string,
    options?: ReadOptions,
  ): Promise<MessageVersion[]>
  /** @example await db.addReaction('chat-1', 'm1', '👍', 'u1') */
  addReaction<TBody = ChatBody>(
    threadId: string,
    messageId: string,
    emoji: string,
    userId: string,
    options?: RequestOptions,
  ): Promise<Message<TBody>>
  /** @example await db.removeReaction('chat-1', 'm1', '👍', 'u1') */
  removeReaction<TBody = ChatBody>(
    threadId: string,
    messageId: string,
    emoji: string,
    userId: string,
    options?: RequestOptions,
  ): Promise<Message<TBody>>
  /** @example const people = await db.listParticipants('chat-1', 'u1') */
  listParticipants(
    threadId: string,
    userId: string,
    options?: RequestOptions,
  ): Promise<Participant[]>
  /** Adds someone or changes their role. @example await db.addParticipant('chat-1', { user_id: 'agent-7', role: 'member' }, 'u1') */
  addParticipant(
    threadId: string,
    participant: AddParticipantRequest,
    userId: string,
    options?: RequestOptions,
  ): Promise<Participant[]>
  /** @example await db.removeParticipant('chat-1', 'agent-7', 'u1') */
  removeParticipant(
    threadId: string,
    participantId: string,
    userId: string,
    options?: RequestOptions,
  ): Promise<Participant[]>
  /**
   * Moves `userId`'s read marker forward; returns the thread with their `unread_count`.
   * @example await db.markRead('chat-1', 'm42', 'u1')
   */
  markRead(
    threadId: string,
    messageId: string,
    userId: string,
    options?: RequestOptions,
  ): Promise<Thread>
  /** The change log after `since`. @example const { events, next_since } = await db.listEvents('chat-1', { since: 0 }, 'u1') */
  listEvents(
    threadId: string,
    ...args: UserArgs<{ since?: number; limit?: number }>
  ): Promise<EventListResponse>
}
