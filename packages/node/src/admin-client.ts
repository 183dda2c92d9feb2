import {
  createTransport,
  type RequestOptions,
  type Transport,
  type TransportOptions,
} from '@progressdb/js'

/**
 * `GET /admin/health`. The protocol package has no schema for the admin routes yet, so these
 * two shapes follow docs/api.md.
 */
export interface AdminHealth {
  status: 'ok' | 'starting'
  version: string
  ready: boolean
}

/** `GET /admin/stats`: stored item counts and bytes on disk, and process figures. */
export interface AdminStats {
  store: Record<string, unknown>
  process: Record<string, unknown>
}

/** Admin calls; they need an admin key (`adminKey` or `PROGRESSDB_ADMIN_KEY`). */
export interface AdminClient {
  /**
   * Health with version and readiness.
   * @example const { ready, version } = await db.health()
   */
  health(options?: RequestOptions): Promise<AdminHealth>
  /**
   * Stored item counts, bytes on disk, process figures.
   * @example const { store } = await db.stats()
   */
  stats(options?: RequestOptions): Promise<AdminStats>
}

/** The admin transport is made on first use, so a missing admin key only fails admin calls. */
export function createAdminClient(
  http: Omit<TransportOptions, 'credentials'>,
  adminKey: () => string,
): AdminClient {
  let transport: Transport | undefined
  const admin = () =>
    (transport ??= createTransport({ ...http, credentials: { apiKey: adminKey() } }))
  return {
    health: async (options) =>
      admin().request<AdminHealth>({ method: 'GET', path: '/admin/health' }, options),
    stats: async (options) =>
      admin().request<AdminStats>({ method: 'GET', path: '/admin/stats' }, options),
  }
}
