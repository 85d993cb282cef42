import type { ButtonKey } from '@kqms/shared/mqtt'
import { openSimulatorPort } from '../counter-display/serial-port.js'
import type { SimulatorPortOptions } from '../counter-display/serial-port.js'

/** The driver's default key codes. */
export const DEFAULT_KEY_CODES: Readonly<Record<ButtonKey, string>> = {
  next: 'K1',
  recall: 'K2',
  start: 'K3',
  pause: 'K4',
  resume: 'K5',
}

export interface ButtonPanelSimulatorOptions {
  readonly codes?: Readonly<Record<ButtonKey, string>>
  /** What ends a code; CR by default. Empty for panels sending one byte per key. */
  readonly terminator?: string
  readonly send: (bytes: Uint8Array) => Promise<void>
}

/** A call-button panel: writes key frames, records what the bridge sends it (LED frames). */
export class ButtonPanelSimulator {
  /** Bytes received from the bridge, as latin1 text (`L1\r`…). */
  readonly received: string[] = []
  readonly #codes: Readonly<Record<ButtonKey, string>>
  readonly #terminator: string
  readonly #send: (bytes: Uint8Array) => Promise<void>

  constructor(options: ButtonPanelSimulatorOptions) {
    this.#codes = options.codes ?? DEFAULT_KEY_CODES
    this.#terminator = options.terminator ?? '\r'
    this.#send = options.send
  }

  press(key: ButtonKey): Promise<void> {
    return this.sendCode(this.#codes[key])
  }

  /** A worn key: the same code `times` times in one burst, as contact bounce produces. */
  bounce(key: ButtonKey, times: number): Promise<void> {
    const frame = this.#codes[key] + this.#terminator
    return this.#send(new TextEncoder().encode(frame.repeat(times)))
  }

  /** Any code, known or not. */
  sendCode(code: string): Promise<void> {
    return this.#send(new TextEncoder().encode(code + this.#terminator))
  }

  receive(chunk: Uint8Array): void {
    this.received.push(Buffer.from(chunk).toString('latin1'))
  }
}

export interface SerialButtonPanelSimulator extends AsyncDisposable {
  readonly panel: ButtonPanelSimulator
  stop(): Promise<void>
}

/** The panel on a real serial port (a socat PTY end). */
export async function runSerialButtonPanelSimulator(
  options: SimulatorPortOptions & Omit<ButtonPanelSimulatorOptions, 'send'>,
): Promise<SerialButtonPanelSimulator> {
  const port = await openSimulatorPort(options)
  const panel = new ButtonPanelSimulator({ ...options, send: (bytes) => port.write(bytes) })
  port.onData((chunk) => {
    panel.receive(chunk)
  })
  const stop = (): Promise<void> => port.close()
  return { panel, stop, [Symbol.asyncDispose]: stop }
}
