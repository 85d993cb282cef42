import { constants, type FileHandle, open } from 'node:fs/promises'
import { LinkBase, throwIfAborted } from './base.js'
import type { LinkKind } from './link.js'
import {
  describeFingerprint,
  findByFingerprint,
  type LocateRoots,
  type UsbFingerprint,
} from './locate.js'

export type UsbLpLocator = { readonly path: string } | { readonly usb: UsbFingerprint }

export interface UsbLpLinkOptions {
  readonly locator: UsbLpLocator
  /** How often to look for status bytes from the printer (the device file has no poll in libuv). */
  readonly readIntervalMs: number
  readonly writeTimeoutMs?: number
  readonly roots: LocateRoots
}

/** errno codes meaning the device went away. */
const GONE = new Set(['ENODEV', 'EIO', 'ENXIO', 'EBADF', 'ESHUTDOWN'])
const codeOf = (error: unknown): string =>
  typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : ''

/**
 * A printer of the USB printer class (`/dev/usb/lpN`, kernel `usblp`), opened as a file,
 * non-blocking: a blocking read would hold one of libuv's four pool threads for as long as the
 * printer is silent. Status bytes are read by polling; writes retry on EAGAIN until the timeout.
 */
export class UsbLpLink extends LinkBase {
  readonly kind: LinkKind = 'usb-lp'
  readonly description: string
  readonly #options: UsbLpLinkOptions
  #file: FileHandle | null = null
  #poll: NodeJS.Timeout | null = null

  constructor(options: UsbLpLinkOptions) {
    super(options.writeTimeoutMs)
    this.#options = options
    const { locator } = options
    this.description = `usb-lp ${'path' in locator ? locator.path : describeFingerprint(locator.usb)}`
  }

  get isOpen(): boolean {
    return this.#file !== null
  }

  async open(signal?: AbortSignal): Promise<void> {
    if (this.#file !== null) await this.close()
    throwIfAborted(signal, this.description)
    const { locator, roots } = this.#options
    const path =
      'path' in locator
        ? locator.path
        : await findByFingerprint(locator.usb, { subsystem: 'usbmisc', roots })
    const file = await open(path, constants.O_RDWR | constants.O_NONBLOCK).catch(
      (error: unknown) => {
        throw new Error(`cannot open ${path}: ${codeOf(error) || String(error)}`, { cause: error })
      },
    )
    if (signal?.aborted === true) {
      await file.close()
      throwIfAborted(signal, this.description)
    }
    this.#file = file
    this.#schedulePoll(file)
  }

  #schedulePoll(file: FileHandle): void {
    this.#poll = setTimeout(() => void this.#readOnce(file), this.#options.readIntervalMs)
  }

  async #readOnce(file: FileHandle): Promise<void> {
    if (this.#file !== file) return
    const buffer = Buffer.alloc(256)
    try {
      const { bytesRead } = await file.read(buffer, 0, buffer.length, null)
      if (this.#file !== file) return
      if (bytesRead > 0) this.emitData(new Uint8Array(buffer.subarray(0, bytesRead)))
    } catch (error) {
      if (this.#file !== file) return
      if (GONE.has(codeOf(error))) {
        this.#drop(file, `printer gone: ${codeOf(error)}`)
        return
      }
      // EAGAIN: nothing to read now.
    }
    this.#schedulePoll(file)
  }

  #drop(file: FileHandle, message: string): void {
    if (this.#file !== file) return
    this.#file = null
    if (this.#poll) clearTimeout(this.#poll)
    void file.close().catch(() => undefined)
    this.emitClose({ disconnected: true, message })
  }

  async close(): Promise<void> {
    const file = this.#file
    this.#file = null
    if (this.#poll) clearTimeout(this.#poll)
    this.#poll = null
    await file?.close().catch(() => undefined)
  }

  protected async writeNow(data: Uint8Array): Promise<void> {
    let offset = 0
    while (offset < data.length) {
      const file = this.#file
      if (file === null) throw new Error(`${this.description} is not open`)
      try {
        const { bytesWritten } = await file.write(data, offset, data.length - offset, null)
        offset += bytesWritten
      } catch (error) {
        const code = codeOf(error)
        if (code === 'EAGAIN') {
          await new Promise((resolve) => setTimeout(resolve, 20))
          continue
        }
        if (GONE.has(code)) this.#drop(file, `printer gone: ${code}`)
        throw error
      }
    }
  }
}
