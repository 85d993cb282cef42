import { spawn, spawnSync } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SerialPort } from 'serialport'
import type { Link, LinkCloseReason, LinkEvents } from '../../../links/link.js'

/**
 * A socat PTY pair for tests over the real serialport binding (design/devices.md §5, §8.6).
 * Missing socat skips loudly outside CI and fails under CI=true.
 */

export function socatIsAvailable(): boolean {
  return spawnSync('socat', ['-V'], { stdio: 'ignore' }).status === 0
}

/** True when PTY tests can run; prints why when they cannot; throws under CI=true. */
export function canRunPtyTests(suite: string): boolean {
  if (socatIsAvailable()) return true
  if (process.env['CI'] === 'true')
    throw new Error(`${suite}: socat is required under CI=true (apt-get install socat)`)
  console.warn(`\n*** SKIPPING ${suite}: socat is not installed (apt-get install socat) ***\n`)
  return false
}

export interface PtyPair extends AsyncDisposable {
  /** The bridge end. */
  readonly a: string
  /** The device (simulator) end. */
  readonly b: string
  stop(): Promise<void>
}

export async function startPtyPair(): Promise<PtyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'kqms-pty-'))
  const a = join(dir, 'a')
  const b = join(dir, 'b')
  const socat = spawn(
    'socat',
    ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  )
  const exited = new Promise<void>((resolve) => socat.once('exit', () => resolve()))
  try {
    await new Promise<void>((resolve, reject) => {
      let stderr = ''
      const timer = setTimeout(() => reject(new Error(`socat did not start: ${stderr}`)), 10_000)
      socat.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString()
        if (stderr.includes('starting data transfer loop')) {
          clearTimeout(timer)
          resolve()
        }
      })
      socat.once('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`socat exited with ${String(code)}: ${stderr}`))
      })
    })
  } catch (error) {
    socat.kill('SIGKILL')
    await rm(dir, { recursive: true, force: true })
    throw error
  }
  socat.stderr.resume()
  const stop = async (): Promise<void> => {
    if (socat.exitCode === null && socat.signalCode === null) socat.kill('SIGTERM')
    await exited
    await rm(dir, { recursive: true, force: true })
  }
  return { a, b, stop, [Symbol.asyncDispose]: stop }
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
