import { HealthResponse, OpenApiDocument, ReadinessResponse } from '@progressdb/protocol'
import { route, type Route } from '../route.js'
import type { RouteDeps } from './route-deps.js'

export function publicRoutes(deps: RouteDeps, openapi: () => unknown): Route[] {
  return [
    route({
      method: 'GET',
      path: '/healthz',
      access: 'public',
      summary: 'Liveness: the process answers.',
      response: HealthResponse,
      handle: () => ({ status: 200, body: { status: 'ok' } }),
    }),
    route({
      method: 'GET',
      path: '/readyz',
      access: 'public',
      summary: 'Readiness: 200 once the store is open and the server can serve, 503 while starting or stopping.',
      response: ReadinessResponse,
      alsoReplies: { 503: 'Starting or stopping: `{"status": "not ready"}`.' },
      handle: () =>
        deps.isReady()
          ? { status: 200, body: { status: 'ready' } }
          : { status: 503, body: { status: 'not ready' } },
    }),
    route({
      method: 'GET',
      path: '/openapi.json',
      access: 'public',
      summary: 'This API as an OpenAPI 3.1 document.',
      response: OpenApiDocument,
      handle: () => ({ status: 200, body: openapi() }),
    }),
  ]
}
