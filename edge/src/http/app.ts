import type { Server as NodeHttpServer } from 'node:http'
import { serve } from '@hono/node-server'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import { matchedRoutes } from 'hono/route'
import type { BranchId } from '@kqms/shared/domain'
import type { Logger } from 'pino'
import { createDeviceRegistry } from '../usecases/device-registry.js'
import { createSpeech } from '../audio/speech.js'
import { adminRoutes } from './admin.routes.js'
import type { AppEnv } from './app-env.js'
import { loadSession } from './auth/auth.middleware.js'
import { authRoutes } from './auth/auth.routes.js'
import { createLoginThrottle } from '@kqms/server-kit/login-throttle'
import { counterRoutes } from './counter.routes.js'
import { deviceRoutes } from './device.routes.js'
import { audioRoutes } from './audio.routes.js'
import { handleError, handleNotFound, payloadTooLarge } from './errors.js'
import type { HttpDeps } from './http-deps.js'
import { liveRoutes } from './live.routes.js'
import type { Metrics } from './metrics.js'
import { createRouter, registerSecurityScheme } from './openapi.js'
import { docsRoutes, operationsRoutes } from './operations.routes.js'
import { printRoutes } from './print.routes.js'
import { appointmentRoutes } from './appointment.routes.js'
import { publicRoutes } from './public.routes.js'
import { ticketRoutes } from './ticket.routes.js'
import { uiRoutes } from './ui.routes.js'

export type { HttpConfig, HttpDeps } from './http-deps.js'
export { DEFAULT_HTTP_CONFIG } from './http-deps.js'
export { createMetrics, type Metrics } from './metrics.js'
export { createUser } from './auth/users.js'

const OPENAPI_PATH = '/api/openapi.json'

/** Fields that never reach a log line: customers' phones, staff secrets, tokens. */
export const REDACTED_LOG_PATHS = [
  'phone',
  '*.phone',
  'password',
  '*.password',
  'pin',
  '*.pin',
  'secret',
  '*.secret',
  'secretHash',
  '*.secretHash',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'headers.cookie',
  '*.headers.cookie',
]

/** Route pattern of the handler that answered (not the raw path: bounded metric labels). */
function routeOf(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const handlers = matchedRoutes(c).filter((r) => r.method !== 'ALL')
  return handlers.at(-1)?.path ?? 'unmatched'
}

/** Request id, a child logger carrying it, one log line and one histogram sample per request. */
function requestLog(input: { log: Logger; metrics: Metrics }): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now()
    c.set('log', input.log.child({ requestId: c.var.requestId }))
    c.set('session', undefined)
    await next()
    const durationMs = performance.now() - started
    const route = routeOf(c)
    const status = c.res.status
    input.metrics.observeHttpRequest({ method: c.req.method, route, status }, durationMs / 1000)
    const line = {
      method: c.req.method,
      route,
      status,
      durationMs: Math.round(durationMs * 10) / 10,
    }
    // A 5xx's error was logged once by `handleError`; this line is the access record only.
    if (status >= 400 || c.req.method !== 'GET') c.var.log.info(line, 'request completed')
    else c.var.log.debug(line, 'request completed')
  }
}

const JSON_MEDIA_TYPE = /^application\/([a-z0-9.-]+\+)?json\s*(;|$)/i

/**
 * A JSON request without a body (or only whitespace) reads as `{}`: actions without parameters
 * may be sent bare, and a required body then fails as "field missing", not "malformed JSON".
 */
const emptyJsonBodyAsObject: MiddlewareHandler<AppEnv> = async (c, next) => {
  const method = c.req.method
  if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return next()
  if (!JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '')) return next()
  const raw = c.req.raw
  const text = raw.body === null ? '' : await raw.clone().text()
  if (text.trim() === '') c.req.raw = new Request(raw, { body: '{}' })
  return next()
}

/**
 * The appliance's HTTP API (ARCHITECTURE.md §3.3): public kiosk and status routes, staff auth,
 * counter and ticket actions, administration, operations, OpenAPI and its browsable UI.
 */
/** The HTTP layer's logger: `module: 'http'`, with personal data and secrets redacted. */
export function createHttpLogger(log: Logger): Logger {
  return log.child(
    { module: 'http' },
    { redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } },
  )
}

export function createHttpApp(deps: HttpDeps) {
  const log = createHttpLogger(deps.log)
  const throttle = createLoginThrottle({ clock: deps.clock })
  deps.metrics.track(deps)
  const sessionDeps = { ...deps, sessionTtlMinutes: deps.config.sessionTtlMinutes }
  const devices =
    deps.devices ??
    createDeviceRegistry({
      database: deps.db,
      clock: deps.clock,
      log: deps.log,
      runtime: deps.runtime,
      branchId: (deps.runtime.state().branch?.id ?? 'unconfigured') as BranchId,
    })

  const app = createRouter()
  registerSecurityScheme(app)
  app.onError(handleError)
  app.notFound(handleNotFound)
  app.use('*', requestId())
  app.use('*', requestLog({ log, metrics: deps.metrics }))
  app.use(
    '/api/*',
    bodyLimit({
      maxSize: deps.config.maxBodyBytes,
      onError: () => payloadTooLarge(deps.config.maxBodyBytes),
    }),
  )
  app.use('/api/*', emptyJsonBodyAsObject)
  app.use(
    '/api/*',
    loadSession({
      ...sessionDeps,
      devices: {
        registry: devices,
        throttle: createLoginThrottle({
          clock: deps.clock,
          maxFailures: 10,
          windowMs: 15 * 60_000,
        }),
      },
    }),
  )

  const api = app
    .route('/', operationsRoutes(deps))
    .route('/', publicRoutes(deps))
    .route('/', authRoutes(deps, throttle))
    .route('/', counterRoutes(deps))
    .route('/', ticketRoutes(deps))
    .route('/', liveRoutes(deps))
    .route('/', adminRoutes(deps))
    .route('/', deviceRoutes({ ...deps, devices }))
    .route('/', printRoutes(deps))
    .route('/', appointmentRoutes(deps))
  api.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: {
      title: 'KQMS branch appliance API',
      version: '1.0.0',
      description:
        'Queue management for a bank branch. Errors are `{ error: { code, message } }` with a 4xx ' +
        'status. Mutating routes accept an `Idempotency-Key` header: a repeat returns the first result.',
    },
    tags: [
      { name: 'public', description: 'Kiosk, hall display and customer status page' },
      { name: 'auth', description: 'Staff sign-in' },
      { name: 'counters', description: 'Operator actions at a counter' },
      { name: 'tickets', description: 'Ticket actions not tied to a counter' },
      { name: 'admin', description: 'Branch configuration and staff accounts' },
      { name: 'devices', description: 'Device registry: pairing, health, revocation' },
      { name: 'operations', description: 'Health and metrics' },
    ],
  })
  api.route('/', docsRoutes({ openApiPath: OPENAPI_PATH }))
  // Media and pages for the web apps: outside the OpenAPI document (not JSON API routes).
  api.route('/', audioRoutes({ speech: deps.speech ?? createSpeech({}) }))
  api.route('/', uiRoutes({ distDir: deps.uiDistDir }))
  return api
}

/** The typed app, for `hc<EdgeApi>` clients in the web apps. */
export type EdgeApi = ReturnType<typeof createHttpApp>

export interface HttpServer {
  readonly port: number
  readonly url: string
  /** The Node server, e.g. to serve MQTT over WebSocket on its `upgrade` event. */
  readonly server: NodeHttpServer
  stop(): Promise<void>
}

/** Serves the app on `host:port` (port 0: any free port). */
export function startHttpServer(input: {
  app: Pick<OpenAPIHono<AppEnv>, 'fetch'>
  port: number
  host: string
}): Promise<HttpServer> {
  return new Promise((resolve, reject) => {
    const server = serve(
      { fetch: input.app.fetch, port: input.port, hostname: input.host },
      (info) => {
        const host = info.family === 'IPv6' ? `[${info.address}]` : info.address
        resolve({
          server: server as NodeHttpServer,
          port: info.port,
          url: `http://${host}:${info.port}`,
          stop: () =>
            new Promise<void>((done, fail) => {
              server.close((error) => (error ? fail(error) : done()))
              if ('closeAllConnections' in server) server.closeAllConnections()
            }),
        })
      },
    )
    server.once('error', reject)
  })
}
