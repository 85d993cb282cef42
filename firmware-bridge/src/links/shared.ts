import type { Link, LinkCloseReason, LinkEvents, LinkKind } from './link.js'

/**
 * One port shared by several devices: the LED displays above the counters hang on one RS-485 bus
 * behind one USB-RS485 adapter, each at its own address (design/devices.md §7.1). Every device's
 * supervisor gets its own `SharedLinkHandle`, which is a `Link`:
 *
 * - the port opens on the first handle's `open()` and closes when the last handle closes
 *   (reference counted); a handle's `close()` releases only that handle, so one display failing
 *   its health check does not take the bus away from the others;
 * - bytes from the port go to every open handle (each driver keeps the frames of its address);
 * - writes of all handles go through the port's one serialised write queue;
 * - when the port closes by itself (unplug, a write that never drains), every open handle emits
 *   `close`; each supervisor reopens with its own backoff: the first reopen opens the port again,
 *   the others join it.
 *
 * Drivers get `bus` (one object per port) rather than their handle, so a driver that serialises
 * request/reply pairs per link (the counter display: a bare ACK byte belongs to the one frame on
 * the wire) serialises them across all devices of the bus.
 */
export class SharedPort {
  readonly #port: Link
  readonly #holders = new Set<SharedLinkHandle>()
  /** Opens and closes of the port run one at a time, in call order. */
  #ops: Promise<unknown> = Promise.resolve()
  /** What drivers write through: the port itself, minus opening and closing it. */
  readonly bus: Link

  constructor(port: Link) {
    this.#port = port
    this.bus = new BusView(port)
    port.on('data', (chunk) => {
      for (const holder of [...this.#holders]) holder.deliver(chunk)
    })
    port.on('close', (reason) => {
      // The port is gone for everyone: every handle is released and told.
      const held = [...this.#holders]
      this.#holders.clear()
      for (const holder of held) holder.lost(reason)
    })
  }

  get description(): string {
    return this.#port.description
  }

  get kind(): LinkKind {
    return this.#port.kind
  }

  /** Handles holding the port open now. */
  get openHandles(): number {
    return this.#holders.size
  }

  get isOpen(): boolean {
    return this.#port.isOpen
  }

  /** A new handle for one device (`name`: its id, for descriptions and logs). */
  handle(name: string): SharedLinkHandle {
    return new SharedLinkHandle({ port: this, name })
  }

  holds(handle: SharedLinkHandle): boolean {
    return this.#holders.has(handle) && this.#port.isOpen
  }

  #serially<T>(run: () => Promise<T>): Promise<T> {
    const result = this.#ops.then(run)
    this.#ops = result.catch(() => undefined)
    return result
  }

  /** Opens the port unless it is open already, then counts `handle` as holding it. */
  acquire(handle: SharedLinkHandle, signal: AbortSignal | undefined): Promise<void> {
    return this.#serially(async () => {
      if (isAborted(signal)) throw new Error(`opening ${handle.description} was cancelled`)
      // One device's cancelled open must not cancel the port for the others: no signal here.
      if (!this.#port.isOpen) await this.#port.open()
      if (isAborted(signal)) {
        if (this.#holders.size === 0) await this.#port.close()
        throw new Error(`opening ${handle.description} was cancelled`)
      }
      this.#holders.add(handle)
    })
  }

  /** `handle` lets go; the last one out closes the port. */
  release(handle: SharedLinkHandle): Promise<void> {
    return this.#serially(async () => {
      if (!this.#holders.delete(handle)) return
      if (this.#holders.size === 0) await this.#port.close()
    })
  }

  write(data: Uint8Array): Promise<void> {
    return this.#port.write(data)
  }
}

/** One device's view of a shared port. */
export class SharedLinkHandle implements Link {
  readonly description: string
  readonly #port: SharedPort
  readonly #data = new Set<LinkEvents['data']>()
  readonly #close = new Set<LinkEvents['close']>()

  constructor(options: { port: SharedPort; name: string }) {
    this.#port = options.port
    this.description = `${options.port.description} (shared, ${options.name})`
  }

  get kind(): LinkKind {
    return this.#port.kind
  }

  get bus(): Link {
    return this.#port.bus
  }

  get isOpen(): boolean {
    return this.#port.holds(this)
  }

  open(signal?: AbortSignal): Promise<void> {
    return this.#port.acquire(this, signal)
  }

  close(): Promise<void> {
    return this.#port.release(this)
  }

  write(data: Uint8Array): Promise<void> {
    if (!this.isOpen) return Promise.reject(new Error(`${this.description} is not open`))
    return this.#port.write(data)
  }

  on<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): void {
    if (event === 'data') this.#data.add(listener as LinkEvents['data'])
    else this.#close.add(listener as LinkEvents['close'])
  }

  off<E extends keyof LinkEvents>(event: E, listener: LinkEvents[E]): void {
    if (event === 'data') this.#data.delete(listener as LinkEvents['data'])
    else this.#close.delete(listener as LinkEvents['close'])
  }

  /** Bytes from the port (called by `SharedPort`). */
  deliver(chunk: Uint8Array): void {
    for (const listener of this.#data) listener(chunk)
  }

  /** The port closed by itself (called by `SharedPort`, after releasing this handle). */
  lost(reason: LinkCloseReason): void {
    for (const listener of this.#close) listener(reason)
  }
}

/**
 * The port as drivers see it: writes and `isOpen` of the port; opening and closing belong to the
 * handles (drivers never open or close a link), so here they do nothing to the port.
 */
class BusView implements Link {
  readonly #port: Link
  constructor(port: Link) {
    this.#port = port
  }
  get kind(): LinkKind {
    return this.#port.kind
  }
  get description(): string {
    return this.#port.description
  }
  get isOpen(): boolean {
    return this.#port.isOpen
  }
  open(): Promise<void> {
    return Promise.reject(
      new Error(`${this.#port.description} is shared: it opens through a device's handle`),
    )
  }
  close(): Promise<void> {
    return Promise.resolve()
  }
  write(data: Uint8Array): Promise<void> {
    return this.#port.write(data)
  }
  on(): void {
    // Drivers get bytes from their supervisor (`onData`), never from the link.
  }
  off(): void {
    // See `on`.
  }
}

const isAborted = (signal: AbortSignal | undefined): boolean => signal?.aborted === true
