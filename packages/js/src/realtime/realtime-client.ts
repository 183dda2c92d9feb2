import type { Transport } from '../transport.js'
import {
  createRealtimeConnection,
  type ConnectionStatus,
  type ConnectionStatusEvent,
  type RealtimeConnection,
  type RealtimeOptions,
} from './realtime-connection.js'
import {
  createThreadChannel,
  type SubscribeOptions,
  type ThreadChannel,
  type ThreadSubscription,
} from './thread-channel.js'
import {
  createThreadListChannel,
  type SubscribeThreadsOptions,
  type ThreadListChannel,
  type ThreadListSubscription,
} from './thread-list-channel.js'
import { resolveWebSocket } from './web-socket.js'

export interface RealtimeClientOptions extends RealtimeOptions {
  /** How often a continuing "typing" is sent again. Default 3000 (the server's lapse is 5000). */
  typingRenewMs?: number
}

/** The client's live side: `client.realtime`. */
export interface Realtime {
  /** False when there is no WebSocket here (Node 20 without the `WebSocket` option). */
  readonly available: boolean
  readonly status: ConnectionStatus
  /** @example client.realtime.onStatus(({ status }) => setOnline(status === 'open')) */
  onStatus: (listener: (event: ConnectionStatusEvent) => void) => () => void
  /** Ends every subscription and closes the socket; a later subscribe connects again. */
  close: () => void
}

export interface RealtimeClient extends Realtime {
  subscribe: (threadId: string, options?: SubscribeOptions) => ThreadSubscription
  subscribeThreads: (options?: SubscribeThreadsOptions) => ThreadListSubscription
  /** The shared connection, created on first use. */
  connection: () => RealtimeConnection
}

const unavailable = () =>
  new TypeError(
    'ProgressDB: no WebSocket here; pass createClient({ WebSocket }) (e.g. the `ws` package on Node 20).',
  )

/** Builds `client.subscribe` and `client.realtime` over one lazily created connection. */
export function createRealtimeClient(
  transport: Transport,
  options: RealtimeClientOptions,
): RealtimeClient {
  const WebSocketImpl = resolveWebSocket(options.WebSocket)
  const channels = new Map<string, ThreadChannel>()
  let threadList: ThreadListChannel | undefined
  let connection: RealtimeConnection | undefined
  const getConnection = () => {
    if (!WebSocketImpl) throw unavailable()
    connection ??= createRealtimeConnection(transport, WebSocketImpl, options)
    return connection
  }
  return {
    available: WebSocketImpl !== undefined,
    get status() {
      return connection?.status ?? 'idle'
    },
    onStatus: (listener) => getConnection().onStatus(listener),
    close: () => connection?.close(),
    connection: getConnection,
    subscribe(threadId, subscribe = {}) {
      let channel = channels.get(threadId)
      if (!channel) {
        const created = createThreadChannel(threadId, getConnection(), {
          typingRenewMs: options.typingRenewMs,
          onEmpty: () => {
            if (channels.get(threadId) === created) channels.delete(threadId)
          },
        })
        channels.set(threadId, (channel = created))
      }
      return channel.join(subscribe)
    },
    subscribeThreads(subscribe = {}) {
      if (!threadList) {
        const created = createThreadListChannel(getConnection(), () => {
          if (threadList === created) threadList = undefined
        })
        threadList = created
      }
      return threadList.join(subscribe)
    },
  }
}
