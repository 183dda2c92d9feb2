import type { RouteAccess } from '../route.js'
import { route, type Route } from '../route.js'

/** The Prometheus text exposition format's content type. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/**
 * GET /metrics (`server.metrics`: `public`, `admin`, or `off` for no route at all); the
 * exposition is this process's, or every worker's under `--workers` (metrics/cluster-metrics.ts).
 */
export function metricsRoutes(
  setting: 'public' | 'admin' | 'off',
  exposition: () => Promise<string>,
): Route[] {
  if (setting === 'off') return []
  const access: RouteAccess = setting
  return [
    route({
      method: 'GET',
      path: '/metrics',
      access,
      summary: 'Metrics in the Prometheus text format (docs/operations.md lists them).',
      responseContentType: PROMETHEUS_CONTENT_TYPE,
      handle: async () => ({
        status: 200,
        raw: { contentType: PROMETHEUS_CONTENT_TYPE, text: await exposition() },
      }),
    }),
  ]
}
