import type { DriverClock, DriverContext } from '../../driver.js'
import type { Link, LinkEvents } from '../../../links/link.js'

/**
 * An in-memory link whose far end is a function (a printer simulator): writes are delivered to it
 * on a later tick, like a cable would, and what it sends comes back as `data`.
 */
export class FakeLink implements Link {
  readonly kind = 'fake'
  readonly description = 'fake printer link'
  isOpen = true
  readonly written: Uint8Array[] = []
  farEnd: ((bytes: Uint8Array) => void) | null = null
  readonly #listeners: { [E in keyof LinkEvents]: Set<LinkEvents[E]> } = {
    data: new Set(),
    close: new Set(),
  }

  open(): Promise<void> {
    this.isOpen = true
    return Promise.resolve()
  }

  async write(data: Uint8Array): Promise<void> {
    if (!this.isOpen) throw new Error('link closed')
    this.written.push(data.slice())
    await new Promise((resolve) => setImmediate(resolve))
    this.farEnd?.(data)
  }

  close(): Promise<void> {
    this.isOpen = false
    return Promise.resolve()
  }

  /** Bytes from the device (delivered on a later tick). */
  deliver(bytes: Uint8Array): void {
    setImmediate(() => {
      for (const listener of this.#listeners.data) listener(bytes)
    })
  }

  on<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): void {
    this.#listeners[event].add(listener)
  }

  off<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): void {
    this.#listeners[event].delete(listener)
  }
}

export const realClock = (now = () => 1_795_000_000_000): DriverClock => ({
  now,
  setTimeout: (callback, ms) => {
    const timer = setTimeout(callback, ms)
    return { cancel: () => clearTimeout(timer) }
  },
})

export interface RecordingContext extends DriverContext {
  readonly states: Record<string, unknown>[]
  readonly events: { type: string; payload: Record<string, unknown> }[]
  /** The merged reported state. */
  readonly merged: Record<string, unknown>
}

export function recordingContext(link: Link, clock: DriverClock = realClock()): RecordingContext {
  const states: Record<string, unknown>[] = []
  const events: { type: string; payload: Record<string, unknown> }[] = []
  const merged: Record<string, unknown> = {}
  const log = { debug: () => undefined, info: () => undefined, warn: () => undefined }
  return {
    deviceId: 'printer-1',
    link,
    clock,
    log,
    states,
    events,
    merged,
    reportState: (patch) => {
      states.push(patch)
      Object.assign(merged, patch)
    },
    emitEvent: (type, payload) => events.push({ type, payload }),
  }
}

/** A clock whose timers fire only when the test says so. */
export class ManualClock implements DriverClock {
  readonly timers = new Set<{ ms: number; fire: () => void }>()
  now(): number {
    return 1_795_000_000_000
  }
  setTimeout(callback: () => void, ms: number): { cancel(): void } {
    const timer = { ms, fire: callback }
    this.timers.add(timer)
    return { cancel: () => this.timers.delete(timer) }
  }
  /** Fires every pending timer of `ms` milliseconds. */
  fire(ms: number): number {
    const due = [...this.timers].filter((timer) => timer.ms === ms)
    for (const timer of due) {
      this.timers.delete(timer)
      timer.fire()
    }
    return due.length
  }
}
