import type { Server as NodeHttpServer } from 'node:http'
import { serve } from '@hono/node-server'
import type { OpenAPIHono } from '@hono/zod-openapi'
import type { MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { requestId } from 'hono/request-id'
import { matchedRoutes } from 'hono/route'
import type { Logger } from 'pino'
import type { CloudDeps } from '../usecases/ports.js'
import { adminRoutes } from './admin.routes.js'
import type { AppEnv } from './app-env.js'
import { loadStaff } from './auth/access.js'
import { createLoginThrottle, type LoginThrottle } from '@kqms/server-kit/login-throttle'
import { consoleRoutes } from './console.routes.js'
import { handleError, handleNotFound, HttpError, payloadTooLarge } from './errors.js'
import { createRouter, registerSecurityScheme } from './openapi.js'
import { docsRoutes, operationsRoutes } from './operations.routes.js'
import { publicRoutes } from './public.routes.js'

export const OPENAPI_PATH = '/api/openapi.json'

export interface HttpAppDeps extends CloudDeps {
  readonly driver: 'pglite' | 'postgres'
  readonly sessionTtlMinutes: number
  readonly maxBodyBytes: number
  readonly consoleDir: string
  /** Defaults to an in-memory throttle on the deps' clock. */
  readonly throttle?: LoginThrottle
}

/** Fields that never reach a log line: customers' phones, staff secrets, tokens. */
export const REDACTED_LOG_PATHS = [
  'phone',
  '*.phone',
  'password',
  '*.password',
  'code',
  '*.code',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
]

function routeOf(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string {
  const handlers = matchedRoutes(c).filter((r) => r.method !== 'ALL')
  return handlers.at(-1)?.path ?? 'unmatched'
}

function requestLog(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now()
    c.set('log', log.child({ requestId: c.var.requestId }))
    c.set('staff', undefined)
    await next()
    const line = {
      method: c.req.method,
      route: routeOf(c),
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    }
    if (c.res.status >= 400 || c.req.method !== 'GET') c.var.log.info(line, 'request completed')
    else c.var.log.debug(line, 'request completed')
  }
}

const JSON_MEDIA_TYPE = /^application\/([a-z0-9.-]+\+)?json\s*(;|$)/i

const NUL = String.fromCharCode(0)
const hasNulInUrl = (url: string): boolean => url.includes(NUL) || /%00/i.test(url)
const hasNulInJson = (text: string): boolean => text.includes(NUL) || text.includes('\\u0000')

function refuseNul(where: string): never {
  throw new HttpError(
    'VALIDATION_FAILED',
    `Invalid request: ${where}: NUL characters are not allowed`,
  )
}

/**
 * Before any route: NUL characters (which PostgreSQL text cannot hold) are refused with a 400,
 * and a JSON request without a body reads as `{}` (a required body then fails as "field missing").
 */
const guardRequest: MiddlewareHandler<AppEnv> = async (c, next) => {
  if (hasNulInUrl(c.req.url)) refuseNul('url')
  const method = c.req.method
  if (method !== 'POST' && method !== 'PUT' && method !== 'PATCH') return next()
  if (!JSON_MEDIA_TYPE.test(c.req.header('content-type') ?? '')) return next()
  const raw = c.req.raw
  const text = raw.body === null ? '' : await raw.clone().text()
  if (hasNulInJson(text)) refuseNul('body')
  if (text.trim() === '') c.req.raw = new Request(raw, { body: '{}' })
  return next()
}

/**
 * The cloud's HTTP API (ARCHITECTURE.md §4): the public API of the mobile app and web portal
 * (`/api/v1/…`), the administration API of the console (`/api/admin/…`), OpenAPI and its UI, and
 * the console's static files.
 */
export function createHttpApp(deps: HttpAppDeps) {
  const log = deps.log.child(
    { module: 'http' },
    { redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' } },
  )
  const throttle = deps.throttle ?? createLoginThrottle({ clock: deps.clock })
  const authDeps = { ...deps, throttle }

  const app = createRouter()
  registerSecurityScheme(app)
  app.onError(handleError)
  app.notFound(handleNotFound)
  app.use('*', requestId())
  app.use('*', requestLog(log))
  app.use(
    '/api/*',
    bodyLimit({ maxSize: deps.maxBodyBytes, onError: () => payloadTooLarge(deps.maxBodyBytes) }),
  )
  app.use('/api/*', guardRequest)
  app.use('/api/admin/*', loadStaff(authDeps))

  const api = app
    .route('/', operationsRoutes(deps))
    .route('/', publicRoutes(deps))
    .route('/', adminRoutes(authDeps))
  api.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: {
      title: 'KQMS cloud API',
      version: '1.0.0',
      description:
        'Branches, appointments, remote join and the central administration of KQMS. Errors are ' +
        '`{ error: { code, message } }` with a 4xx status (503 `BRANCH_UNREACHABLE` adds ' +
        '`alternatives`).',
    },
    tags: [
      { name: 'public', description: 'Branch finder, queues, remote join, status' },
      { name: 'customer', description: 'Customer sign-in with a one-time SMS code' },
      { name: 'appointments', description: 'Slots, booking, reschedule, cancel, QR keys' },
      { name: 'admin-auth', description: 'Staff sign-in (password, then TOTP for administrators)' },
      { name: 'admin', description: 'Central administration' },
      { name: 'operations', description: 'Health' },
    ],
  })
  api.route('/', docsRoutes({ openApiPath: OPENAPI_PATH }))
  api.route('/', consoleRoutes({ consoleDir: deps.consoleDir }))
  return api
}

export type CloudApi = ReturnType<typeof createHttpApp>

export interface HttpServer {
  readonly port: number
  readonly url: string
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
          port: info.port,
          url: `http://${host}:${info.port}`,
          stop: () =>
            new Promise<void>((done, fail) => {
              const node = server as NodeHttpServer
              node.close((error) => (error ? fail(error) : done()))
              node.closeAllConnections()
            }),
        })
      },
    )
    server.once('error', reject)
  })
}
