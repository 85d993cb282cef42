import { parsePayload } from '@kqms/shared/mqtt'
import { useCallback, useEffect, useRef, useState } from 'react'
import type { z } from 'zod'
import {
  connectLive,
  type Birth,
  type LinkStatus,
  type LiveConnection,
  type MqttCredentials,
} from './mqtt'

/**
 * Live state for the apps: the broker's retained topics when the page has MQTT credentials, and
 * the same data over HTTP otherwise (polled), so every app keeps working while the broker is
 * unreachable and shows the last state it had (stale, flagged) while the appliance restarts.
 */

export interface Live {
  readonly connection: LiveConnection | null
  readonly status: LinkStatus | 'none'
}

/** No broker: for data that is fetched before (or without) a connection. */
export const NO_LIVE: Live = { connection: null, status: 'none' }

/** Connects while `credentials` is set; reconnects when they change (or a birth becomes known). */
export function useMqtt(credentials: MqttCredentials | null, birth?: Birth): Live {
  const [connection, setConnection] = useState<LiveConnection | null>(null)
  const [status, setStatus] = useState<LinkStatus | 'none'>('none')
  const key = credentials
    ? `${credentials.username}\u0000${credentials.clientId}\u0000${birth?.availabilityTopic ?? ''}`
    : null
  const latest = useRef(credentials)
  const latestBirth = useRef(birth)
  useEffect(() => {
    latest.current = credentials
    latestBirth.current = birth
  })

  useEffect(() => {
    const current = latest.current
    if (key === null || current === null) {
      setStatus('none')
      return undefined
    }
    const live = connectLive(current, { birth: latestBirth.current })
    setConnection(live)
    setStatus(live.status())
    const off = live.onStatus(setStatus)
    return () => {
      off()
      live.close()
      setConnection(null)
    }
  }, [key])

  return { connection, status }
}

/** The latest payload on a (retained) topic, parsed; null until one arrives. */
export function useTopic<TSchema extends z.ZodType>(
  live: Live,
  topic: string | null,
  schema: TSchema,
): z.infer<TSchema> | null {
  const [value, setValue] = useState<z.infer<TSchema> | null>(null)
  const { connection } = live
  useEffect(() => {
    if (!connection || topic === null) return undefined
    return connection.subscribe(topic, (payload) => {
      // An empty retained payload clears the topic.
      if (payload.length === 0) return setValue(null)
      const parsed = parsePayload(schema, payload)
      if (parsed !== null) setValue(parsed)
    })
  }, [connection, topic, schema])
  return value
}

/** Calls `handler` for every parsed message on a topic (non-retained events such as announcements). */
export function useTopicEvents<TSchema extends z.ZodType>(
  live: Live,
  topic: string | null,
  input: { schema: TSchema; onMessage: (message: z.infer<TSchema>, topic: string) => void },
): void {
  const handler = useRef(input.onMessage)
  useEffect(() => {
    handler.current = input.onMessage
  })
  const { connection } = live
  const { schema } = input
  useEffect(() => {
    if (!connection || topic === null) return undefined
    return connection.subscribe(topic, (payload, received) => {
      const parsed = parsePayload(schema, payload)
      if (parsed !== null) handler.current(parsed, received)
    })
  }, [connection, topic, schema])
}

export interface Resource<T> {
  readonly data: T | null
  readonly error: unknown
  /** The last load failed: `data` is the last good value. */
  readonly stale: boolean
  readonly updatedAt: number | null
  reload(): void
}

export interface ResourceOptions {
  /** Poll interval while live updates flow over MQTT (a safety net). */
  readonly slowPollMs?: number
  /** Poll interval without MQTT. */
  readonly fastPollMs?: number
  /** Reload when a message arrives on one of these topics (debounced). */
  readonly triggers?: readonly string[]
  /** Don't load while false (e.g. no session yet). */
  readonly enabled?: boolean
}

/**
 * Data loaded over HTTP and kept fresh: reloaded when a trigger topic changes (MQTT), else polled.
 * A failed reload keeps the previous data and marks it stale.
 */
export function useLiveResource<T>(
  live: Live,
  load: () => Promise<T>,
  options: ResourceOptions = {},
): Resource<T> {
  const { slowPollMs = 30_000, fastPollMs = 3_000, triggers = [], enabled = true } = options
  const [state, setState] = useState<{
    data: T | null
    error: unknown
    updatedAt: number | null
  }>({ data: null, error: null, updatedAt: null })
  const loader = useRef(load)
  useEffect(() => {
    loader.current = load
  })
  const inFlight = useRef(false)
  const again = useRef(false)

  /** One load at a time; a reload asked for meanwhile runs once after it. */
  const reload = useCallback(() => {
    const run = () => {
      inFlight.current = true
      loader
        .current()
        .then((data) => setState({ data, error: null, updatedAt: Date.now() }))
        .catch((error: unknown) => setState((s) => ({ ...s, error })))
        .finally(() => {
          inFlight.current = false
          if (again.current) {
            again.current = false
            run()
          }
        })
    }
    if (inFlight.current) again.current = true
    else run()
  }, [])

  const online = live.status === 'online'
  useEffect(() => {
    if (!enabled) return undefined
    reload()
    const timer = setInterval(reload, online ? slowPollMs : fastPollMs)
    return () => clearInterval(timer)
  }, [enabled, online, slowPollMs, fastPollMs, reload])

  const triggerKey = triggers.join('\n')
  const { connection } = live
  useEffect(() => {
    if (!connection || !enabled || triggerKey === '') return undefined
    let timer: ReturnType<typeof setTimeout> | undefined
    const onMessage = () => {
      clearTimeout(timer)
      timer = setTimeout(reload, 120)
    }
    const offs = triggerKey.split('\n').map((topic) => connection.subscribe(topic, onMessage))
    return () => {
      clearTimeout(timer)
      for (const off of offs) off()
    }
  }, [connection, enabled, triggerKey, reload])

  return { ...state, stale: state.error !== null && state.data !== null, reload }
}

/**
 * A retained topic's payload, with the same payload polled over HTTP while the broker does not
 * deliver it (no credentials, not connected, or nothing retained yet). The last good value stays
 * on screen through outages; `stale` says the appliance is not answering.
 */
export function useLiveValue<TSchema extends z.ZodType>(
  live: Live,
  input: {
    topic: string | null
    schema: TSchema
    load: () => Promise<z.infer<TSchema>>
    pollMs: number
  },
): { data: z.infer<TSchema> | null; stale: boolean; source: 'mqtt' | 'http' | null } {
  const pushed = useTopic(live, input.topic, input.schema)
  const viaMqtt = live.status === 'online' && pushed !== null
  const polled = useLiveResource(live, input.load, {
    enabled: !viaMqtt,
    fastPollMs: input.pollMs,
    slowPollMs: input.pollMs,
  })
  if (viaMqtt) return { data: pushed, stale: false, source: 'mqtt' }
  return {
    data: polled.data ?? pushed,
    stale: polled.error !== null,
    source: polled.data === null ? null : 'http',
  }
}
