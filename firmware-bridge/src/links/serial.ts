import { SerialPort } from 'serialport'
import { LinkBase, throwIfAborted } from './base.js'
import type { LinkKind } from './link.js'
import {
  describeFingerprint,
  findByFingerprint,
  findByIdPath,
  type LocateRoots,
  type UsbFingerprint,
} from './locate.js'

/** Where a serial device is: a stable path, a by-id name pattern, or a USB fingerprint. */
export type SerialLocator =
  { readonly path: string } | { readonly byIdPattern: string } | { readonly usb: UsbFingerprint }

export interface SerialLinkOptions {
  readonly locator: SerialLocator
  readonly baudRate: number
  readonly dataBits: 5 | 6 | 7 | 8
  readonly stopBits: 1 | 1.5 | 2
  readonly parity: 'none' | 'even' | 'odd'
  readonly rtscts: boolean
  readonly xon: boolean
  readonly writeTimeoutMs?: number
  readonly roots: LocateRoots
}

const describeLocator = (locator: SerialLocator): string =>
  'path' in locator
    ? locator.path
    : 'byIdPattern' in locator
      ? `by-id /${locator.byIdPattern}/`
      : `usb ${describeFingerprint(locator.usb)}`

/**
 * A serial port through serialport 13's native binding (also PTYs made by socat in tests). The
 * device is located again on every open, so a replugged adapter is found under its new node.
 * A `close` carrying `err.disconnected` (unplugged, socat killed) is reported as `disconnected`.
 */
export class SerialLink extends LinkBase {
  readonly kind: LinkKind = 'serial'
  readonly description: string
  readonly #options: SerialLinkOptions
  #port: SerialPort | null = null

  constructor(options: SerialLinkOptions) {
    super(options.writeTimeoutMs)
    this.#options = options
    this.description = `serial ${describeLocator(options.locator)} @${options.baudRate}`
  }

  get isOpen(): boolean {
    return this.#port?.isOpen === true
  }

  async #resolvePath(): Promise<string> {
    const { locator, roots } = this.#options
    if ('path' in locator) return locator.path
    if ('byIdPattern' in locator) return findByIdPath(locator.byIdPattern, roots)
    return findByFingerprint(locator.usb, { subsystem: 'tty', roots })
  }

  async open(signal?: AbortSignal): Promise<void> {
    if (this.#port !== null) await this.close()
    throwIfAborted(signal, this.description)
    const path = await this.#resolvePath()
    throwIfAborted(signal, this.description)
    const options = this.#options
    const port = new SerialPort({
      path,
      baudRate: options.baudRate,
      dataBits: options.dataBits,
      stopBits: options.stopBits,
      parity: options.parity,
      rtscts: options.rtscts,
      xon: options.xon,
      xoff: options.xon,
      autoOpen: false,
    })
    await new Promise<void>((resolve, reject) => {
      port.open((error) => {
        if (error) reject(new Error(`cannot open ${path}: ${error.message}`, { cause: error }))
        else resolve()
      })
    })
    if (signal?.aborted === true) {
      await closePort(port)
      throwIfAborted(signal, this.description)
    }
    port.on('data', (chunk: Buffer) => {
      if (this.#port === port) this.emitData(new Uint8Array(chunk))
    })
    port.on('error', () => {
      // Errors of an open port are followed by `close`; a write error also rejects the write.
    })
    port.on('close', (error?: Error & { disconnected?: boolean }) => {
      if (this.#port !== port) return // closed by us
      this.#port = null
      this.emitClose({
        disconnected: error?.disconnected === true,
        message: error?.message ?? 'port closed',
      })
    })
    this.#port = port
  }

  async close(): Promise<void> {
    const port = this.#port
    this.#port = null
    if (port?.isOpen === true) await closePort(port)
  }

  protected writeNow(data: Uint8Array): Promise<void> {
    const port = this.#port
    if (port === null) return Promise.reject(new Error(`${this.description} is not open`))
    return new Promise<void>((resolve, reject) => {
      port.write(Buffer.from(data), (error) => {
        if (error) reject(error)
      })
      port.drain((error) => (error ? reject(error) : resolve()))
    })
  }
}

function closePort(port: SerialPort): Promise<void> {
  return new Promise<void>((resolve) => {
    port.close(() => resolve())
  })
}
