import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http'
import type { TSchema } from '@sinclair/typebox'
import type { Actor } from '../chat/actor.js'
import type { PresentedKey } from '../auth/key-ring.js'
import type { Durability } from '../store/chat-store.js'

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'

/** Who may call a route: nobody in particular, a user (frontend or backend key), a backend, an admin. */
export type RouteAccess = 'public' | 'user' | 'backend' | 'admin'

export interface RequestContext<B = unknown> {
  requestId: string
  params: Record<string, string>
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: B
  /** Set on `user` routes. */
  actor: Actor
  key: PresentedKey | undefined
  durability: Durability
}

export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8'

export interface Reply {
  status: number
  body?: unknown
  /** A pre-serialised body, sent as is (metrics; JSON assembled from stored texts). */
  raw?: { contentType: string; text: string | Buffer }
  headers?: Record<string, string>
  /** Takes the response over (a stream); the pipeline sends nothing itself. */
  stream?: (req: IncomingMessage, res: ServerResponse) => void
}

export interface Route<B = unknown> {
  method: HttpMethod
  /** `/frontend/v1/threads/:threadId`; params ending in `Id` are checked against the id rules. */
  path: string
  access: RouteAccess
  summary: string
  /** The JSON body schema; absent means the route reads no body. */
  body?: TSchema
  /** The body may be omitted (DELETE with an optional body). */
  bodyOptional?: boolean
  /** The success response schema, for the OpenAPI document. */
  response?: TSchema
  /** The success response's content type when it is not JSON (the body is then a string). */
  responseContentType?: string
  successStatus?: number
  /**
   * Other success statuses and when they happen (an idempotent replay's 200, a purge's 204), for
   * the OpenAPI document; each carries `response` except a 204.
   */
  alsoReplies?: Record<number, string>
  query?: Record<string, string>
  handle(req: RequestContext<B>): Promise<Reply> | Reply
}

/** Erases a route's body type so routes of different bodies fit one table. */
export function route<B>(def: Route<B>): Route {
  return def
}
