import type { Link, LinkCloseReason, LinkEvents, LinkKind } from './link.js'

/** Default time a write may take to reach the OS before the link is declared dead. */
export const DEFAULT_WRITE_TIMEOUT_MS = 10_000

/**
 * What every link shares: listeners, a promise queue that serialises writes (two writes never
 * interleave their bytes: an RS-485 bus or a printer mid-raster), and a write watchdog. Some
 * USB-serial drivers never report a removal; a write that does not drain in time closes the link
 * as `disconnected`, so the supervisor reopens it (design/devices.md §5).
 */
export abstract class LinkBase implements Link {
  abstract readonly kind: LinkKind
  abstract readonly description: string
  abstract readonly isOpen: boolean

  readonly #data = new Set<LinkEvents['data']>()
  readonly #close = new Set<LinkEvents['close']>()
  #queue: Promise<void> = Promise.resolve()
  readonly #writeTimeoutMs: number

  protected constructor(writeTimeoutMs: number = DEFAULT_WRITE_TIMEOUT_MS) {
    this.#writeTimeoutMs = writeTimeoutMs
  }

  abstract open(signal?: AbortSignal): Promise<void>
  abstract close(): Promise<void>
  /** Hands the bytes to the OS; resolves once drained. Called one at a time. */
  protected abstract writeNow(data: Uint8Array): Promise<void>

  write(data: Uint8Array): Promise<void> {
    const run = this.#queue.then(() => this.#writeWithTimeout(data))
    this.#queue = run.catch(() => undefined)
    return run
  }

  async #writeWithTimeout(data: Uint8Array): Promise<void> {
    if (!this.isOpen) throw new Error(`${this.description} is not open`)
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new Error(`write to ${this.description} timed out after ${this.#writeTimeoutMs} ms`))
      }, this.#writeTimeoutMs)
    })
    try {
      await Promise.race([this.writeNow(data), timeout])
    } catch (error) {
      if (this.isOpen && error instanceof Error && error.message.includes('timed out')) {
        await this.close().catch(() => undefined)
        this.emitClose({ disconnected: true, message: error.message })
      }
      throw error
    } finally {
      clearTimeout(timer)
    }
  }

  on<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): void {
    if (event === 'data') this.#data.add(listener as LinkEvents['data'])
    else this.#close.add(listener as LinkEvents['close'])
  }

  off<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): void {
    if (event === 'data') this.#data.delete(listener as LinkEvents['data'])
    else this.#close.delete(listener as LinkEvents['close'])
  }

  protected emitData(chunk: Uint8Array): void {
    for (const listener of this.#data) listener(chunk)
  }

  protected emitClose(reason: LinkCloseReason): void {
    for (const listener of this.#close) listener(reason)
  }
}

/** Rejects when the signal is (or becomes) aborted. */
export function throwIfAborted(signal: AbortSignal | undefined, what: string): void {
  if (signal?.aborted === true) throw new Error(`opening ${what} was cancelled`)
}
