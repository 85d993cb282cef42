import type { IncomingMessage, Server as HttpServer } from 'node:http'
import { createServer, type AddressInfo, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { DeviceAvailability, DeviceMeta, DeviceState, parsePayload } from '@kqms/shared/mqtt'
import {
  isStaffClientId,
  parseDeviceTopic,
  parseStaffUsername,
  topics,
  type DeviceKind,
} from '@kqms/shared/mqtt'
import {
  Aedes,
  type AedesOptions,
  type AuthenticateError,
  type Client,
  type PublishPacket,
  type Subscription,
} from 'aedes'
import type { Logger } from 'pino'
import { Counter, Gauge, Registry } from 'prom-client'
import { createWebSocketStream, WebSocketServer } from 'ws'
import type { z } from 'zod'
import { createLoginThrottle } from '@kqms/server-kit/login-throttle'
import { authenticate, refreshSession, type SessionDeps } from '../http/auth/staff-sessions.js'
import type { DeviceRegistry } from '../usecases/device-registry.js'
import type { Clock } from '../usecases/ports.js'
import { canPublish, canSubscribe, compileAcl, mayRetain, type Acl } from './access-control.js'

/**
 * The appliance's embedded MQTT broker (aedes 1.x): TCP for firmware bridges, WebSocket at
 * `/mqtt` on the HTTP server for browser apps. Every client is an enrolled device (client id =
 * username, password = its secret) or a staff browser app (`staff-<userId>`, password = session
 * token). A publish the ACL denies is parked on `$quarantine/{clientId}` and acknowledged, never
 * answered with a disconnect (that sets off MQTT.js's resend-and-reconnect storm, devices.md §3.1).
 */

export interface MqttBrokerDeps {
  readonly registry: DeviceRegistry
  /** Staff sessions of the HTTP API (the MQTT password of a staff app is its session token). */
  readonly sessions: SessionDeps
  readonly clock: Clock
  readonly log: Logger
  /** Where the broker's metrics go (the appliance's `/metrics` registry). */
  readonly metricsRegistry?: Registry
}

export interface MqttBrokerOptions {
  /** TCP port (0: any free port); null: no TCP listener, WebSocket only. */
  readonly port: number | null
  readonly host: string
  /** A subscriber whose socket does not drain for this long is disconnected (default 15 s). */
  readonly drainTimeoutMs?: number
  /** How often staff connections re-check their session (default 30 s). */
  readonly staffRecheckMs?: number
  /** Most simultaneous clients (default 500). */
  readonly maxConnections?: number
}

export interface PublishOptions {
  readonly retain: boolean
}

export type MessageHandler = (topic: string, payload: Buffer) => void

export interface MqttBroker {
  /** The TCP port listened on; null without a TCP listener. */
  readonly tcpPort: number | null
  /**
   * Publishes JSON (QoS 1) as the core, without ACL. Publishes are delivered in call order: the
   * next starts after the previous one reached every subscriber's queue.
   */
  publish(topic: string, payload: unknown, options: PublishOptions): Promise<void>
  /** In-process subscription (the core's own; no ACL). Resolves with an unsubscribe function. */
  subscribe(filter: string, handler: MessageHandler): Promise<() => Promise<void>>
  /** Serves MQTT over WebSocket at `path` (default `/mqtt`) on an HTTP server. */
  attachWebSocket(server: HttpServer, path?: string): void
  /** Closes the WebSocket connections and stops accepting new ones (before the HTTP server stops). */
  closeWebSockets(): void
  /** Client ids connected now. */
  connectedClientIds(): string[]
  stop(): Promise<void>
}

type AuthenticateHandler = NonNullable<AedesOptions['authenticate']>

interface Identity {
  readonly clientId: string
  readonly kind: 'device' | 'staff'
  /** The device id, or the staff user id. */
  readonly subjectId: string
  readonly deviceKind: DeviceKind | null
  readonly tokenHash: string | null
  acl: Acl
}

const NOT_AUTHORIZED = 5

const RETAINED_SCHEMAS: Record<string, z.ZodType> = {
  availability: DeviceAvailability,
  meta: DeviceMeta,
  state: DeviceState,
}

function remoteAddressOf(client: Client): string {
  const fromRequest = client.req?.socket.remoteAddress
  if (fromRequest) return fromRequest
  const conn = client.conn as Partial<Socket>
  return typeof conn.remoteAddress === 'string' ? conn.remoteAddress : 'unknown'
}

const payloadText = (payload: Buffer | string): string =>
  typeof payload === 'string' ? payload : payload.toString('utf8')

export async function startMqttBroker(
  deps: MqttBrokerDeps,
  options: MqttBrokerOptions,
): Promise<MqttBroker> {
  const { registry, sessions, clock } = deps
  const log = deps.log.child({ module: 'mqtt' })
  const branchId = registry.branchId
  const identities = new WeakMap<Client, Identity>()
  const clients = new Set<Client>()
  const throttle = createLoginThrottle({ clock, maxFailures: 10, windowMs: 5 * 60_000 })
  const maxConnections = options.maxConnections ?? 500

  const metricsRegistry = deps.metricsRegistry ?? new Registry()
  const quarantined = new Counter({
    name: 'kqms_mqtt_quarantined_publishes_total',
    help: 'Publishes (and Wills) the ACL denied, parked on $quarantine/{clientId} and acknowledged.',
    labelNames: ['client_kind'] as const,
    registers: [metricsRegistry],
  })
  const deniedSubscriptions = new Counter({
    name: 'kqms_mqtt_denied_subscriptions_total',
    help: 'Subscriptions the ACL refused (SUBACK 0x80).',
    labelNames: ['client_kind'] as const,
    registers: [metricsRegistry],
  })
  const refusedConnections = new Counter({
    name: 'kqms_mqtt_refused_connections_total',
    help: 'Connections refused (CONNACK 5, not authorized), by reason.',
    labelNames: ['reason'] as const,
    registers: [metricsRegistry],
  })

  const kindLabel = (identity: Identity | undefined): string =>
    identity === undefined ? 'unknown' : (identity.deviceKind ?? 'staff')

  const aclOf = (device: { id: string; kind: DeviceKind; counterId: string | null }): Acl =>
    compileAcl(branchId, {
      kind: 'device',
      device,
      owned: device.kind === 'firmware-bridge' ? registry.ownedBy(device.id) : [],
    })

  const refuse = (
    client: Client,
    input: { reason: string; username: string | undefined },
    done: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void => {
    refusedConnections.inc({ reason: input.reason })
    log.warn(
      { clientId: client.id, username: input.username, reason: input.reason },
      'mqtt connection refused',
    )
    const error = new Error('Not authorized') as AuthenticateError
    error.returnCode = NOT_AUTHORIZED
    done(error, false)
  }

  const broker = await Aedes.createBroker({
    drainTimeout: options.drainTimeoutMs ?? 15_000,
    keepaliveLimit: 120,
    maxTopicLevels: 12,
    connectTimeout: 10_000,
    queueLimit: 100,
    maxClientsIdLength: 128,

    preConnect(_client, _packet, callback) {
      if (broker.connectedClients >= maxConnections) {
        refusedConnections.inc({ reason: 'capacity' })
        callback(new Error('Too many connections'), false)
        return
      }
      callback(null, true)
    },

    // aedes' handler has four parameters; spread so the project's max-params rule holds.
    authenticate(...[client, username, password, done]: Parameters<AuthenticateHandler>) {
      const ip = remoteAddressOf(client)
      if (username === undefined || password === undefined || password.length === 0) {
        refuse(client, { reason: 'no_credentials', username }, done)
        return
      }
      if (throttle.retryAfterSeconds({ login: username, ip }) > 0) {
        refuse(client, { reason: 'throttled', username }, done)
        return
      }
      const secret = password.toString('utf8')
      const failed = (reason: string): void => {
        throttle.recordFailure({ login: username, ip })
        refuse(client, { reason, username }, done)
      }
      const userId = parseStaffUsername(username)
      if (userId !== null) {
        if (!isStaffClientId(username, client.id)) return failed('client_id')
        const session = authenticate(sessions, secret)
        if (session?.user.id !== userId) return failed('bad_session')
        identities.set(client, {
          clientId: client.id,
          kind: 'staff',
          subjectId: userId,
          deviceKind: null,
          tokenHash: session.tokenHash,
          acl: compileAcl(branchId, { kind: 'staff', role: session.user.role }),
        })
        done(null, true)
        return
      }
      if (client.id !== username) return failed('client_id')
      registry.verify(username, secret).then(
        (device) => {
          if (!device) return failed('bad_secret')
          identities.set(client, {
            clientId: client.id,
            kind: 'device',
            subjectId: device.id,
            deviceKind: device.kind,
            tokenHash: null,
            acl: aclOf(device),
          })
          done(null, true)
        },
        (error: unknown) => {
          log.error({ err: error, clientId: client.id }, 'device verification failed')
          refuse(client, { reason: 'error', username }, done)
        },
      )
    },

    authorizePublish(client, packet, callback) {
      const identity = client ? identities.get(client) : undefined
      const topic = packet.topic
      if (identity && canPublish(identity.acl, topic) && isValidDevicePayload(packet)) {
        // Only device state may be retained; an event or reply is never replayed to a subscriber.
        if (packet.retain && !mayRetain(branchId, topic)) packet.retain = false
        callback(null)
        return
      }
      const clientId = client?.id ?? 'unknown'
      quarantined.inc({ client_kind: kindLabel(identity) })
      log.warn({ clientId, topic: topic.slice(0, 200) }, 'publish quarantined')
      packet.topic = topics.quarantine(clientId)
      packet.retain = false
      callback(null)
    },

    authorizeSubscribe(client, subscription, callback) {
      const identity = identities.get(client)
      if (!identity || !canSubscribe(identity.acl, subscription.topic)) {
        deniedSubscriptions.inc({ client_kind: kindLabel(identity) })
        log.warn(
          { clientId: client.id, filter: subscription.topic.slice(0, 200) },
          'subscription denied',
        )
        callback(null, null)
        return
      }
      const qos = subscription.qos === 2 ? 1 : subscription.qos
      callback(null, { ...subscription, qos } satisfies Subscription)
    },
  })

  /** Retained device state must parse: a malformed one would be replayed to every dashboard. */
  function isValidDevicePayload(packet: PublishPacket): boolean {
    const parsed = parseDeviceTopic(branchId, packet.topic)
    const schema = parsed?.rest.length === 1 ? RETAINED_SCHEMAS[parsed.rest[0] ?? ''] : undefined
    if (!schema) return true
    const text = payloadText(packet.payload)
    if (text.length === 0) return packet.retain // an empty retained payload clears the topic
    return parsePayload(schema, text) !== null
  }

  new Gauge({
    name: 'kqms_mqtt_connected_clients',
    help: 'MQTT clients connected now.',
    registers: [metricsRegistry],
    collect() {
      this.set(broker.connectedClients)
    },
  })

  broker.on('clientReady', (client) => {
    clients.add(client)
    const identity = identities.get(client)
    if (identity?.kind === 'device')
      registry.recordConnection({ id: identity.subjectId, connected: true })
    log.info({ clientId: client.id, kind: kindLabel(identity) }, 'mqtt client connected')
  })
  broker.on('clientDisconnect', (client) => {
    clients.delete(client)
    const identity = identities.get(client)
    if (identity?.kind === 'device')
      registry.recordConnection({ id: identity.subjectId, connected: false })
    log.info({ clientId: client.id }, 'mqtt client disconnected')
  })
  broker.on('clientError', (client, error) => {
    log.debug({ clientId: client.id, err: error }, 'mqtt client error')
  })
  broker.on('connectionError', (client, error) => {
    log.debug({ clientId: client.id, err: error }, 'mqtt connection error')
  })

  const closeClients = (match: (identity: Identity) => boolean, reason: string): void => {
    for (const client of [...clients]) {
      const identity = identities.get(client)
      if (identity && match(identity)) {
        log.info({ clientId: client.id, reason }, 'mqtt client disconnected by the appliance')
        client.close()
      }
    }
  }

  let chain: Promise<void> = Promise.resolve()
  function publishJson(topic: string, payload: unknown, publishOptions: PublishOptions) {
    const packet: PublishPacket = {
      cmd: 'publish',
      topic,
      payload: Buffer.from(JSON.stringify(payload), 'utf8'),
      qos: 1,
      retain: publishOptions.retain,
      dup: false,
    }
    const next = chain.then(
      () =>
        new Promise<void>((resolve, reject) => {
          broker.publish(packet, (error) => (error ? reject(error) : resolve()))
        }),
    )
    chain = next.catch(() => undefined)
    return next
  }

  const stopWatchingRegistry = registry.onChange((change) => {
    const { device } = change
    if (change.kind === 'revoked') {
      closeClients((i) => i.kind === 'device' && i.subjectId === device.id, 'revoked')
      // Whatever its Will said (or if it had none): offline for good.
      const presence = registry.presence(device.id)
      publishJson(
        topics.deviceAvailability(branchId, device.id),
        { state: 'offline', bdSeq: presence.bdSeq ?? 0, reason: 'revoked', ts: clock.now() },
        { retain: true },
      ).catch((error: unknown) => log.error({ err: error }, 'revoked availability not published'))
    }
    // A bridge's ACL covers the devices it drives: recompile it when they change.
    if (device.bridgeId !== null) {
      const bridge = registry.find(device.bridgeId)
      for (const client of clients) {
        const identity = identities.get(client)
        if (bridge && identity?.subjectId === bridge.id) identity.acl = aclOf(bridge)
      }
    }
  })

  // Staff connections live as long as their session: logged out or deactivated → disconnected.
  const recheck = setInterval(() => {
    closeClients(
      (i) => i.tokenHash !== null && refreshSession(sessions, i.tokenHash) === null,
      'session ended',
    )
  }, options.staffRecheckMs ?? 30_000)
  recheck.unref()

  let tcpPort: number | null = null
  const tcp = createServer((socket) => {
    socket.setNoDelay(true) // else about 44 ms per QoS 1 round trip (Nagle + delayed ACK)
    broker.handle(socket)
  })
  if (options.port !== null) {
    const port = options.port
    await new Promise<void>((resolve, reject) => {
      tcp.once('error', reject)
      tcp.listen(port, options.host, () => {
        tcp.off('error', reject)
        resolve()
      })
    })
    tcpPort = (tcp.address() as AddressInfo).port
    log.info({ port: tcpPort, host: options.host }, 'mqtt listening')
  }

  const webSockets: { server: HttpServer; wss: WebSocketServer; onUpgrade: UpgradeListener }[] = []
  type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void

  const mqttBroker: MqttBroker = {
    tcpPort,

    publish: publishJson,

    async subscribe(filter, handler) {
      const deliver = (packet: { topic: string; payload: Buffer | string }, done: () => void) => {
        try {
          handler(
            packet.topic,
            Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
          )
        } catch (error) {
          log.error({ err: error, topic: packet.topic }, 'mqtt subscriber failed')
        }
        done()
      }
      await new Promise<void>((resolve) => broker.subscribe(filter, deliver, resolve))
      return () => new Promise<void>((resolve) => broker.unsubscribe(filter, deliver, resolve))
    },

    attachWebSocket(server, path = '/mqtt') {
      const wss = new WebSocketServer({ noServer: true, maxPayload: 256 * 1024 })
      const onUpgrade: UpgradeListener = (request, socket, head) => {
        const pathname = new URL(request.url ?? '/', 'http://appliance').pathname
        if (pathname !== path) {
          // Someone else (another upgrade handler) may serve it; else refuse.
          if (server.listenerCount('upgrade') === 1)
            socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')
          return
        }
        wss.handleUpgrade(request, socket, head, (ws) => {
          ;(request.socket as Partial<Socket>).setNoDelay?.(true)
          const stream = createWebSocketStream(ws)
          stream.on('error', () => stream.destroy())
          broker.handle(stream, request)
        })
      }
      server.on('upgrade', onUpgrade)
      webSockets.push({ server, wss, onUpgrade })
    },

    closeWebSockets() {
      for (const { server, wss, onUpgrade } of webSockets.splice(0)) {
        server.off('upgrade', onUpgrade)
        for (const ws of wss.clients) ws.terminate()
        wss.close()
      }
    },

    connectedClientIds: () => [...clients].map((c) => c.id),

    async stop() {
      clearInterval(recheck)
      stopWatchingRegistry()
      mqttBroker.closeWebSockets()
      const tcpClosed =
        options.port === null
          ? Promise.resolve()
          : new Promise<void>((resolve) => tcp.close(() => resolve()))
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      await tcpClosed
      for (const name of [
        'kqms_mqtt_quarantined_publishes_total',
        'kqms_mqtt_denied_subscriptions_total',
        'kqms_mqtt_refused_connections_total',
        'kqms_mqtt_connected_clients',
      ])
        if (deps.metricsRegistry) deps.metricsRegistry.removeSingleMetric(name)
    },
  }
  return mqttBroker
}
