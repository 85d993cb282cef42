import { SerialPort } from 'serialport'
import type { Link, LinkCloseReason, LinkEvents } from '../../../links/link.js'
import { hasSocat, startPtyPair as startSocatPair } from '../../pty-pair.js'
import { ptyTestsEnabled } from '../../../../test/pty.js'

/**
 * A socat PTY pair for tests over the real serialport binding (design/devices.md §5, §8.6).
 * Missing socat skips loudly outside CI and fails under CI=true.
 */

export const socatIsAvailable = hasSocat
export const canRunPtyTests = ptyTestsEnabled

export interface PtyPair extends AsyncDisposable {
  /** The bridge end. */
  readonly a: string
  /** The device (simulator) end. */
  readonly b: string
  stop(): Promise<void>
}

export async function startPtyPair(): Promise<PtyPair> {
  const pair = await startSocatPair()
  return { a: pair.bridgeEnd, b: pair.deviceEnd, stop: pair.stop, [Symbol.asyncDispose]: pair.stop }
}

type Listeners = { [E in keyof LinkEvents]: Set<LinkEvents[E]> }

/** A minimal serial Link over the real binding (the bridge runtime has its own). */
export class SerialTestLink implements Link {
  readonly kind = 'serial'
  readonly description: string
  readonly #port: SerialPort
  readonly #listeners: Listeners = { data: new Set(), close: new Set() }

  constructor(path: string) {
    this.description = path
    this.#port = new SerialPort({ path, baudRate: 9600, autoOpen: false })
    this.#port.on('data', (chunk: Buffer) => {
      for (const listener of this.#listeners.data) listener(new Uint8Array(chunk))
    })
    this.#port.on('close', (error?: { disconnected?: boolean; message?: string }) => {
      if (error === undefined || error === null) return
      const reason: LinkCloseReason = {
        disconnected: error.disconnected === true,
        message: error.message ?? 'closed',
      }
      for (const listener of this.#listeners.close) listener(reason)
    })
    this.#port.on('error', () => undefined)
  }

  get isOpen(): boolean {
    return this.#port.isOpen
  }

  open(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#port.open((error) => (error ? reject(error) : resolve()))
    })
  }

  write(data: Uint8Array): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#port.write(Buffer.from(data), (error) => {
        if (error) reject(error)
        else this.#port.drain((drainError) => (drainError ? reject(drainError) : resolve()))
      })
    })
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (!this.#port.isOpen) resolve()
      else this.#port.close(() => resolve())
    })
  }

  on<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): void {
    this.#listeners[event].add(listener)
  }

  off<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): void {
    this.#listeners[event].delete(listener)
  }
}

/** Polls `condition` until true (real-port tests), failing after `timeoutMs`. */
export async function waitUntil(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}
