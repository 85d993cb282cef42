import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt'
import { pino } from 'pino'
import { startEdge, type Edge } from '../src/app.js'
import { loadConfig } from '../src/config.js'
import { demoDeviceSecret } from '../src/demo-devices.js'
import type { IdSource } from '../src/usecases/ports.js'
import { fakeClock, type FakeClock } from './fake-clock.js'

/**
 * The whole appliance (`startEdge`) in-process on a temp SQLite file, HTTP and MQTT on port 0,
 * the demo branch seeded (open: the fake clock stands on a Monday morning in Almaty), with
 * helpers for HTTP calls and real MQTT.js clients over TCP or WebSocket. Restart it on the same
 * file with `restart()`.
 */

export const DEMO_BRANCH = 'almaty-demo'

export interface ApiResponse {
  readonly status: number
  readonly body: Record<string, unknown>
}

export interface ClientOptions {
  readonly transport?: 'tcp' | 'ws'
  readonly clientId: string
  readonly username?: string
  readonly password?: string
  readonly will?: IClientOptions['will']
  readonly reconnectPeriod?: number
}

export interface TestEdge extends AsyncDisposable {
  readonly edge: Edge
  readonly clock: FakeClock
  readonly dataDir: string
  readonly branchId: string
  readonly logLines: Record<string, unknown>[]
  api(
    method: string,
    route: string,
    input?: { body?: unknown; token?: string; headers?: Record<string, string> },
  ): Promise<ApiResponse>
  /** A session token of a demo account (`admin`, `manager`, operators by PIN). */
  login(login: string, secret: string): Promise<{ token: string; userId: string }>
  /** An MQTT.js client (resolves once connected; rejects on a refused CONNACK). */
  connect(options: ClientOptions): Promise<MqttClient>
  /** The demo device's secret (derived from the branch id). */
  demoSecret(deviceId: string): string
  /** Stops the appliance and starts it again on the same database file. */
  restart(): Promise<void>
}

export async function startTestEdge(
  options: {
    ids?: IdSource
    env?: Record<string, string>
    drainTimeoutMs?: number
    printReplyWaitMs?: number
  } = {},
): Promise<TestEdge> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'kqms-edge-'))
  const clock = fakeClock()
  const logLines: Record<string, unknown>[] = []
  const log = pino(
    { level: 'info' },
    { write: (line: string) => logLines.push(JSON.parse(line) as Record<string, unknown>) },
  )
  const loaded = loadConfig({
    KQMS_DATA_DIR: dataDir,
    EDGE_HTTP_HOST: '127.0.0.1',
    EDGE_HTTP_PORT: '0',
    EDGE_MQTT_PORT: '0',
    EDGE_DEMO: 'true',
    ...options.env,
  })
  const config = {
    ...loaded,
    mqtt: {
      ...loaded.mqtt,
      staffRecheckMs: 100,
      drainTimeoutMs: options.drainTimeoutMs ?? loaded.mqtt.drainTimeoutMs,
    },
  }
  const start = () =>
    startEdge({
      config,
      log,
      clock,
      ...(options.ids ? { ids: options.ids } : {}),
      ...(options.printReplyWaitMs === undefined
        ? {}
        : { printReplyWaitMs: options.printReplyWaitMs }),
    })
  let edge = await start()
  const clients = new Set<MqttClient>()

  const api: TestEdge['api'] = async (method, route, input = {}) => {
    const headers: Record<string, string> = { ...input.headers }
    if (input.body !== undefined) headers['content-type'] = 'application/json'
    if (input.token !== undefined) headers['authorization'] = `Bearer ${input.token}`
    const response = await fetch(`${edge.url}${route}`, {
      method,
      headers,
      body: input.body === undefined ? undefined : JSON.stringify(input.body),
    })
    const text = await response.text()
    return {
      status: response.status,
      body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>),
    }
  }

  const login: TestEdge['login'] = async (name, secret) => {
    const credentials = /^\d+$/.test(secret)
      ? { login: name, pin: secret }
      : { login: name, password: secret }
    const response = await api('POST', '/api/v1/auth/login', { body: credentials })
    if (response.status !== 200) throw new Error(`login ${name}: ${response.status}`)
    const user = response.body['user'] as { id: string }
    return { token: String(response.body['token']), userId: user.id }
  }

  const connect: TestEdge['connect'] = async (input) => {
    const url =
      input.transport === 'ws'
        ? `${edge.url.replace('http://', 'ws://')}/mqtt`
        : `mqtt://127.0.0.1:${String(edge.mqttTcpPort)}`
    const client = await connectAsync(url, {
      clientId: input.clientId,
      username: input.username ?? input.clientId,
      ...(input.password === undefined ? {} : { password: input.password }),
      ...(input.will ? { will: input.will } : {}),
      reconnectPeriod: input.reconnectPeriod ?? 0,
      connectTimeout: 5_000,
      clean: true,
    })
    clients.add(client)
    return client
  }

  const closeClients = async () => {
    await Promise.all([...clients].map((c) => c.endAsync(true).catch(() => undefined)))
    clients.clear()
  }

  return {
    get edge() {
      return edge
    },
    clock,
    dataDir,
    branchId: config.branchId,
    logLines,
    api,
    login,
    connect,
    demoSecret: (deviceId) => demoDeviceSecret(config.branchId, deviceId),
    async restart() {
      await closeClients()
      await edge.stop()
      edge = await start()
    },
    async [Symbol.asyncDispose]() {
      await closeClients()
      await edge.stop()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

/** Resolves with the next message on `topic` (the client must be subscribed). */
export function nextMessage(
  client: MqttClient,
  topic: string,
  timeoutMs = 3_000,
): Promise<{ payload: Record<string, unknown>; retain: boolean }> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off('message', onMessage)
      reject(new Error(`no message on ${topic} within ${timeoutMs} ms`))
    }, timeoutMs)
    const onMessage = (received: string, payload: Buffer, packet: { retain?: boolean }) => {
      if (received !== topic) return
      clearTimeout(timer)
      client.off('message', onMessage)
      resolve({
        payload: JSON.parse(payload.toString('utf8')) as Record<string, unknown>,
        retain: packet.retain === true,
      })
    }
    client.on('message', onMessage)
  })
}

/** Every message on `topic` from now on, in arrival order. */
export function collectMessages(client: MqttClient, topic: string): Record<string, unknown>[] {
  const seen: Record<string, unknown>[] = []
  client.on('message', (received, payload) => {
    if (received === topic)
      seen.push(JSON.parse(payload.toString('utf8')) as Record<string, unknown>)
  })
  return seen
}

/** Waits until `condition` holds (polling), or fails after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs = 3_000): Promise<void> {
  const started = Date.now()
  while (!condition()) {
    if (Date.now() - started > timeoutMs) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
