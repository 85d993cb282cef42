import { mkdirSync } from 'node:fs'
import { hostname } from 'node:os'
import path from 'node:path'
import type { Logger } from 'pino'
import { v7 as uuidv7 } from 'uuid'
import { openBdSeqStore } from './bd-seq.js'
import { createBridgeRouter, createDevicePublisher } from './bridge.js'
import { systemClock, systemRandom, type Clock, type Random } from './clock.js'
import { ConfigError, type BridgeConfig } from './config.js'
import { createLinks, type CreateLinkDeps } from './links/index.js'
import { createBridgeMqtt, type BridgeMqtt } from './mqtt-client.js'
import { createSupervisor, type Supervisor, type SupervisorOptions } from './supervisor.js'
import { topics } from '@kqms/shared/mqtt'

/**
 * Builds the bridge from its configuration: per device a link (a handle on a shared port for
 * devices on one RS-485 bus), a driver and a supervisor; one MQTT connection for all of them. No
 * process-wide side effects (main.ts holds those), so tests start it in-process.
 */
export interface BridgeAppDeps {
  readonly config: BridgeConfig
  readonly log: Logger
  readonly clock?: Clock
  readonly random?: Random
  readonly newId?: () => string
  readonly links?: CreateLinkDeps
  /** Overrides of the supervisors' timings (tests). */
  readonly supervisorOptions?: Partial<SupervisorOptions>
  /** Overrides of the MQTT reconnect backoff (tests). */
  readonly mqttBackoff?: { baseMs: number; capMs: number }
  /** A required device keeps failing: main.ts stops the bridge and exits with code 2. */
  readonly onFatal: (reason: string) => void
}

export interface BridgeApp extends AsyncDisposable {
  readonly supervisors: ReadonlyMap<string, Supervisor>
  readonly mqtt: BridgeMqtt
  /** Devices offline (`shutdown`), the bridge offline, then a clean disconnect. */
  stop(): Promise<void>
}

export function startBridge(deps: BridgeAppDeps): BridgeApp {
  const { config } = deps
  const clock = deps.clock ?? systemClock
  const random = deps.random ?? systemRandom
  const newId = deps.newId ?? (() => uuidv7())
  const log = deps.log.child({ bridgeId: config.bridgeId })
  const supervision = config.supervisor

  const supervisors = new Map<string, Supervisor>()
  const bdSeq = openBdSeqStore(config.stateDir)
  let router: ReturnType<typeof createBridgeRouter> | null = null
  const mqtt = createBridgeMqtt(
    {
      url: config.mqtt.url,
      clientId: config.mqtt.username,
      password: config.mqtt.password,
      keepaliveSeconds: config.mqtt.keepaliveSeconds,
      connectTimeoutMs: config.mqtt.connectTimeoutMs,
      backoff: deps.mqttBackoff ?? { baseMs: 250, capMs: 30_000 },
    },
    {
      clock,
      random,
      log: log.child({ module: 'mqtt' }),
      bdSeq,
      will: (seq) => ({
        topic: topics.deviceAvailability(config.branchId, config.bridgeId),
        payload: { state: 'offline', bdSeq: seq, reason: 'lwt', ts: clock.now() },
      }),
      subscriptions: () => router?.subscriptions() ?? [],
      onConnect: () => router?.onConnect(),
      onMessage: (message) => router?.onMessage(message),
    },
  )
  const publisher = createDevicePublisher({ branchId: config.branchId, mqtt, clock })

  let fatal = false
  // Devices naming one serial port (displays on one RS-485 bus) get handles on one shared port.
  const links = createLinks(config.devices, deps.links)
  for (const [index, device] of config.devices.entries()) {
    const stateDir = path.join(config.stateDir, 'devices', device.id)
    mkdirSync(stateDir, { recursive: true })
    let driver
    try {
      driver = device.factory.create(device.options, { stateDir, secrets: config.secrets })
    } catch (error) {
      // e.g. a card reader whose token key is not among the secrets: a configuration problem.
      throw new ConfigError('bridge configuration', [
        {
          path: `devices[${index}]`,
          message: error instanceof Error ? error.message : String(error),
        },
      ])
    }
    const link = links.get(device.id)
    if (link === undefined) throw new Error(`no link for ${device.id}`)
    supervisors.set(
      device.id,
      createSupervisor({
        deviceId: device.id,
        driver,
        link,
        clock,
        random,
        log,
        publisher,
        newId,
        onFatal: (reason) => {
          if (fatal) return
          fatal = true
          deps.onFatal(reason)
        },
        options: {
          debounceMs: supervision.availabilityDebounceSeconds * 1000,
          healthIntervalMs: supervision.healthCheckSeconds * 1000,
          maxFailures: supervision.maxFailures,
          failureWindowMs: supervision.failureWindowMinutes * 60_000,
          required: device.required,
          ...deps.supervisorOptions,
        },
      }),
    )
  }
  router = createBridgeRouter({
    branchId: config.branchId,
    bridgeId: config.bridgeId,
    mqtt,
    clock,
    log,
    supervisors,
    kinds: config.devices.map((d) => d.kind),
    host: hostname(),
  })

  log.info({ devices: config.devices.map((d) => `${d.id} (${d.kind})`) }, 'bridge starting')
  mqtt.start()
  for (const supervisor of supervisors.values()) supervisor.start()

  let stopping: Promise<void> | null = null
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      await Promise.all([...supervisors.values()].map((s) => s.stop()))
      mqtt.publish(
        topics.deviceAvailability(config.branchId, config.bridgeId),
        { state: 'offline', bdSeq: mqtt.bdSeq, reason: 'shutdown', ts: clock.now() },
        { retain: true },
      )
      await mqtt.flush(2_000)
      await mqtt.stop()
      log.info({}, 'bridge stopped')
    })()
    return stopping
  }
  return { supervisors, mqtt, stop, [Symbol.asyncDispose]: stop }
}
