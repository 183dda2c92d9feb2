import {
  AppendRequest,
  CreateMessageRequest,
  FinalizeRequest,
  MessageListResponse,
  MessageResponse,
  ReactionRequest,
  UpdateMessageRequest,
  VersionListResponse,
} from '@progressdb/protocol'
import { boolParam, intParam, stringParam } from '../query-params.js'
import { JSON_CONTENT_TYPE, route, type Reply, type Route } from '../route.js'
import { clientIdOf } from './idempotency.js'
import type { RouteDeps } from './route-deps.js'

const MESSAGES = '/frontend/v1/threads/:threadId/messages'
const MESSAGES_OPEN = Buffer.from('{"messages":[')
const MESSAGE_OPEN = Buffer.from('{"message":')
const CLOSE = Buffer.from('}')
const MESSAGE = `${MESSAGES}/:messageId`
const COMMA = 0x2c

/**
 * `{"message": …}` from a message's wire JSON: after a write, the bytes the store was just given
 * (toWireJson), so the reply does not serialise the message again.
 */
function messageReply(status: number, json: Buffer): Reply {
  return { status, raw: { contentType: JSON_CONTENT_TYPE, text: joinJson(MESSAGE_OPEN, [{ json }], CLOSE) } }
}

/** `open`, the items' JSON separated by commas, then `close`: one buffer, each byte copied once. */
function joinJson(open: Buffer, items: readonly { json: Buffer }[], close: Buffer): Buffer {
  let size = open.length + close.length + Math.max(0, items.length - 1)
  for (const item of items) size += item.json.length
  const out = Buffer.allocUnsafe(size)
  out.set(open, 0)
  let at = open.length
  for (let i = 0; i < items.length; i++) {
    if (i > 0) out[at++] = COMMA
    out.set(items[i]!.json, at)
    at += items[i]!.json.length
  }
  out.set(close, at)
  return out
}

export function messageRoutes({ chat }: RouteDeps): Route[] {
  return [
    route({
      method: 'GET',
      path: MESSAGES,
      access: 'user',
      summary: 'A page of messages in chronological order (newest page first).',
      response: MessageListResponse,
      query: {
        limit: 'page size (default 50, max 1000)',
        before: 'a message id: the page of older messages',
        after: 'a message id: the page of newer messages',
        anchor: 'a message id: the messages around it',
        include_deleted: 'true to include soft-deleted messages',
        include_ephemeral: 'true to include ephemeral messages',
      },
      handle: async ({ actor, params, query }) => {
        const page = await chat.listMessages(actor, params.threadId!, {
          limit: intParam(query, 'limit', 1),
          before: stringParam(query, 'before'),
          after: stringParam(query, 'after'),
          anchor: stringParam(query, 'anchor'),
          includeDeleted: boolParam(query, 'include_deleted'),
          includeEphemeral: boolParam(query, 'include_ephemeral'),
        })
        // The stored messages are wire JSON already: spliced in, not parsed and re-serialised.
        const close = Buffer.from(`],"pagination":${JSON.stringify(page.pagination)}}`)
        return { status: 200, raw: { contentType: JSON_CONTENT_TYPE, text: joinJson(MESSAGES_OPEN, page.messages, close) } }
      },
    }),
    route<CreateMessageRequest>({
      method: 'POST',
      path: MESSAGES,
      access: 'user',
      summary: 'Create a message (201), creating the thread if new; a repeated client id returns the stored one (200).',
      body: CreateMessageRequest,
      response: MessageResponse,
      successStatus: 201,
      alsoReplies: { 200: 'A message with this client id (or `Idempotency-Key`) exists: the stored one.' },
      handle: async ({ actor, params, body, headers, durability }) => {
        const id = clientIdOf(body.id, headers)
        // `id` before the spread (the same value when the body has one): a spread copy that gains
        // a key survives scavenges on Node 20 (docs/performance.md, session 7).
        const { created, json } = await chat.createMessage(actor, params.threadId!, { id, ...body }, { durability })
        // { message } spliced around the message's wire JSON.
        return messageReply(created ? 201 : 200, json)
      },
    }),
    route({
      method: 'GET',
      path: MESSAGE,
      access: 'user',
      summary: 'Read one message.',
      response: MessageResponse,
      query: { include_deleted: 'true to read a soft-deleted message' },
      handle: async ({ actor, params, query }) => ({
        status: 200,
        body: {
          message: await chat.getMessage(actor, params.threadId!, params.messageId!, {
            includeDeleted: boolParam(query, 'include_deleted'),
          }),
        },
      }),
    }),
    ...(['PUT', 'PATCH'] as const).map((method) =>
      route<UpdateMessageRequest>({
        method,
        path: MESSAGE,
        access: 'user',
        summary: 'Edit body and/or metadata: a new version; `if_version` guards against lost updates (409).',
        body: UpdateMessageRequest,
        response: MessageResponse,
        handle: async ({ actor, params, body, durability }) =>
          messageReply(200, await chat.updateMessage(actor, params.threadId!, params.messageId!, body, { durability })),
      }),
    ),
    route({
      method: 'DELETE',
      path: MESSAGE,
      access: 'user',
      summary: 'Soft-delete a message (200); `?hard=true` removes it with its versions (204).',
      response: MessageResponse,
      alsoReplies: { 204: '`?hard=true`: the message and its versions are gone.' },
      query: { hard: 'true to remove the message for good' },
      handle: async ({ actor, params, query, durability }) => {
        const hard = boolParam(query, 'hard')
        const json = await chat.deleteMessage(actor, params.threadId!, params.messageId!, { durability, hard })
        return json ? messageReply(200, json) : { status: 204 }
      },
    }),
    route({
      method: 'POST',
      path: `${MESSAGE}/restore`,
      access: 'user',
      summary: 'Undo a soft delete.',
      response: MessageResponse,
      handle: async ({ actor, params, durability }) =>
        messageReply(200, await chat.restoreMessage(actor, params.threadId!, params.messageId!, { durability })),
    }),
    route<AppendRequest>({
      method: 'POST',
      path: `${MESSAGE}/append`,
      access: 'user',
      summary:
        'Grow a streaming message: exactly one of `{text}` (appended to the text), `{delta}` (merged; strings concatenate) or `{body}` (replaces). Not a version.',
      body: AppendRequest,
      response: MessageResponse,
      handle: async ({ actor, params, body, durability }) =>
        messageReply(200, await chat.appendToMessage(actor, params.threadId!, params.messageId!, body, { durability })),
    }),
    route<FinalizeRequest>({
      method: 'POST',
      path: `${MESSAGE}/finalize`,
      access: 'user',
      summary: 'Close a streaming message as `final` (default) or `aborted`, optionally with a final body: one new version.',
      body: FinalizeRequest,
      response: MessageResponse,
      handle: async ({ actor, params, body, durability }) =>
        messageReply(200, await chat.finalizeMessage(actor, params.threadId!, params.messageId!, body, { durability })),
    }),
    route({
      method: 'GET',
      path: `${MESSAGE}/versions`,
      access: 'user',
      summary: 'Edit history, oldest first; the last entry is the current version.',
      response: VersionListResponse,
      query: { include_deleted: 'true to read the history of a soft-deleted message' },
      handle: async ({ actor, params, query }) => ({
        status: 200,
        body: {
          versions: await chat.listVersions(actor, params.threadId!, params.messageId!, {
            includeDeleted: boolParam(query, 'include_deleted'),
          }),
        },
      }),
    }),
    ...([
      ['POST', true],
      ['DELETE', false],
    ] as const).map(([method, present]) =>
      route<ReactionRequest>({
        method,
        path: `${MESSAGE}/reactions`,
        access: 'user',
        summary: present ? "Add the caller's reaction `{emoji}`." : "Remove the caller's reaction `{emoji}`.",
        body: ReactionRequest,
        response: MessageResponse,
        handle: async ({ actor, params, body, durability }) =>
          messageReply(
            200,
            await chat.setReaction(actor, params.threadId!, params.messageId!, { emoji: body.emoji, present }, { durability }),
          ),
      }),
    ),
  ]
}
