import { AdminHealthResponse, AdminStatsResponse } from '@progressdb/protocol'
import { route, type Route } from '../route.js'
import type { RouteDeps } from './route-deps.js'

export function adminRoutes(deps: RouteDeps): Route[] {
  return [
    route({
      method: 'GET',
      path: '/admin/health',
      access: 'admin',
      summary: 'Health with version and readiness.',
      response: AdminHealthResponse,
      handle: () => ({
        status: 200,
        body: { status: deps.isReady() ? 'ok' : 'starting', version: deps.version, ready: deps.isReady() },
      }),
    }),
    route({
      method: 'GET',
      path: '/admin/stats',
      access: 'admin',
      summary: 'Counts of stored items, bytes on disk, and process figures.',
      response: AdminStatsResponse,
      handle: async () => ({
        status: 200,
        body: { store: await deps.storeStats(), process: deps.runtimeStats() },
      }),
    }),
  ]
}
