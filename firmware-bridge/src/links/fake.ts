import { LinkBase } from './base.js'
import type { LinkKind } from './link.js'

/**
 * An in-memory link for tests and the demo: the bridge's side is a `Link`; the far end plays the
 * device (scripted replies, unplug/replug, stalled writes).
 */
export interface FakeFarEnd {
  /** Every chunk the bridge wrote, in order. */
  readonly written: Uint8Array[]
  /** How many times the bridge opened the link successfully. */
  readonly opens: number
  /** False while "unplugged": opens fail. */
  readonly present: boolean
  /** Bytes from the device to the bridge. */
  send(chunk: Uint8Array | string): void
  /** Scripted device behaviour: called with every chunk the bridge writes. */
  onWrite(listener: (chunk: Uint8Array) => void): void
  /** Pulls the plug: the open link closes with `disconnected`, and opens fail until `plug()`. */
  unplug(): void
  plug(): void
  /** While true, writes never drain (a USB-serial adapter that hangs). */
  stallWrites: boolean
}

export class FakeLink extends LinkBase {
  readonly kind: LinkKind = 'fake'
  readonly description: string
  #open = false
  readonly far: FakeFarEnd

  constructor(options: { description?: string; writeTimeoutMs?: number } = {}) {
    super(options.writeTimeoutMs)
    this.description = options.description ?? 'fake'
    const writeListeners: ((chunk: Uint8Array) => void)[] = []
    const written: Uint8Array[] = []
    let opens = 0
    let present = true
    const far = {
      written,
      get opens() {
        return opens
      },
      get present() {
        return present
      },
      send: (chunk: Uint8Array | string) => {
        if (!this.#open) return
        this.emitData(typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk)
      },
      onWrite: (listener: (chunk: Uint8Array) => void) => {
        writeListeners.push(listener)
      },
      unplug: () => {
        present = false
        if (!this.#open) return
        this.#open = false
        this.emitClose({ disconnected: true, message: 'device unplugged' })
      },
      plug: () => {
        present = true
      },
      stallWrites: false,
    }
    this.far = far
    this.#countOpen = () => opens++
    this.#isPresent = () => present
    this.#deliver = (chunk) => {
      written.push(chunk)
      for (const listener of writeListeners) listener(chunk)
    }
  }

  readonly #countOpen: () => void
  readonly #isPresent: () => boolean
  readonly #deliver: (chunk: Uint8Array) => void

  get isOpen(): boolean {
    return this.#open
  }

  open(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.reject(new Error('opening fake was cancelled'))
    if (!this.#isPresent()) return Promise.reject(new Error(`${this.description}: no such device`))
    this.#open = true
    this.#countOpen()
    return Promise.resolve()
  }

  close(): Promise<void> {
    this.#open = false
    return Promise.resolve()
  }

  protected writeNow(data: Uint8Array): Promise<void> {
    if (this.far.stallWrites) return new Promise<void>(() => undefined)
    this.#deliver(Uint8Array.from(data))
    return Promise.resolve()
  }
}
