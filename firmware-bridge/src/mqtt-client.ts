import { connect, type IClientOptions, type MqttClient } from 'mqtt'
import type { Logger } from 'pino'
import { createBackoff, type BackoffOptions } from './backoff.js'
import type { BdSeqStore } from './bd-seq.js'
import type { Clock, Random } from './clock.js'

/**
 * The bridge's one MQTT connection (MQTT 3.1.1, `clean: true`), as its own device identity.
 *
 * Lessons of design/devices.md §3.5 built in:
 * - MQTT.js reconnects at a fixed period; here every attempt is a fresh client after a jittered
 *   exponential backoff, so nothing of a dead connection (its offline queue, its unacknowledged
 *   QoS 1 packets) is ever replayed into a new one.
 * - Nothing is published while disconnected: `publish` drops (and says so); the current state goes
 *   out with the birth after the next connect instead of a stale burst.
 * - Each CONNECT gets the next `bdSeq`, in the Will as well.
 */
export interface BridgeMqttOptions {
  readonly url: string
  readonly clientId: string
  readonly password: string
  readonly keepaliveSeconds: number
  readonly connectTimeoutMs: number
  readonly backoff: BackoffOptions
}

export interface BridgeMqttDeps {
  readonly clock: Clock
  readonly random: Random
  readonly log: Logger
  readonly bdSeq: BdSeqStore
  /** The Will of a connection with this `bdSeq` (retained, QoS 1). */
  readonly will: (bdSeq: number) => { topic: string; payload: unknown }
  /** Filters subscribed after every connect (QoS 1). */
  readonly subscriptions: () => readonly string[]
  /** Connected and subscribed: publish the birth. */
  readonly onConnect: (bdSeq: number) => void
  readonly onMessage: (message: { topic: string; payload: Buffer; retain: boolean }) => void
}

export interface BridgeMqtt {
  readonly connected: boolean
  /** The `bdSeq` of the current (or last) connection. */
  readonly bdSeq: number
  /** How many CONNECTs succeeded so far. */
  readonly connects: number
  /** Publishes JSON at QoS 1; false (and nothing sent or queued) while disconnected. */
  publish(topic: string, payload: unknown, options: { retain: boolean }): boolean
  /** Starts connecting (and reconnecting until stopped). */
  start(): void
  /** Waits until every publish made so far is acknowledged (or the timeout passes). */
  flush(timeoutMs: number): Promise<void>
  /** Disconnects cleanly (no Will), after the in-flight publishes are acknowledged. */
  stop(): Promise<void>
}

export function createBridgeMqtt(options: BridgeMqttOptions, deps: BridgeMqttDeps): BridgeMqtt {
  const { clock, log } = deps
  const backoff = createBackoff({ ...options.backoff, random: deps.random })
  let client: MqttClient | null = null
  let connected = false
  let stopped = false
  let bdSeq = deps.bdSeq.current
  let connects = 0
  let dropped = 0
  let reconnectTimer: { cancel(): void } | null = null
  const inFlight = new Set<Promise<void>>()

  const scheduleReconnect = (): void => {
    if (stopped || reconnectTimer !== null) return
    const delay = backoff.next()
    log.info({ delayMs: delay, attempt: backoff.attempt }, 'mqtt reconnect scheduled')
    reconnectTimer = clock.setTimeout(() => {
      reconnectTimer = null
      connectOnce()
    }, delay)
  }

  function connectOnce(): void {
    if (stopped) return
    bdSeq = deps.bdSeq.next()
    const will = deps.will(bdSeq)
    const clientOptions: IClientOptions = {
      clientId: options.clientId,
      username: options.clientId,
      password: options.password,
      protocolVersion: 4,
      clean: true,
      keepalive: options.keepaliveSeconds,
      connectTimeout: options.connectTimeoutMs,
      reconnectPeriod: 0,
      queueQoSZero: false,
      resubscribe: false,
      will: {
        topic: will.topic,
        payload: Buffer.from(JSON.stringify(will.payload)),
        qos: 1,
        retain: true,
      },
    }
    const current = connect(options.url, clientOptions)
    client = current
    current.on('connect', () => {
      if (client !== current) return
      connects++
      backoff.reset()
      if (dropped > 0) log.info({ dropped }, 'publishes dropped while disconnected')
      dropped = 0
      log.info({ bdSeq, url: options.url }, 'mqtt connected')
      const filters = [...deps.subscriptions()]
      current
        .subscribeAsync(Object.fromEntries(filters.map((topic) => [topic, { qos: 1 as const }])))
        .then((granted) => {
          for (const grant of granted)
            if (grant.qos === 128)
              log.error(
                { filter: grant.topic },
                'subscription refused by the appliance: is this device enrolled and owned by this bridge?',
              )
        })
        .catch((error: unknown) => {
          log.warn({ err: error }, 'subscribe failed')
        })
        .finally(() => {
          if (client !== current || !current.connected) return
          // Publishing starts with the birth: nothing overtakes the meta → state → availability.
          connected = true
          deps.onConnect(bdSeq)
        })
    })
    current.on('message', (topic, payload, packet) => {
      if (client !== current) return
      deps.onMessage({ topic, payload, retain: packet.retain })
    })
    current.on('error', (error) => {
      log.warn({ err: error.message, code: (error as { code?: unknown }).code }, 'mqtt error')
    })
    current.on('close', () => {
      if (client !== current) return
      const wasConnected = connected
      connected = false
      client = null
      current.end(true)
      if (wasConnected) log.warn({ bdSeq }, 'mqtt connection lost')
      scheduleReconnect()
    })
  }

  return {
    get connected() {
      return connected && client?.connected === true
    },
    get bdSeq() {
      return bdSeq
    },
    get connects() {
      return connects
    },
    publish(topic, payload, publishOptions) {
      const current = client
      if (!connected || current?.connected !== true) {
        dropped++
        log.debug({ topic }, 'not connected: publish dropped (state goes out with the next birth)')
        return false
      }
      const sent = new Promise<void>((resolve) => {
        current.publish(
          topic,
          JSON.stringify(payload),
          { qos: 1, retain: publishOptions.retain },
          (error) => {
            if (error) log.debug({ topic, err: error.message }, 'publish not acknowledged')
            resolve()
          },
        )
      })
      inFlight.add(sent)
      void sent.then(() => inFlight.delete(sent))
      return true
    },
    start() {
      connectOnce()
    },
    async flush(timeoutMs) {
      let timer: { cancel(): void } | undefined
      await Promise.race([
        Promise.all([...inFlight]),
        new Promise<void>((resolve) => {
          timer = clock.setTimeout(resolve, timeoutMs)
        }),
      ])
      timer?.cancel()
    },
    async stop() {
      stopped = true
      reconnectTimer?.cancel()
      reconnectTimer = null
      const current = client
      client = null
      connected = false
      if (current) await current.endAsync(false).catch(() => undefined)
    },
  }
}
