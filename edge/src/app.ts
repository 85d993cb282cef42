import type { Instant } from '@kqms/shared/domain'
import { isDomainError } from '@kqms/shared/errors'
import type { Logger } from 'pino'
import { v7 as uuidv7 } from 'uuid'
import type { EdgeConfig } from './config.js'
import { DEMO_USERS, demoCommands } from './demo-branch.js'
import { openDatabase } from './db/open-database.js'
import { findUserByLogin } from './db/user.store.js'
import { createHttpApp, startHttpServer } from './http/app.js'
import { createUser } from './http/auth/users.js'
import { createMetrics } from './http/metrics.js'
import { startHousekeeping } from './usecases/housekeeping.js'
import type { Clock, IdSource, QueueRuntime } from './usecases/ports.js'
import { startQueueRuntime } from './usecases/queue-runtime.js'

export const systemClock: Clock = { now: () => Date.now() as Instant }
export const uuidSource: IdSource = { uuid: () => uuidv7() }

export interface Edge extends AsyncDisposable {
  readonly url: string
  readonly port: number
  readonly runtime: QueueRuntime
  stop(): Promise<void>
}

/**
 * Brings the appliance up: database (migrated) → queue runtime (state restored from events) →
 * demo seed → HTTP → timers. `stop()` takes them down in reverse, each step isolated.
 */
export async function startEdge(deps: {
  config: EdgeConfig
  log: Logger
  clock?: Clock
  ids?: IdSource
}): Promise<Edge> {
  const { config, log } = deps
  const clock = deps.clock ?? systemClock
  const ids = deps.ids ?? uuidSource
  const database = openDatabase({ path: config.databasePath })
  log.info({ path: config.databasePath }, 'database open')
  const runtime = startQueueRuntime({
    db: database,
    clock,
    ids,
    log: log.child({ module: 'queue' }),
    nodeId: config.nodeId,
    snapshotEvery: config.snapshotEvery,
  })
  const useCaseDeps = { clock, ids, log, runtime }
  if (config.demo) await seedDemo({ ...useCaseDeps, database, branchId: config.branchId })
  const metrics = createMetrics({ runtime, clock })
  const app = createHttpApp({ ...useCaseDeps, db: database, metrics, config: config.http })
  const server = await startHttpServer({ app, port: config.http.port, host: config.http.host })
  const housekeeping = startHousekeeping(useCaseDeps, {
    dayCloseAt: config.dayCloseAt,
    everyMs: 15_000,
  })
  log.info({ url: server.url, port: server.port, branchId: config.branchId }, 'http listening')

  const stop = async () => {
    const steps: [string, () => unknown][] = [
      ['housekeeping', () => housekeeping.stop()],
      ['http', () => server.stop()],
      ['queue', () => runtime.stop()],
      ['database', () => database.close()],
    ]
    for (const [name, step] of steps) {
      try {
        await step()
        log.info({ part: name }, 'stopped')
      } catch (error) {
        log.error({ err: error, part: name }, 'stop failed')
      }
    }
  }
  return { url: server.url, port: server.port, runtime, stop, [Symbol.asyncDispose]: stop }
}

/** Seeds the demo branch into a database that has no branch yet. */
async function seedDemo(deps: {
  runtime: QueueRuntime
  log: Logger
  clock: Clock
  ids: IdSource
  database: ReturnType<typeof openDatabase>
  branchId: string
}): Promise<void> {
  const { runtime, log } = deps
  if (runtime.state().branch !== null) return
  for (const { key, command } of demoCommands(deps.branchId)) {
    try {
      runtime.execute({ command, idempotencyKey: key, actor: { kind: 'system' } })
    } catch (error) {
      if (!isDomainError(error)) throw error
      log.warn({ key, code: error.code }, 'demo seed step refused')
    }
  }
  for (const user of DEMO_USERS) {
    if (findUserByLogin(deps.database.db, user.login)) continue
    await createUser(deps, user)
  }
  log.info({ users: DEMO_USERS.length }, 'demo branch seeded')
}
