import type {
  DeviceDriver,
  DriverClock,
  DriverContext,
  DriverLog,
} from '../../../devices/driver.js'
import type { Link, LinkCloseReason, LinkEvents } from '../../../links/link.js'

/**
 * Test doubles for driver tests (shared by the card reader, counter display and button panel
 * tests): an in-memory link whose far end is a simulator, a manual clock, and a context that
 * records everything a driver outputs.
 */

type Listeners = { [E in keyof LinkEvents]: Set<LinkEvents[E]> }

/** A link in memory: `write` goes to `device` (a simulator) on the next turn; `deliver` is the device talking. */
export class FakeLink implements Link {
  readonly kind = 'fake'
  readonly description = 'fake link'
  isOpen = false
  /** Every write, in order. */
  readonly written: Uint8Array[] = []
  device: ((bytes: Uint8Array) => void) | null = null
  readonly #listeners: Listeners = { data: new Set(), close: new Set() }

  open(): Promise<void> {
    this.isOpen = true
    return Promise.resolve()
  }

  write(data: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(new Error('fake link is closed'))
    const copy = Uint8Array.from(data)
    this.written.push(copy)
    setImmediate(() => this.device?.(copy))
    return Promise.resolve()
  }

  close(): Promise<void> {
    this.isOpen = false
    return Promise.resolve()
  }

  on<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): void {
    this.#listeners[event].add(listener)
  }

  off<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): void {
    this.#listeners[event].delete(listener)
  }

  /** Bytes from the device, as one chunk. */
  deliver(chunk: Uint8Array | string): void {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk
    for (const listener of this.#listeners.data) listener(bytes)
  }

  /** As if the device were unplugged. */
  unplug(reason: LinkCloseReason = { disconnected: true, message: 'unplugged' }): void {
    this.isOpen = false
    for (const listener of this.#listeners.close) listener(reason)
  }

  /** For the device end: resolves after the link delivered `bytes`. */
  readonly toHost = (bytes: Uint8Array): Promise<void> => {
    this.deliver(bytes)
    return Promise.resolve()
  }
}

/** A clock that moves only on `advance`, firing due timers in time order. */
export class FakeClock implements DriverClock {
  #now: number
  #timers: { at: number; callback: () => void; cancelled: boolean }[] = []

  constructor(start = 1_700_000_000_000) {
    this.#now = start
  }

  now(): number {
    return this.#now
  }

  setTimeout(callback: () => void, ms: number): { cancel(): void } {
    const timer = { at: this.#now + ms, callback, cancelled: false }
    this.#timers.push(timer)
    return {
      cancel() {
        timer.cancelled = true
      },
    }
  }

  advance(ms: number): void {
    const until = this.#now + ms
    for (;;) {
      const due = this.#timers
        .filter((timer) => !timer.cancelled && timer.at <= until)
        .sort((a, b) => a.at - b.at)[0]
      if (due === undefined) break
      due.cancelled = true
      this.#now = due.at
      due.callback()
    }
    this.#now = until
    this.#timers = this.#timers.filter((timer) => !timer.cancelled)
  }

  get pendingTimers(): number {
    return this.#timers.filter((timer) => !timer.cancelled).length
  }
}

/** Real time, for tests over real ports. */
export const systemClock: DriverClock = {
  now: () => Date.now(),
  setTimeout(callback, ms) {
    const timer = setTimeout(callback, ms)
    return {
      cancel() {
        clearTimeout(timer)
      },
    }
  },
}

export interface LogEntry {
  readonly level: 'debug' | 'info' | 'warn'
  readonly fields: object
  readonly message: string | undefined
}

/** Everything a driver put out through its context. */
export interface DriverOutput {
  readonly events: { type: string; payload: Record<string, unknown> }[]
  readonly statePatches: Record<string, unknown>[]
  readonly logs: LogEntry[]
  /** The merged reported state. */
  state: Record<string, unknown>
}

export interface DriverHarness extends AsyncDisposable {
  readonly context: DriverContext
  readonly output: DriverOutput
  /** Opens the link, feeds its data to the driver and runs `init`. */
  start(): Promise<void>
  stop(): Promise<void>
}

export function createDriverHarness(input: {
  readonly driver: DeviceDriver
  readonly link: Link
  readonly clock: DriverClock
  readonly deviceId?: string
}): DriverHarness {
  const { driver, link, clock } = input
  const output: DriverOutput = { events: [], statePatches: [], logs: [], state: {} }
  const logAt =
    (level: LogEntry['level']) =>
    (fields: object, message?: string): void => {
      output.logs.push({ level, fields: structuredClone(fields), message })
    }
  const log: DriverLog = { debug: logAt('debug'), info: logAt('info'), warn: logAt('warn') }
  const context: DriverContext = {
    deviceId: input.deviceId ?? 'device-1',
    link,
    clock,
    log,
    reportState(patch) {
      output.statePatches.push(structuredClone(patch))
      output.state = { ...output.state, ...structuredClone(patch) }
    },
    emitEvent(type, payload) {
      output.events.push({ type, payload: structuredClone(payload) })
    },
  }
  const onData = (chunk: Uint8Array): void => {
    driver.onData(chunk)
  }
  const stop = async (): Promise<void> => {
    link.off('data', onData)
    driver.detach()
    await link.close()
  }
  return {
    context,
    output,
    async start() {
      await link.open()
      link.on('data', onData)
      await driver.init(context)
    },
    stop,
    [Symbol.asyncDispose]: stop,
  }
}

/** Resolves after pending immediates (fake-link deliveries and simulator replies) ran. */
export const settle = async (turns = 3): Promise<void> => {
  for (let turn = 0; turn < turns; turn += 1) {
    await new Promise<void>((resolve) => setImmediate(resolve))
  }
}
