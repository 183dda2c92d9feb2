import {
  CreateThreadRequest,
  EventListResponse,
  ThreadListResponse,
  ThreadResponse,
  UpdateThreadRequest,
} from '@progressdb/protocol'
import { boolParam, enumParam, intParam, stringParam } from '../query-params.js'
import { sseReply, wantsStream } from '../../realtime/sse-route.js'
import { route, type Route } from '../route.js'
import { clientIdOf } from './idempotency.js'
import type { RouteDeps } from './route-deps.js'

const THREAD = '/frontend/v1/threads/:threadId'

export function threadRoutes(deps: RouteDeps): Route[] {
  const { chat } = deps
  return [
    route({
      method: 'GET',
      path: '/frontend/v1/threads',
      access: 'user',
      summary: "The caller's threads (owned or participating), newest first.",
      response: ThreadListResponse,
      query: {
        limit: 'page size (default 50, max 1000)',
        before: 'before_anchor of a page: older threads',
        after: 'after_anchor of a page: newer threads',
        sort_by: 'updated_ts (default) or created_ts',
        title: 'case-insensitive substring of the title',
        include_deleted: 'true to include soft-deleted threads',
      },
      handle: async ({ actor, query }) => ({
        status: 200,
        body: await chat.listThreads(actor, {
          limit: intParam(query, 'limit', 1),
          before: stringParam(query, 'before'),
          after: stringParam(query, 'after'),
          sortBy: enumParam(query, 'sort_by', ['updated_ts', 'created_ts'] as const, 'updated_ts'),
          title: stringParam(query, 'title'),
          includeDeleted: boolParam(query, 'include_deleted'),
        }),
      }),
    }),
    route<CreateThreadRequest | undefined>({
      method: 'POST',
      path: '/frontend/v1/threads',
      access: 'user',
      summary: 'Create a thread (201); an existing id the caller can read returns it (200).',
      body: CreateThreadRequest,
      // Every field is optional, so no body at all is `{}`.
      bodyOptional: true,
      response: ThreadResponse,
      successStatus: 201,
      alsoReplies: { 200: 'A thread with this id (or `Idempotency-Key`) exists and the caller can read it: that thread.' },
      handle: async ({ actor, body = {}, headers, durability }) => {
        const id = clientIdOf(body.id, headers)
        // `id` before the spread, as in the message create route.
        const { thread, created } = await chat.createThread(actor, { id, ...body }, { durability })
        return { status: created ? 201 : 200, body: { thread } }
      },
    }),
    route({
      method: 'GET',
      path: THREAD,
      access: 'user',
      summary: 'Read a thread, with the caller’s unread_count.',
      response: ThreadResponse,
      query: { include_deleted: 'true to read a soft-deleted thread' },
      handle: async ({ actor, params, query }) => ({
        status: 200,
        body: {
          thread: await chat.getThread(actor, params.threadId!, {
            includeDeleted: boolParam(query, 'include_deleted'),
          }),
        },
      }),
    }),
    ...(['PUT', 'PATCH'] as const).map((method) =>
      route<UpdateThreadRequest>({
        method,
        path: THREAD,
        access: 'user',
        summary: 'Update title and/or metadata (fields present replace, absent stay). Owner or backend.',
        body: UpdateThreadRequest,
        response: ThreadResponse,
        handle: async ({ actor, params, body, durability }) => ({
          status: 200,
          body: { thread: await chat.updateThread(actor, params.threadId!, body, { durability }) },
        }),
      }),
    ),
    route({
      method: 'DELETE',
      path: THREAD,
      access: 'user',
      summary: 'Soft-delete a thread (200 with the thread); `?hard=true` purges it (204). Owner or backend.',
      response: ThreadResponse,
      alsoReplies: { 204: '`?hard=true`: the thread and everything in it are gone.' },
      query: { hard: 'true to purge the thread and everything in it' },
      handle: async ({ actor, params, query, durability }) => {
        const hard = boolParam(query, 'hard')
        const thread = await chat.deleteThread(actor, params.threadId!, { durability, hard })
        return thread ? { status: 200, body: { thread } } : { status: 204 }
      },
    }),
    route({
      method: 'POST',
      path: `${THREAD}/restore`,
      access: 'user',
      summary: 'Undo a soft delete of a thread. Owner or backend.',
      response: ThreadResponse,
      handle: async ({ actor, params, durability }) => ({
        status: 200,
        body: { thread: await chat.restoreThread(actor, params.threadId!, { durability }) },
      }),
    }),
    route({
      method: 'GET',
      path: `${THREAD}/events`,
      access: 'user',
      summary:
        'The change log after `since`, oldest first; with `Accept: text/event-stream` or `?stream=1`, a live SSE stream (resumable with `Last-Event-ID`).',
      response: EventListResponse,
      query: {
        since: 'change number to continue after (default 0; a stream defaults to the newest change)',
        limit: 'max events (default and max 1000)',
        stream: '1 for a Server-Sent Events stream',
      },
      handle: async ({ actor, params, query, headers }) => {
        const since = intParam(query, 'since', 0)
        if (wantsStream(query, headers.accept)) return sseReply(deps, actor, params.threadId!, since, headers)
        return {
          status: 200,
          body: await chat.listChanges(actor, params.threadId!, { since: since ?? 0, limit: intParam(query, 'limit', 1) }),
        }
      },
    }),
  ]
}
