import type { BranchId, Instant } from '@kqms/shared/domain'
import { isDomainError } from '@kqms/shared/errors'
import type { Logger } from 'pino'
import path from 'node:path'
import { v7 as uuidv7 } from 'uuid'
import { createSpeech } from './audio/speech.js'
import type { EdgeConfig } from './config.js'
import { DEMO_USERS, demoCommands } from './demo-branch.js'
import { seedDemoDevices } from './demo-devices.js'
import { openDatabase } from './db/open-database.js'
import { deleteExpiredSessions, findUserByLogin, listUsers } from './db/user.store.js'
import { createHttpApp, startHttpServer } from './http/app.js'
import { createUser } from './http/auth/users.js'
import { createMetrics } from './http/metrics.js'
import type { MqttBroker } from './mqtt/broker.js'
import { startBridgeDevices, type BridgeDevices } from './mqtt/bridge-devices.js'
import { startMqtt } from './mqtt/start-mqtt.js'
import { createDeviceRegistry, type DeviceRegistry } from './usecases/device-registry.js'
import { startHousekeeping } from './usecases/housekeeping.js'
import type { Clock, IdSource, QueueRuntime } from './usecases/ports.js'
import { startQueueRuntime } from './usecases/queue-runtime.js'

export const systemClock: Clock = { now: () => Date.now() as Instant }
export const uuidSource: IdSource = { uuid: () => uuidv7() }
/** The appliance version in `core/status`. */
export const EDGE_VERSION = '0.1.0'

export interface Edge extends AsyncDisposable {
  readonly url: string
  readonly port: number
  readonly runtime: QueueRuntime
  /** The broker's TCP port (MQTT over WebSocket is `${url}/mqtt`); null without TCP. */
  readonly mqttTcpPort: number | null
  readonly devices: DeviceRegistry
  /** The embedded broker (the core publishes with it in-process; benchmarks use it as a baseline). */
  readonly broker: MqttBroker
  /** Printers, kiosks, LED displays and card readers driven through firmware bridges. */
  readonly bridgeDevices: BridgeDevices
  stop(): Promise<void>
}

/**
 * Brings the appliance up: database (migrated) → queue runtime (state restored from events) →
 * demo seed → MQTT broker (TCP; retained state republished from the runtime, new core epoch) →
 * HTTP (with MQTT over WebSocket at `/mqtt`) → timers. `stop()` takes them down in reverse, each
 * step isolated.
 */
export async function startEdge(deps: {
  config: EdgeConfig
  log: Logger
  clock?: Clock
  ids?: IdSource
  /** How long a kiosk's print request waits for the printer (default 4 s; tests shorten it). */
  printReplyWaitMs?: number
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
  if (config.bootstrapAdminPassword !== null && listUsers(database.db).length === 0) {
    await createUser(
      { ...useCaseDeps, database },
      {
        login: 'admin',
        displayName: 'Branch administrator',
        role: 'admin',
        secret: config.bootstrapAdminPassword,
        operatorId: null,
      },
    )
    log.warn({ login: 'admin' }, 'bootstrap administrator created; change its password')
  } else if (listUsers(database.db).length === 0)
    log.warn(
      'no users: set EDGE_BOOTSTRAP_ADMIN_PASSWORD (or EDGE_DEMO=true) to be able to sign in',
    )
  const metrics = createMetrics({ runtime, clock })
  const devices = createDeviceRegistry({
    database,
    clock,
    log: log.child({ module: 'devices' }),
    runtime,
    branchId: config.branchId as BranchId,
  })
  if (config.demo) await seedDemoDevices({ registry: devices, log })
  const mqtt = await startMqtt(
    {
      runtime,
      registry: devices,
      sessions: { db: database, clock, ids, sessionTtlMinutes: config.http.sessionTtlMinutes },
      clock,
      ids,
      log,
      metricsRegistry: metrics.registry,
    },
    { ...config.mqtt, version: EDGE_VERSION },
  )
  const bridgeDevices = await startBridgeDevices({
    broker: mqtt.broker,
    registry: devices,
    runtime,
    database,
    clock,
    ids,
    log,
    publicBaseUrl: config.http.publicBaseUrl,
    metricsRegistry: metrics.registry,
    ...(deps.printReplyWaitMs === undefined ? {} : { printReplyWaitMs: deps.printReplyWaitMs }),
  })
  const app = createHttpApp({
    ...useCaseDeps,
    printing: bridgeDevices.printing,
    cardReads: bridgeDevices.cardReads,
    db: database,
    metrics,
    config: config.http,
    devices,
    mqttTcpPort: mqtt.tcpPort,
    speech: createSpeech({ cacheDir: path.join(config.dataDir, 'audio') }),
    appointments: config.appointments,
  })
  log.info(
    { keySource: config.appointments.keySource, keys: config.appointments.publicJwks.length },
    config.appointments.keySource === 'demo'
      ? 'appointment check-in with the DEMO key (never on a real appliance)'
      : 'appointment check-in keys',
  )
  const server = await startHttpServer({ app, port: config.http.port, host: config.http.host })
  mqtt.attachWebSocket(server.server)
  const housekeeping = startHousekeeping(useCaseDeps, {
    dayCloseAt: config.dayCloseAt,
    everyMs: 15_000,
  })
  // Expired staff sessions are refused on use; this only keeps the table small.
  const sessionSweep = setInterval(() => {
    const removed = deleteExpiredSessions(database.db, clock.now())
    if (removed > 0) log.info({ removed }, 'expired sessions removed')
  }, 3_600_000)
  sessionSweep.unref()
  log.info(
    { url: server.url, port: server.port, branchId: config.branchId, mqttPort: mqtt.tcpPort },
    'http listening',
  )

  const stop = async () => {
    const steps: [string, () => unknown][] = [
      ['housekeeping', () => housekeeping.stop()],
      ['session sweep', () => clearInterval(sessionSweep)],
      ['mqtt over websocket', () => mqtt.closeWebSockets()],
      ['http', () => server.stop()],
      ['bridge devices', () => bridgeDevices.stop()],
      ['mqtt', () => mqtt.stop()],
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
  return {
    url: server.url,
    port: server.port,
    runtime,
    mqttTcpPort: mqtt.tcpPort,
    devices,
    broker: mqtt.broker,
    bridgeDevices,
    stop,
    [Symbol.asyncDispose]: stop,
  }
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
