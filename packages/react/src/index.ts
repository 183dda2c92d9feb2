export { ProgressDBProvider, useProgressDB, type ProgressDBProviderProps } from './provider.js'
export { useMessages, type UseMessagesOptions, type UseMessagesResult } from './use-messages.js'
export { useThreads, type UseThreadsOptions, type UseThreadsResult } from './use-threads.js'
export { useMessage, useThread, type UseMessageResult, type UseThreadResult } from './use-item.js'
export { usePresence, useTyping, type UseTypingResult } from './use-presence.js'
export { useUnread } from './use-unread.js'
export {
  createClient,
  isProgressDBError,
  isUnknownOutcome,
  ProgressDBError,
  type ChatBody,
  type ClientOptions,
  type Message,
  type MessagePatch,
  type NewMessage,
  type ProgressDBClient,
  type SendState,
  type StoreMessage,
  type SubscriptionStatus,
  type Thread,
} from '@progressdb/js'
