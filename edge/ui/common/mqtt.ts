import { topicMatches } from '@kqms/shared/mqtt'
import mqtt, { type MqttClient } from 'mqtt'

/**
 * One MQTT-over-WebSocket connection per page to the appliance's broker (`/mqtt` on the HTTP
 * port), shared by every subscription of the page. Clean session, QoS 1, retained state first:
 * a page that (re)connects gets the current state at once (design/devices.md §3.5, §8.3).
 */

export interface MqttCredentials {
  readonly username: string
  readonly password: string
  readonly clientId: string
}

export type LinkStatus = 'connecting' | 'online' | 'offline'

/**
 * A device's birth (design/devices.md §8.2): on every connect it publishes, retained, its `meta`
 * and `availability: online` with a `bdSeq` one higher than the last; its Will says `offline` with
 * the same `bdSeq`, so the appliance sees a browser device go away and can tell a stale death.
 */
export interface Birth {
  readonly availabilityTopic: string
  readonly metaTopic: string
  readonly kind: 'kiosk' | 'hall-display' | 'counter-display'
  /** The next `bdSeq` (kept across page loads by the caller). */
  nextBdSeq(): number
}

export type MessageHandler = (payload: Uint8Array, topic: string) => void

export interface LiveConnection {
  status(): LinkStatus
  onStatus(listener: (status: LinkStatus) => void): () => void
  /** Subscribes (once per filter for the whole page); the returned function unsubscribes. */
  subscribe(filter: string, handler: MessageHandler): () => void
  close(): void
}

export function brokerUrl(location: Pick<Location, 'protocol' | 'host'> = window.location): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/mqtt`
}

/** Reconnect delays grow 0.5 s → 30 s with jitter (MQTT.js has no backoff of its own). */
const BASE_MS = 500
const CAP_MS = 30_000

export function connectLive(
  credentials: MqttCredentials,
  options: { url?: string; birth?: Birth } = {},
): LiveConnection {
  const url = options.url ?? brokerUrl()
  const birth = options.birth
  let bdSeq = birth?.nextBdSeq() ?? 0
  const availability = (state: 'online' | 'offline') =>
    JSON.stringify({
      state,
      bdSeq,
      ...(state === 'offline' ? { reason: 'lwt' } : {}),
      ts: Date.now(),
    })
  let status: LinkStatus = 'connecting'
  const listeners = new Set<(status: LinkStatus) => void>()
  const handlers = new Map<string, Set<MessageHandler>>()
  let attempt = 0

  const client: MqttClient = mqtt.connect(url, {
    username: credentials.username,
    password: credentials.password,
    clientId: credentials.clientId,
    clean: true,
    protocolVersion: 4,
    keepalive: 30,
    reconnectPeriod: BASE_MS,
    connectTimeout: 10_000,
    resubscribe: true,
    queueQoSZero: false,
    ...(birth
      ? {
          will: {
            topic: birth.availabilityTopic,
            payload: availability('offline'),
            qos: 1 as const,
            retain: true,
          },
        }
      : {}),
  })

  const setStatus = (next: LinkStatus) => {
    if (next === status) return
    status = next
    for (const listener of listeners) listener(next)
  }

  client.on('connect', () => {
    attempt = 0
    client.options.reconnectPeriod = BASE_MS
    if (birth) {
      const meta = { kind: birth.kind, capabilities: ['web'], bdSeq, ts: Date.now() }
      client.publish(birth.metaTopic, JSON.stringify(meta), { qos: 1, retain: true })
      client.publish(birth.availabilityTopic, availability('online'), { qos: 1, retain: true })
    }
    setStatus('online')
  })
  client.on('close', () => {
    const exp = Math.min(CAP_MS, BASE_MS * 2 ** ++attempt)
    client.options.reconnectPeriod = Math.round(exp / 2 + (Math.random() * exp) / 2)
    // The next connect is a new birth: a new bdSeq, and a Will that carries it.
    if (birth && client.options.will) {
      bdSeq = birth.nextBdSeq()
      client.options.will.payload = availability('offline')
    }
    setStatus('offline')
  })
  client.on('error', () => setStatus('offline'))
  client.on('message', (topic, payload) => {
    for (const [filter, set] of handlers)
      if (topicMatches(filter, topic)) for (const handler of set) handler(payload, topic)
  })

  return {
    status: () => status,
    onStatus(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    subscribe(filter, handler) {
      let set = handlers.get(filter)
      if (!set) {
        set = new Set()
        handlers.set(filter, set)
        client.subscribe(filter, { qos: 1 })
      }
      set.add(handler)
      return () => {
        const current = handlers.get(filter)
        current?.delete(handler)
        if (current?.size === 0) {
          handlers.delete(filter)
          client.unsubscribe(filter)
        }
      }
    },
    close() {
      listeners.clear()
      handlers.clear()
      client.end(true)
    },
  }
}

/** A client id for a staff user's tab: `staff-<userId>-<app>-<random>` (one connection per tab). */
export function staffClientId(username: string, app: string): string {
  const random = crypto.getRandomValues(new Uint8Array(4))
  return `${username}-${app}-${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}`
}
