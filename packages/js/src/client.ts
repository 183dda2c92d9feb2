import type { Thread, ThreadResponse } from '@progressdb/protocol'
import { threadPath } from './api-paths.js'
import type { Credentials } from './credentials.js'
import { createEventsClient, type EventsClient } from './events-client.js'
import type { MessageStream, NewStreamMessage } from './message-stream.js'
import { createMessagesClient, type MessagesClient } from './messages-client.js'
import { createParticipantsClient, type ParticipantsClient } from './participants-client.js'
import {
  createRealtimeClient,
  type Realtime,
  type RealtimeClientOptions,
} from './realtime/realtime-client.js'
import type { SubscribeOptions, ThreadSubscription } from './realtime/thread-channel.js'
import type {
  SubscribeThreadsOptions,
  ThreadListSubscription,
} from './realtime/thread-list-channel.js'
import type { WebSocketConstructor } from './realtime/web-socket.js'
import { createThreadCreatedSignal } from './thread-created-signal.js'
import { createThreadsClient, type ThreadsClient } from './threads-client.js'
import {
  createTransport,
  type RequestOptions,
  type Transport,
  type TransportOptions,
} from './transport.js'

/** `createClient` options: where the server is, who the client acts for, and HTTP behaviour. */
export type ClientOptions = Omit<TransportOptions, 'credentials'> &
  Exclude<Credentials, { apiKey: string }> & {
    /**
     * The WebSocket constructor for `subscribe`; defaults to the global one (browsers, React
     * Native, Node 22+). On Node 20 pass the `ws` package (@progressdb/node does).
     */
    WebSocket?: WebSocketConstructor
    /** Reconnect backoff, idle close and typing renewal of the live connection. */
    realtime?: Omit<RealtimeClientOptions, 'WebSocket'>
  }

/** A client acting for one user on the `/frontend/v1` routes. */
export interface ProgressDBClient {
  /** The user this client acts for. */
  readonly userId: string
  /** The caller's threads. */
  readonly threads: ThreadsClient
  /**
   * The messages of one thread; `TBody` types `message.body`.
   * @example const m = await client.messages<{ text: string }>('t1').create({ body: { text: 'hi' } })
   */
  messages<TBody = unknown>(threadId: string): MessagesClient<TBody>
  /**
   * Starts a streamed message (`status: 'streaming'`, body default `{ text: '' }`): the handle
   * sends `append`s in call order (no need to await each) and `finalize` waits for them.
   * The create is retried safely; appends and finalize are never retried automatically.
   * @example
   * const s = await client.streamMessage('t1', { role: 'assistant' })
   * for await (const token of llm) s.append(token)
   * const message = await s.finalize() // or s.abort()
   */
  streamMessage<TBody = unknown>(
    threadId: string,
    message?: NewStreamMessage<TBody>,
    options?: RequestOptions,
  ): Promise<MessageStream<TBody>>
  /** Who is in a thread. @example await client.participants('t1').add('bob') */
  participants(threadId: string): ParticipantsClient
  /** A thread's change log. @example const { events } = await client.events('t1').list() */
  events(threadId: string): EventsClient
  /**
   * Moves the caller's read marker forward to `messageId`; returns the thread with `unread_count`.
   * @example const { unread_count } = await client.markRead('t1', lastShown.id)
   */
  markRead(threadId: string, messageId: string, options?: RequestOptions): Promise<Thread>
  /**
   * Live changes of one thread over the client's one WebSocket (shared by every
   * subscription): events in change order, each exactly once, resumed from the last one
   * received after a reconnect (with backoff and jitter) or a `SUBSCRIBER_TOO_SLOW` close.
   * Also carries presence and typing.
   * @example
   * const sub = client.subscribe('t1', {
   *   onEvents: (events) => events.forEach(apply),
   *   onPresence: ({ users, typingUsers }) => render(users, typingUsers),
   * })
   * input.oninput = () => sub.setTyping(true)
   * sub.close()
   */
  subscribe(threadId: string, options?: SubscribeOptions): ThreadSubscription
  /**
   * Live changes of the caller's thread list on the same socket: summaries (with
   * `unread_count`) to upsert by id, and ids that left the list; resumed from the last
   * cursor after a reconnect.
   * @example
   * const sub = client.subscribeThreads({ onThreads: ({ threads, removed }) => update(threads, removed) })
   */
  subscribeThreads(options?: SubscribeThreadsOptions): ThreadListSubscription
  /**
   * Calls `listener(threadId)` after each create through this client succeeds: a thread
   * create, or a message create (`messages(t).create`, `streamMessage`), which creates its
   * thread when new. The stores use it to start over on a thread that did not exist yet.
   * @example const stop = client.onThreadCreated((threadId) => console.log('exists:', threadId))
   */
  onThreadCreated(listener: (threadId: string) => void): () => void
  /** The live connection: availability, status, `close()`. */
  readonly realtime: Realtime
  /** The HTTP layer, for routes not wrapped here. */
  readonly transport: Transport
}

/**
 * Creates a client for one user. In a browser or app use the publishable frontend key with
 * a signature from your backend; on a server you may use a backend key instead.
 *
 * @example
 * const client = createClient({
 *   baseUrl: 'https://db.example.com',
 *   frontendKey: 'pk_...',
 *   userId: 'alice',
 *   getUserSignature: async () => (await fetch('/api/progressdb-signature')).text(),
 * })
 * await client.messages('support-42').create({ body: { text: 'Hello' }, role: 'user' })
 */
export function createClient(options: ClientOptions): ProgressDBClient {
  const transport = createTransport({ ...options, credentials: options })
  const realtime = createRealtimeClient(transport, {
    ...options.realtime,
    WebSocket: options.WebSocket,
  })
  const created = createThreadCreatedSignal()
  const messages = <TBody = unknown>(threadId: string) =>
    createMessagesClient<TBody>(transport, threadId, created.emit)
  return {
    userId: transport.userId!,
    threads: createThreadsClient(transport, created.emit),
    messages,
    streamMessage: <TBody = unknown>(
      threadId: string,
      message?: NewStreamMessage<TBody>,
      options?: RequestOptions,
    ) => messages<TBody>(threadId).stream(message, options),
    participants: (threadId) => createParticipantsClient(transport, threadId),
    events: (threadId) => createEventsClient(transport, threadId),
    markRead: async (threadId, messageId, options) =>
      (
        await transport.request<ThreadResponse>(
          {
            method: 'POST',
            path: `${threadPath(threadId)}/read`,
            body: { message_id: messageId },
            idempotent: true,
          },
          options,
        )
      ).thread,
    subscribe: realtime.subscribe,
    subscribeThreads: realtime.subscribeThreads,
    onThreadCreated: created.listen,
    realtime: {
      available: realtime.available,
      get status() {
        return realtime.status
      },
      onStatus: realtime.onStatus,
      close: realtime.close,
    },
    transport,
  }
}
