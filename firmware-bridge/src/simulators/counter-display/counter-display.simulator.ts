import {
  DisplayFrameFormat,
  decodeDisplayRequests,
  encodeDisplayReply,
} from '../../devices/counter-display/display-codec.js'
import type { DisplayRequest } from '../../devices/counter-display/display-codec.js'
import { openSimulatorPort } from './serial-port.js'
import type { SimulatorPortOptions } from './serial-port.js'

/** What one simulated display shows. */
export interface SimulatedDisplay {
  text: string
  blink: boolean
  brightness: number
}

export interface CounterDisplaySimulatorOptions {
  /** The frame format (bridge `options.frame`); defaults as in the driver. */
  readonly format?: Partial<DisplayFrameFormat>
  /** Addresses of the displays on this bus; frames to others are ignored. Default: every address. */
  readonly addresses?: readonly number[]
  /** Sends reply bytes to the bus. */
  readonly send: (bytes: Uint8Array) => Promise<void>
}

/**
 * Displays on an RS-485 bus: decodes frames, NAKs bad checksums, ACKs good frames and keeps what
 * each address shows. `unresponsive` makes every display silent (power cut, broken wire);
 * `nakNext(n)` NAKs the next n good frames (line noise).
 */
export class CounterDisplaySimulator {
  readonly format: DisplayFrameFormat
  readonly displays = new Map<number, SimulatedDisplay>()
  /** Every frame received, good or bad, in order. */
  readonly received: (
    { ok: true; request: DisplayRequest } | { ok: false; address: number | null; reason: string }
  )[] = []
  unresponsive = false
  #naks = 0
  #rest: Uint8Array = new Uint8Array(0)
  readonly #addresses: ReadonlySet<number> | null
  readonly #send: (bytes: Uint8Array) => Promise<void>

  constructor(options: CounterDisplaySimulatorOptions) {
    this.format = DisplayFrameFormat.parse(options.format ?? {})
    this.#addresses = options.addresses === undefined ? null : new Set(options.addresses)
    this.#send = options.send
  }

  nakNext(count: number): void {
    this.#naks = count
  }

  /** What `address` shows, or undefined before its first frame. */
  shown(address: number): SimulatedDisplay | undefined {
    return this.displays.get(address)
  }

  /** Bytes from the bus. */
  receive(chunk: Uint8Array): void {
    const buffer = new Uint8Array(this.#rest.length + chunk.length)
    buffer.set(this.#rest)
    buffer.set(chunk, this.#rest.length)
    const { frames, rest } = decodeDisplayRequests(this.format, buffer)
    this.#rest = rest
    for (const frame of frames) {
      const address = frame.ok ? frame.request.address : frame.address
      if (address === null || (this.#addresses !== null && !this.#addresses.has(address))) continue
      this.received.push(frame)
      if (this.unresponsive) continue
      if (!frame.ok || this.#naks > 0) {
        if (frame.ok) this.#naks -= 1
        this.#reply({ kind: 'nak', address })
        continue
      }
      this.#apply(frame.request)
      this.#reply({ kind: 'ack', address })
    }
  }

  #apply(request: DisplayRequest): void {
    const display = this.displays.get(request.address) ?? {
      text: '',
      blink: false,
      brightness: 100,
    }
    switch (request.command) {
      case 'text':
        display.text = request.text
        display.blink = request.blink
        break
      case 'clear':
        display.text = ''
        display.blink = false
        break
      case 'brightness':
        display.brightness = request.level
        break
      case 'status':
        break
    }
    this.displays.set(request.address, display)
  }

  #reply(reply: { kind: 'ack' | 'nak'; address: number }): void {
    const bytes = encodeDisplayReply(this.format, reply)
    if (bytes.length > 0) this.#send(bytes).catch(() => undefined) // the bus went away: like a real display
  }
}

export interface SerialCounterDisplaySimulator extends AsyncDisposable {
  readonly simulator: CounterDisplaySimulator
  stop(): Promise<void>
}

/** Runs the displays on a real serial port (a socat PTY end, or a USB-RS485 adapter). */
export async function runSerialCounterDisplaySimulator(
  options: SimulatorPortOptions & Omit<CounterDisplaySimulatorOptions, 'send'>,
): Promise<SerialCounterDisplaySimulator> {
  const port = await openSimulatorPort(options)
  const simulator = new CounterDisplaySimulator({ ...options, send: (bytes) => port.write(bytes) })
  port.onData((chunk) => {
    simulator.receive(chunk)
  })
  const stop = (): Promise<void> => port.close()
  return { simulator, stop, [Symbol.asyncDispose]: stop }
}
