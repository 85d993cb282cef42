import { count } from 'drizzle-orm'
import type { Logger } from 'pino'
import type { CloudConfig } from './config.js'
import { openDatabase, type CloudDatabase } from './db/open-database.js'
import { staffUsers } from './db/schema.js'
import { seedDemo } from './demo.js'
import { createHttpApp, startHttpServer, type HttpServer } from './http/app.js'
import {
  createLogAdapter,
  createWebhookAdapter,
  type NotificationAdapter,
} from './notify/adapters.js'
import { renderNotification, type NotificationInput } from './notify/templates.js'
import { startOutboxWorker, type OutboxWorker, type RenderMessage } from './notify/worker.js'
import { loadSigningKey } from './signing-keys.js'
import { systemClock, type Clock, type CloudDeps } from './usecases/ports.js'
import { createUser } from './usecases/staff-auth.js'

export interface StartCloudDeps {
  readonly config: CloudConfig
  readonly log: Logger
  readonly clock?: Clock
  /** Providers per channel; default: the log adapter, and signed HTTP for webhooks. */
  readonly adapters?: Partial<Record<'sms' | 'push' | 'email' | 'webhook', NotificationAdapter>>
  /** An already open database (tests, benchmarks); otherwise opened from `config.database`. */
  readonly database?: CloudDatabase
  /** `false` keeps the outbox worker off (tests drive it themselves). */
  readonly outboxWorker?: boolean
}

export interface RunningCloud extends AsyncDisposable {
  readonly url: string
  readonly port: number
  readonly deps: CloudDeps
  readonly app: ReturnType<typeof createHttpApp>
  readonly database: CloudDatabase
  stop(): Promise<void>
}

/** Renders stored outbox data; the templates validate it per kind. */
export const renderStoredMessage: RenderMessage = (input) =>
  renderNotification(input as NotificationInput)

/**
 * Starts the cloud service: database (migrated), signing key, demo seed or bootstrap admin,
 * notification worker and HTTP. `stop()` undoes it in reverse, closing PGlite last.
 */
export async function startCloud(deps: StartCloudDeps): Promise<RunningCloud> {
  const { config } = deps
  const log = deps.log
  const clock = deps.clock ?? systemClock
  const database = deps.database ?? (await openDatabase(config.database))
  const stops: { name: string; stop: () => Promise<void> }[] = []
  if (!deps.database) stops.push({ name: 'database', stop: () => database.close() })
  const stopAll = async (): Promise<void> => {
    for (const { name, stop } of stops.splice(0).reverse()) {
      try {
        await stop()
      } catch (error) {
        log.error({ err: error, part: name }, 'stop failed')
      }
    }
  }
  try {
    const signingKey = await loadSigningKey({
      keysDir: config.keysDir,
      db: database.db,
      now: clock.now(),
    })
    const cloudDeps: CloudDeps = {
      db: database.db,
      clock,
      log,
      signingKey,
      settings: {
        branchReachableMinutes: config.branchReachableMinutes,
        reminderHours: config.reminderHours,
        publicBaseUrl: config.http.publicBaseUrl,
      },
    }
    if (config.demo) await seedDemo(cloudDeps)
    if (config.bootstrapAdmin) {
      const [row] = await database.db.select({ n: count() }).from(staffUsers)
      if ((row?.n ?? 0) === 0) {
        await createUser(cloudDeps, {
          actor: null,
          user: {
            email: config.bootstrapAdmin.email,
            password: config.bootstrapAdmin.password,
            displayName: 'Administrator',
            role: 'central-admin',
            branchIds: [],
          },
        })
        log.info('bootstrap administrator created; enrol TOTP at first sign-in')
      }
    }
    const logAdapter = createLogAdapter(log)
    const adapters = {
      sms: deps.adapters?.sms ?? logAdapter,
      push: deps.adapters?.push ?? logAdapter,
      email: deps.adapters?.email ?? logAdapter,
      webhook: deps.adapters?.webhook ?? createWebhookAdapter({}),
    }
    if (deps.outboxWorker !== false) {
      const worker: OutboxWorker = startOutboxWorker({
        db: database.db,
        clock,
        log,
        render: renderStoredMessage,
        adapters,
        pollMs: config.outboxPollMs,
      })
      stops.push({ name: 'outbox worker', stop: () => worker.stop() })
    }
    const app = createHttpApp({
      ...cloudDeps,
      driver: database.driver,
      sessionTtlMinutes: config.http.sessionTtlMinutes,
      maxBodyBytes: config.http.maxBodyBytes,
      consoleDir: config.consoleDir,
    })
    const server: HttpServer = await startHttpServer({
      app,
      port: config.http.port,
      host: config.http.host,
    })
    stops.push({ name: 'http', stop: () => server.stop() })
    log.info({ url: server.url, driver: database.driver }, 'http listening')
    return {
      url: server.url,
      port: server.port,
      deps: cloudDeps,
      app,
      database,
      stop: stopAll,
      [Symbol.asyncDispose]: stopAll,
    }
  } catch (error) {
    await stopAll()
    throw error
  }
}
