import type { CommandReply, DeviceEventType } from '@kqms/shared/mqtt'
import { CommandEnvelope, DeviceDesired, isExpired, parsePayload } from '@kqms/shared/mqtt'
import type { Logger } from 'pino'
import { createBackoff, type BackoffOptions } from './backoff.js'
import type { Clock, Random } from './clock.js'
import type { CommandResult, DeviceDriver, DriverContext } from './devices/driver.js'
import type { Link, LinkCloseReason } from './links/link.js'
import { createRecentMap } from './recent-ids.js'

/**
 * One supervisor per device (design/devices.md §8.5): open the link → `driver.init` →
 * `driver.applyDesired(last desired)` → birth (meta → state → availability online). On a close,
 * an error or a failed health check: `driver.detach`, availability offline (debounced) and a
 * reopen with jittered exponential backoff. A required device that keeps failing stops the
 * process (exit code 2) so systemd restarts it. Commands are parsed, checked for expiry and
 * deduplicated by id here; drivers only run fresh, new commands, one at a time.
 */

export type AvailabilityState = 'online' | 'offline'

/** Where a supervisor's output goes (the MQTT side adds `bdSeq`, `ts` and topics; drops while offline). */
export interface DevicePublisher {
  meta(
    deviceId: string,
    meta: { kind: string; model: string; capabilities: readonly string[] },
  ): void
  state(deviceId: string, state: Readonly<Record<string, unknown>>): void
  availability(deviceId: string, availability: { state: AvailabilityState; reason?: string }): void
  reply(deviceId: string, reply: CommandReply): void
  event(deviceId: string, type: DeviceEventType, event: Readonly<Record<string, unknown>>): void
}

export interface SupervisorOptions {
  /** At most one availability change per this many ms; a shorter flap publishes nothing. */
  readonly debounceMs: number
  readonly backoff: BackoffOptions
  readonly healthIntervalMs: number
  /** A device online this long gets its reopen backoff reset when it drops. */
  readonly stableMs: number
  readonly required: boolean
  /** K: consecutive failures (within `failureWindowMs`) of a required device that stop the bridge. */
  readonly maxFailures: number
  readonly failureWindowMs: number
  /** At most one state publish per this many ms (patches in between are merged). */
  readonly stateCoalesceMs: number
  /** Recent command ids remembered for deduplication. */
  readonly commandCacheSize: number
  /** Events carry `expiresAt = ts + eventTtlMs`. */
  readonly eventTtlMs: number
}

export const DEFAULT_SUPERVISOR_OPTIONS: SupervisorOptions = {
  debounceMs: 5_000,
  backoff: { baseMs: 250, capMs: 30_000 },
  healthIntervalMs: 10_000,
  stableMs: 10_000,
  required: false,
  maxFailures: 10,
  failureWindowMs: 5 * 60_000,
  stateCoalesceMs: 250,
  commandCacheSize: 1_000,
  eventTtlMs: 60_000,
}

export interface SupervisorDeps {
  readonly deviceId: string
  readonly driver: DeviceDriver
  readonly link: Link
  readonly clock: Clock
  readonly random: Random
  readonly log: Logger
  readonly publisher: DevicePublisher
  /** A fresh event id (uuid v7 in production). */
  readonly newId: () => string
  /** A required device failed K times in a row: the bridge shuts down and exits with code 2. */
  readonly onFatal: (reason: string) => void
  readonly options?: Partial<SupervisorOptions>
}

export interface Supervisor {
  readonly deviceId: string
  readonly isOnline: boolean
  /** The availability last published (null before the first decision). */
  readonly publishedAvailability: AvailabilityState | null
  start(): void
  /** A command payload from `dev/{id}/cmd/{name}`; resolves once its reply is handed over. */
  handleCommand(name: string, payload: Uint8Array): Promise<void>
  /** A payload from `dev/{id}/desired` (an empty one clears it). */
  handleDesired(payload: Uint8Array): void
  /** Publishes meta → state → availability again (MQTT reconnected, or a new core epoch). */
  rebirth(): void
  /** Closes the link; publishes availability offline (reason `shutdown`) at once. */
  stop(): Promise<void>
}

/** Error codes of commands that did not reach the driver; print commands use the printer's. */
function refusal(name: string, kind: 'expired' | 'offline' | 'invalid' | 'failed'): string {
  const print = name === 'print'
  switch (kind) {
    case 'expired':
      return print ? 'PRINT_EXPIRED' : 'EXPIRED'
    case 'offline':
      return print ? 'PRINTER_OFFLINE' : 'DEVICE_OFFLINE'
    case 'invalid':
      return print ? 'PRINT_INVALID' : 'INVALID_COMMAND'
    case 'failed':
      return print ? 'PRINT_FAILED' : 'DEVICE_ERROR'
  }
}

const messageOf = (error: unknown): string =>
  (error instanceof Error ? error.message : String(error)).slice(0, 500)

export function createSupervisor(deps: SupervisorDeps): Supervisor {
  const { deviceId, driver, link, clock, publisher } = deps
  const options: SupervisorOptions = { ...DEFAULT_SUPERVISOR_OPTIONS, ...deps.options }
  const log = deps.log.child({ deviceId })
  const backoff = createBackoff({ ...options.backoff, random: deps.random })

  let started = false
  let stopped = false
  let closed = false
  let online = false
  /** The driver is attached to an open link (from `init` on, until `detach`). */
  let attached = false
  let onlineSince = 0
  let abort: AbortController | null = null
  let reopenTimer: { cancel(): void } | null = null
  let healthTimer: { cancel(): void } | null = null
  let failures: number[] = []

  // Availability: what is true now, what was last published, and a pending (debounced) change.
  let actual: { state: AvailabilityState; reason?: string } | null = null
  let published: AvailabilityState | null = null
  let publishedReason: string | undefined
  let lastChangeAt = Number.NEGATIVE_INFINITY
  let pendingAvailability: { cancel(): void } | null = null

  // Reported state, merged; published at most once per `stateCoalesceMs`.
  let state: Record<string, unknown> = {}
  let stateReported = false
  let lastStateAt = Number.NEGATIVE_INFINITY
  let stateTimer: { cancel(): void } | null = null

  let desired: DeviceDesired | null = null
  /** Commands, desired state and health checks run one at a time. */
  let chain: Promise<unknown> = Promise.resolve()
  const serially = <T>(task: () => Promise<T>): Promise<T> => {
    const run = chain.then(task)
    chain = run.catch(() => undefined)
    return run
  }
  /** Replies by command id: a promise while running, then the reply of a successful run. */
  const recent = createRecentMap<Promise<CommandReply>>(options.commandCacheSize)

  const publishAvailabilityNow = (): void => {
    pendingAvailability = null
    if (actual === null || published === actual.state) return
    published = actual.state
    publishedReason = actual.reason
    lastChangeAt = clock.now()
    log.info({ availability: published, reason: publishedReason }, 'availability changed')
    publisher.availability(deviceId, {
      state: published,
      ...(publishedReason === undefined ? {} : { reason: publishedReason }),
    })
  }

  const setAvailability = (next: AvailabilityState, reason?: string): void => {
    actual = { state: next, ...(reason === undefined ? {} : { reason }) }
    pendingAvailability?.cancel()
    pendingAvailability = null
    if (published === next) return // a flap shorter than the window: nothing to say
    if (published === null) return publishAvailabilityNow()
    const now = clock.now()
    const earliest = lastChangeAt + options.debounceMs
    // Offline waits a full window (a quick replug then publishes nothing); online goes out as
    // soon as the window since the last change allows.
    const dueAt =
      next === 'offline' ? Math.max(now + options.debounceMs, earliest) : Math.max(now, earliest)
    if (dueAt <= now) publishAvailabilityNow()
    else pendingAvailability = clock.setTimeout(publishAvailabilityNow, dueAt - now)
  }

  const publishStateNow = (): void => {
    stateTimer?.cancel()
    stateTimer = null
    lastStateAt = clock.now()
    publisher.state(deviceId, state)
  }

  const reportState = (patch: Record<string, unknown>): void => {
    const next = { ...state, ...patch }
    // An idempotent re-apply (the retained desired state after a reconnect) changes nothing.
    if (stateReported && JSON.stringify(next) === JSON.stringify(state)) return
    state = next
    stateReported = true
    // During the handshake the state waits for the birth (meta first, then state).
    if (attached && !online) return
    if (stateTimer !== null) return
    const wait = lastStateAt + options.stateCoalesceMs - clock.now()
    if (wait <= 0) publishStateNow()
    else stateTimer = clock.setTimeout(publishStateNow, wait)
  }

  const publishMeta = (): void => {
    publisher.meta(deviceId, {
      kind: driver.kind,
      model: driver.model,
      capabilities: driver.capabilities,
    })
  }

  const context: DriverContext = {
    deviceId,
    // On a shared port the driver writes through the bus (one per port), the supervisor opens
    // and closes only this device's handle.
    link: link.bus ?? link,
    clock,
    log,
    reportState,
    emitEvent(type, payload) {
      const ts = clock.now()
      publisher.event(deviceId, type, {
        ...payload,
        id: deps.newId(),
        ts,
        expiresAt: ts + options.eventTtlMs,
      })
    },
  }

  const onData = (chunk: Uint8Array): void => {
    if (!attached) return
    try {
      driver.onData(chunk)
    } catch (error) {
      log.warn({ err: error }, 'driver failed on incoming data')
    }
  }

  const onClose = (reason: LinkCloseReason): void => {
    if (!online) return
    log.warn(
      { link: link.description, disconnected: reason.disconnected, why: reason.message },
      'link closed',
    )
    goOffline(reason.disconnected ? 'disconnected' : 'closed')
  }
  link.on('data', onData)
  link.on('close', onClose)

  const scheduleHealthCheck = (): void => {
    healthTimer = clock.setTimeout(() => {
      healthTimer = null
      if (!online) return
      void serially(async () => {
        if (!online) return 'ok' as const
        let timer: { cancel(): void } | undefined
        const timeout = new Promise<'offline'>((resolve) => {
          timer = clock.setTimeout(() => resolve('offline'), options.healthIntervalMs)
        })
        try {
          return await Promise.race([driver.healthCheck(), timeout])
        } catch (error) {
          log.warn({ err: error }, 'health check failed')
          return 'offline' as const
        } finally {
          timer?.cancel()
        }
      }).then((health) => {
        if (!online) return
        if (health === 'offline') {
          log.warn({ link: link.description }, 'device does not answer its health check')
          goOffline('health-check')
        } else scheduleHealthCheck()
      })
    }, options.healthIntervalMs)
  }

  function goOffline(reason: string): void {
    if (!online) return
    online = false
    attached = false
    healthTimer?.cancel()
    healthTimer = null
    if (clock.now() - onlineSince >= options.stableMs) backoff.reset()
    try {
      driver.detach()
    } catch (error) {
      log.warn({ err: error }, 'driver detach failed')
    }
    void link.close().catch(() => undefined)
    setAvailability('offline', reason)
    scheduleReopen()
  }

  function scheduleReopen(): void {
    if (stopped) return
    const delay = backoff.next()
    log.debug({ delayMs: delay, attempt: backoff.attempt }, 'reopen scheduled')
    reopenTimer = clock.setTimeout(() => {
      reopenTimer = null
      void attempt()
    }, delay)
  }

  function recordFailure(error: unknown): void {
    const now = clock.now()
    failures = [...failures.filter((t) => now - t <= options.failureWindowMs), now]
    log.warn(
      { link: link.description, err: messageOf(error), consecutiveFailures: failures.length },
      'device did not open',
    )
    if (options.required && failures.length >= options.maxFailures) {
      const reason = `${deviceId} failed ${failures.length} times in a row within ${Math.round(options.failureWindowMs / 1000)} s: ${messageOf(error)}`
      log.error({ link: link.description }, reason)
      stopped = true
      deps.onFatal(reason)
    }
  }

  async function attempt(): Promise<void> {
    if (stopped || online) return
    abort = new AbortController()
    const signal = abort.signal
    try {
      await link.open(signal)
      attached = true
      await driver.init(context)
      if (desired !== null && driver.applyDesired) await driver.applyDesired(desired)
      if (stopped) throw new Error('stopped')
    } catch (error) {
      attached = false
      try {
        driver.detach()
      } catch {
        // detach is best effort after a failed init
      }
      await link.close().catch(() => undefined)
      if (stopped) return
      if (published === null) setAvailability('offline', 'not-found')
      recordFailure(error)
      if (!stopped) scheduleReopen()
      return
    } finally {
      abort = null
    }
    failures = []
    online = true
    onlineSince = clock.now()
    log.info({ link: link.description }, 'device online')
    // Birth: meta → state → availability.
    publishMeta()
    if (stateReported) publishStateNow()
    setAvailability('online')
    scheduleHealthCheck()
  }

  async function run(envelope: CommandEnvelope): Promise<CommandReply> {
    const failed = (code: string, message: string): CommandReply => ({
      id: envelope.id,
      ok: false,
      error: { code, message },
      ts: clock.now(),
    })
    return serially(async () => {
      // Checked again at the head of the queue: a command may expire while waiting.
      if (isExpired(envelope, clock.now()))
        return failed(refusal(envelope.name, 'expired'), 'expired before it could run')
      if (!online) return failed(refusal(envelope.name, 'offline'), `${deviceId} is offline`)
      let result: CommandResult
      try {
        result = await driver.execute(envelope)
      } catch (error) {
        log.warn({ err: error, commandId: envelope.id, command: envelope.name }, 'command failed')
        return failed(refusal(envelope.name, 'failed'), messageOf(error))
      }
      return result.ok
        ? {
            id: envelope.id,
            ok: true,
            ...(result.data === undefined ? {} : { data: result.data }),
            ts: clock.now(),
          }
        : failed(result.error.code.slice(0, 64), result.error.message.slice(0, 500))
    })
  }

  const supervisor: Supervisor = {
    deviceId,
    get isOnline() {
      return online
    },
    get publishedAvailability() {
      return published
    },

    start() {
      if (started) return
      started = true
      void attempt()
    },

    async handleCommand(name, payload) {
      const envelope = parsePayload(CommandEnvelope, payload)
      if (envelope === null) {
        const id = idOf(payload)
        log.warn({ command: name, commandId: id }, 'malformed command dropped')
        if (id !== null)
          publisher.reply(deviceId, {
            id,
            ok: false,
            error: { code: refusal(name, 'invalid'), message: 'not a valid command envelope' },
            ts: clock.now(),
          })
        return
      }
      if (envelope.name !== name) {
        publisher.reply(deviceId, {
          id: envelope.id,
          ok: false,
          error: {
            code: refusal(name, 'invalid'),
            message: `name "${envelope.name}" does not match the topic's "${name}"`,
          },
          ts: clock.now(),
        })
        return
      }
      const seen = recent.get(envelope.id)
      if (seen !== undefined) {
        log.info({ commandId: envelope.id, command: name }, 'duplicate command: answered again')
        const reply = await seen
        publisher.reply(deviceId, { ...reply, ts: clock.now() })
        return
      }
      if (isExpired(envelope, clock.now())) {
        log.info({ commandId: envelope.id, command: name }, 'expired command dropped')
        publisher.reply(deviceId, {
          id: envelope.id,
          ok: false,
          error: { code: refusal(name, 'expired'), message: 'expired before it arrived' },
          ts: clock.now(),
        })
        return
      }
      const running = run(envelope)
      recent.set(envelope.id, running)
      const reply = await running
      // Only a success is final: a refused or failed command runs again when the core resends it.
      if (!reply.ok) recent.delete(envelope.id)
      publisher.reply(deviceId, reply)
    },

    handleDesired(payload) {
      if (payload.length === 0) {
        desired = null
        return
      }
      const next = parsePayload(DeviceDesired, payload)
      if (next === null) {
        log.warn({}, 'malformed desired state dropped')
        return
      }
      if (desired !== null && next.version < desired.version) {
        log.info({ version: next.version, current: desired.version }, 'stale desired state ignored')
        return
      }
      desired = next
      if (!online || !driver.applyDesired) return
      const apply = driver.applyDesired.bind(driver)
      void serially(() => apply(next)).catch((error: unknown) => {
        log.warn({ err: error, version: next.version }, 'desired state not applied')
      })
    },

    rebirth() {
      publishMeta()
      if (stateReported) publishStateNow()
      if (published !== null)
        publisher.availability(deviceId, {
          state: published,
          ...(publishedReason === undefined ? {} : { reason: publishedReason }),
        })
    },

    async stop() {
      if (closed) return
      closed = true
      stopped = true
      abort?.abort()
      reopenTimer?.cancel()
      healthTimer?.cancel()
      pendingAvailability?.cancel()
      stateTimer?.cancel()
      attached = false
      if (online) {
        online = false
        try {
          driver.detach()
        } catch (error) {
          log.warn({ err: error }, 'driver detach failed')
        }
      }
      link.off('data', onData)
      link.off('close', onClose)
      await link.close().catch(() => undefined)
      published = 'offline'
      publishedReason = 'shutdown'
      publisher.availability(deviceId, { state: 'offline', reason: 'shutdown' })
    },
  }
  return supervisor
}

/** The `id` of a payload that is not a valid envelope, when it has a usable one. */
function idOf(payload: Uint8Array): string | null {
  try {
    const value = JSON.parse(new TextDecoder().decode(payload)) as unknown
    const id =
      typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined
    return typeof id === 'string' && /^[A-Za-z0-9._:~-]{8,128}$/.test(id) ? id : null
  } catch {
    return null
  }
}
