import { route, type Route } from '../route.js'

/** The Prometheus text exposition format's content type. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

/**
 * GET /metrics, with `server.metrics`'s access (`off` has no route, and records nothing:
 * server.ts); the exposition is this process's, or every worker's under `--workers`
 * (metrics/cluster-metrics.ts).
 */
export function metricsRoutes(
  access: 'public' | 'admin',
  exposition: () => Promise<string>,
): Route[] {
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
