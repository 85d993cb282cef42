import { LinkBase, throwIfAborted } from './base.js'
import type { LinkKind } from './link.js'

export interface HidLinkOptions {
  readonly vendorId: number
  readonly productId: number
  readonly serialNumber?: string | undefined
  readonly writeTimeoutMs?: number
}

interface HidDevice {
  on(event: 'data', listener: (data: Buffer) => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
  write(values: number[] | Buffer): Promise<number>
  close(): Promise<void>
}

const hex = (n: number) => n.toString(16).padStart(4, '0')

/**
 * A HID device through node-hid (HIDAsync; on Linux hidraw, needs libusb-1.0-0 at run time):
 * input reports arrive as data chunks, writes are output reports. node-hid is loaded on first
 * open so a bridge without HID devices never loads the native module.
 */
export class HidLink extends LinkBase {
  readonly kind: LinkKind = 'hid'
  readonly description: string
  readonly #options: HidLinkOptions
  #device: HidDevice | null = null

  constructor(options: HidLinkOptions) {
    super(options.writeTimeoutMs)
    this.#options = options
    this.description = `hid ${hex(options.vendorId)}:${hex(options.productId)}${options.serialNumber === undefined ? '' : ` serial ${options.serialNumber}`}`
  }

  get isOpen(): boolean {
    return this.#device !== null
  }

  async open(signal?: AbortSignal): Promise<void> {
    if (this.#device !== null) await this.close()
    throwIfAborted(signal, this.description)
    const hid = await import('node-hid')
    const { vendorId, productId, serialNumber } = this.#options
    const candidates = (await hid.devicesAsync(vendorId, productId)).filter(
      (d) => serialNumber === undefined || d.serialNumber === serialNumber,
    )
    const first = candidates[0]
    if (first?.path === undefined)
      throw new Error(`no HID device ${this.description.slice(4)} found: is it plugged in?`)
    if (candidates.length > 1 && serialNumber === undefined)
      throw new Error(
        `${candidates.length} HID devices match ${this.description}: add serialNumber`,
      )
    const device: HidDevice = await hid.HIDAsync.open(first.path).catch((error: unknown) => {
      throw new Error(
        `cannot open ${this.description}: ${String(error)} (permissions? udev rule?)`,
        {
          cause: error,
        },
      )
    })
    if (signal?.aborted === true) {
      await device.close()
      throwIfAborted(signal, this.description)
    }
    device.on('data', (data) => {
      if (this.#device === device) this.emitData(new Uint8Array(data))
    })
    device.on('error', (error) => {
      if (this.#device !== device) return
      this.#device = null
      void device.close().catch(() => undefined)
      this.emitClose({ disconnected: true, message: error.message })
    })
    this.#device = device
  }

  async close(): Promise<void> {
    const device = this.#device
    this.#device = null
    await device?.close().catch(() => undefined)
  }

  protected async writeNow(data: Uint8Array): Promise<void> {
    const device = this.#device
    if (device === null) throw new Error(`${this.description} is not open`)
    await device.write(Buffer.from(data))
  }
}
