export { createClient, type ClientOptions, type ProgressDBClient } from './client.js'
export type { Credentials } from './credentials.js'
export {
  ProgressDBError,
  isProgressDBError,
  type ClientErrorCode,
  type ProgressDBErrorCode,
  type ProgressDBErrorInit,
} from './errors.js'
export {
  createTransport,
  type HttpMethod,
  type QueryValue,
  type ReadOptions,
  type RequestOptions,
  type RequestSpec,
  type Transport,
  type TransportOptions,
} from './transport.js'
export { DEFAULT_RETRY, isUnknownOutcome, type RetryOptions } from './retry-policy.js'
export { newClientId } from './client-id.js'
export type { ChatBody, Message, MessagePage, MessagePatch, NewMessage } from './message-types.js'
export type { FinalizeMessage, MessageStream, NewStreamMessage } from './message-stream.js'
export type { MessagesClient, MessagePageQuery, MessageWalkOptions } from './messages-client.js'
export type {
  ThreadsClient,
  ThreadListQuery,
  ThreadSort,
  ThreadWalkOptions,
} from './threads-client.js'
export type { ParticipantsClient } from './participants-client.js'
export type { EventsClient, EventQuery } from './events-client.js'
export type {
  PresenceState,
  SubscribeOptions,
  SubscriptionStatus,
  ThreadSubscription,
} from './realtime/thread-channel.js'
export type {
  SubscribeThreadsOptions,
  ThreadListChange,
  ThreadListSubscription,
} from './realtime/thread-list-channel.js'
export type { Realtime, RealtimeClientOptions } from './realtime/realtime-client.js'
export type {
  ConnectionStatus,
  ConnectionStatusEvent,
  RealtimeOptions,
} from './realtime/realtime-connection.js'
export type { WebSocketConstructor, WebSocketLike } from './realtime/web-socket.js'
export type { ReadableStore } from './store/observable-state.js'
export {
  createMessagesStore,
  type MessagesSnapshot,
  type MessagesStore,
  type MessagesStoreOptions,
  type SendState,
  type StoreMessage,
} from './store/messages-store.js'
export {
  createThreadsStore,
  type ThreadsSnapshot,
  type ThreadsStore,
  type ThreadsStoreOptions,
} from './store/threads-store.js'
export {
  createPresenceStore,
  type PresenceSnapshot,
  type PresenceStore,
} from './store/presence-store.js'
export {
  createMessageStore,
  createThreadStore,
  type ItemSnapshot,
  type MessageStore,
  type ThreadStore,
} from './store/item-store.js'
/** The wire types, re-exported so apps need not depend on @progressdb/protocol directly. */
export type {
  AppendRequest,
  ChatEvent,
  CreateThreadRequest,
  FinalizeRequest,
  ErrorCode,
  EventListResponse,
  EventType,
  MessageVersion,
  Pagination,
  Participant,
  ParticipantRole,
  Thread,
  ThreadListResponse,
  UpdateThreadRequest,
} from '@progressdb/protocol'
