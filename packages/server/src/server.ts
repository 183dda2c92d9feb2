import cluster from 'node:cluster'
import http from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { createKeyRing } from './auth/key-ring.js'
import { loadOrCreateDevKeys, type DevKeys } from './auth/dev-keys.js'
import { createSignatureCache } from './auth/signature-cache.js'
import { verifyUserSignature } from './auth/user-signature.js'
import { createChatService } from './chat/chat-service.js'
import { systemClock, type Clock } from './chat/clock.js'
import { createIdGenerator } from './chat/id-generator.js'
import type { Config } from './config/schema.js'
import type { AuthDeps } from './http/authenticate.js'
import { createRequestListener } from './http/http-app.js'
import { buildOpenApi } from './http/openapi.js'
import { parserError, writeRawError } from './http/raw-error-reply.js'
import { createRateLimiter } from './http/rate-limiter.js'
import { createRequestIds } from './http/request-ids.js'
import type { Route } from './http/route.js'
import { createRouter } from './http/router.js'
import { adminRoutes } from './http/routes/admin-routes.js'
import { backendRoutes } from './http/routes/backend-routes.js'
import { messageRoutes } from './http/routes/message-routes.js'
import { participantRoutes } from './http/routes/participant-routes.js'
import { publicRoutes } from './http/routes/public-routes.js'
import type { RouteDeps } from './http/routes/route-deps.js'
import { threadRoutes } from './http/routes/thread-routes.js'
import { webhookRoutes } from './http/routes/webhook-routes.js'
import { metricsRoutes } from './http/routes/metrics-routes.js'
import { createLogger, type Logger } from './logging/logger.js'
import { createMetricsExposition } from './metrics/cluster-metrics.js'
import { createServerMetrics } from './metrics/server-metrics.js'
import { createChangeHub, type ChangeHub } from './realtime/change-hub.js'
import { createClusterRelay } from './realtime/cluster-relay.js'
import { createPresenceHub, type PresenceHub } from './realtime/presence-hub.js'
import { createPresenceRelay } from './realtime/presence-relay.js'
import { withChangePublishing } from './realtime/publishing-store.js'
import { createSubscriptionRegistry } from './realtime/subscription-registry.js'
import { attachWebSocketGateway, webSocketRoute } from './realtime/ws-gateway.js'
import { openLmdbStore } from './store/lmdb/lmdb-store.js'
import { SERVER_VERSION } from './version.js'
import { openWebhooks } from './webhooks/open-webhooks.js'

export interface StartOptions {
  log?: Logger
  clock?: Clock
}

export interface RunningServer {
  url: string
  port: number
  /** Set when no keys were configured and development keys are in use. */
  devKeys: DevKeys | undefined
  /** Graceful: stop accepting, let in-flight requests finish (up to the grace period), flush, close. */
  close(): Promise<void>
}

/** At shutdown, how long no request may arrive before the kept-alive connections are closed. */
const SHUTDOWN_QUIET_MS = 100

/** Opens the store and serves the v1 API until `close()`. */
export async function startServer(config: Config, options: StartOptions = {}): Promise<RunningServer> {
  const log = options.log ?? createLogger(config.logging.level)
  const clock = options.clock ?? systemClock
  const hub: ChangeHub = createChangeHub(createClusterRelay(() => hub.deliver))
  const subscriptions = createSubscriptionRegistry()
  // `off` records nothing: no route, no sampling, no per-request figures.
  const metricsAccess = config.server.metrics
  const metrics = metricsAccess === 'off' ? undefined : { access: metricsAccess, ...createServerMetrics() }
  const presence: PresenceHub = createPresenceHub(
    config.realtime.typingTimeoutMs,
    createPresenceRelay(() => presence),
  )
  const store = await openLmdbStore({
    dataDir: config.storage.dataDir,
    // Workers of `--workers N` share the directory, so each writes LMDB directly.
    writes: cluster.isWorker ? 'direct' : 'journal',
    flushIntervalMs: config.storage.flushIntervalMs,
    journalSegmentBytes: config.storage.journalSegmentBytes,
    warn: (msg) => log.warn(msg),
    observer: metrics?.store,
  })
  // After the store has claimed the directory: a server refused there writes no dev keys into it.
  const { auth, devKeys } = resolveKeys(config)
  const webhooks = await openWebhooks({ settings: config.webhooks, store, clock, log })
  const chat = createChatService({
    store: withChangePublishing(webhooks.store, hub),
    clock,
    newId: createIdGenerator(clock),
    limits: config.limits,
  })

  let ready = false
  let shuttingDown = false
  const deps: RouteDeps = {
    chat,
    signingKeys: auth.signingKeys,
    signatureMaxTtlS: config.auth.signatureMaxTtlS,
    now: () => clock.now(),
    storeStats: () => store.stats(),
    runtimeStats: () => ({
      uptime_s: Math.round(process.uptime()),
      rss_bytes: process.memoryUsage.rss(),
      ...prefixed('webhooks_', webhooks.dispatcher.stats()),
    }),
    isReady: () => ready && !shuttingDown,
    version: SERVER_VERSION,
    realtime: { hub, subscriptions, presence, ...config.realtime },
  }
  const routes: Route[] = [
    ...publicRoutes(deps, () => openapi),
    ...threadRoutes(deps),
    webSocketRoute(),
    ...messageRoutes(deps),
    ...participantRoutes(deps),
    ...backendRoutes(deps),
    ...adminRoutes(deps),
    ...webhookRoutes(webhooks.admin),
    ...(metrics ? metricsRoutes(metrics.access, createMetricsExposition(() => metrics.registry.snapshot())) : []),
  ]
  const openapi = buildOpenApi(routes, SERVER_VERSION)
  const limiterClock = () => clock.now()
  const userLimiter = createRateLimiter({ perSecond: config.rateLimit.userPerSecond, burst: config.rateLimit.userBurst }, limiterClock)
  const keyLimiter = createRateLimiter({ perSecond: config.rateLimit.keyPerSecond, burst: config.rateLimit.keyBurst }, limiterClock)
  const sweep = setInterval(() => (userLimiter.sweep(), keyLimiter.sweep()), 10_000).unref()
  const idleMs = config.realtime.streamIdleAbortMs
  const idleStreams = setInterval(() => {
    chat.abortIdleStreams(idleMs).catch((error: unknown) => log.error('idle stream sweep failed', { err: error }))
  }, Math.min(30_000, Math.ceil(idleMs / 4))).unref()
  // Ephemeral messages are removed within about a second of expiring.
  const expiry = setInterval(() => {
    chat.expireEphemeralMessages().catch((error: unknown) => log.error('expiry sweep failed', { err: error }))
  }, 1000).unref()

  const inFlight = new Set<http.ServerResponse>()
  let lastArrival = 0
  const authDeps: AuthDeps = {
    keys: createKeyRing(auth),
    verifySignature: createSignatureCache(10_000, (user, signature, nowMs) =>
      verifyUserSignature(auth.signingKeys, user, signature, nowMs),
    ),
    now: () => clock.now(),
  }
  const nextRequestId = createRequestIds()
  const listener = createRequestListener({
    router: createRouter(routes),
    auth: authDeps,
    userLimiter,
    keyLimiter,
    corsOrigins: config.server.corsOrigins,
    bodyMaxBytes: config.limits.bodyMaxBytes,
    defaultDurability: config.storage.durability,
    log,
    isShuttingDown: () => shuttingDown,
    serverTiming: config.server.serverTiming,
    metrics: metrics?.http,
    nextRequestId,
  })
  const server = http.createServer({ keepAliveTimeout: 65_000, requestTimeout: 120_000 }, (req, res) => {
    inFlight.add(res)
    lastArrival = performance.now()
    res.on('close', () => inFlight.delete(res))
    listener(req, res)
  })
  const gateway = attachWebSocketGateway(server, deps, authDeps, log, nextRequestId)
  metrics?.collect({
    websocketConnections: () => gateway.connections(),
    sseStreams: () => subscriptions.count('sse'),
    subscriptions: () => subscriptions.count(),
    webhookDeliveries: () => webhooks.dispatcher.stats(),
  })
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (!socket.writable) return socket.destroy()
    const requestId = nextRequestId()
    writeRawError(socket, parserError(error.code), requestId)
    log.debug('client error', { request_id: requestId, code: error.code })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(config.server.port, config.server.host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  const host = config.server.host.includes(':') ? `[${config.server.host}]` : config.server.host
  const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`
  ready = true
  webhooks.dispatcher.start()
  log.info('listening', { url, data_dir: config.storage.dataDir, durability: config.storage.durability })

  let closing: Promise<void> | undefined
  const close = () =>
    (closing ??= (async () => {
      shuttingDown = true
      clearInterval(sweep)
      clearInterval(idleStreams)
      clearInterval(expiry)
      subscriptions.closeAll()
      gateway.close()
      // Kept-alive connections stay open until requests stop arriving on them for a moment: a
      // request already on its way then gets 503 SHUTTING_DOWN (with `Connection: close`), where
      // closing an idle connection under it would reset it, leaving its client unsure whether
      // the write happened. So listening stops through net.Server's close: http.Server's would
      // close every idle connection at once.
      const stopped = new Promise<void>((resolve) => net.Server.prototype.close.call(server, () => resolve()))
      lastArrival = Math.max(lastArrival, performance.now())
      const deadline = Date.now() + config.server.shutdownGraceMs
      const busy = () => inFlight.size > 0 || performance.now() - lastArrival < SHUTDOWN_QUIET_MS
      while (busy() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10))
      server.closeAllConnections()
      await stopped
      // http.Server's own close now, for its timers (nothing is left to close).
      server.close()
      await webhooks.dispatcher.stop(Math.max(0, deadline - Date.now()))
      await store.close()
      metrics?.stop()
      log.info('stopped', { url })
    })())
  return { url, port, devKeys, close }
}

function prefixed(prefix: string, values: object): Record<string, number> {
  return Object.fromEntries(Object.entries(values).map(([k, v]) => [prefix + k, Number(v)]))
}

function resolveKeys(config: Config): { auth: { backendKeys: readonly string[]; frontendKeys: readonly string[]; adminKeys: readonly string[]; signingKeys: readonly string[] }; devKeys: DevKeys | undefined } {
  const a = config.auth
  const none = [a.backendKeys, a.frontendKeys, a.adminKeys, a.signingKeys].every((l) => l.length === 0)
  if (!none) return { auth: a, devKeys: undefined }
  const { keys } = loadOrCreateDevKeys(config.storage.dataDir)
  return {
    auth: {
      backendKeys: [keys.backendKey],
      frontendKeys: [keys.frontendKey],
      adminKeys: [keys.adminKey],
      signingKeys: [keys.signingKey],
    },
    devKeys: keys,
  }
}
