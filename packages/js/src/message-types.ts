import type {
  CreateMessageRequest,
  Message as WireMessage,
  MessageListResponse,
  UpdateMessageRequest,
} from '@progressdb/protocol'

/**
 * A stored message (`Message` of @progressdb/protocol) whose `body` the application types.
 * The server accepts any JSON body, so `TBody` is the application's promise, not a check.
 */
export type Message<TBody = unknown> = Omit<WireMessage, 'body'> & { body: TBody }

/** What `create` takes: the wire request with a typed body; `id` is generated when absent. */
export type NewMessage<TBody = unknown> = Omit<CreateMessageRequest, 'body'> & { body: TBody }

/** What `update` takes: fields present replace; `if_version` guards against lost updates. */
export type MessagePatch<TBody = unknown> = Omit<UpdateMessageRequest, 'body'> & { body?: TBody }

/** One page of messages in chronological order, with its cursors. */
export type MessagePage<TBody = unknown> = Omit<MessageListResponse, 'messages'> & {
  messages: Message<TBody>[]
}

/**
 * The body shape of a typical chat message, the default of the stores and React hooks:
 * `{ text }` plus whatever else the application stores.
 */
export interface ChatBody {
  text?: string
  [key: string]: unknown
}
