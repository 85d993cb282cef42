import { HidPosLayout, toHidPosReport } from '../../devices/card-reader/hid-pos-report.js'
import { toKeyboardReports } from '../../devices/card-reader/keyboard-report.js'
import { openSimulatorPort } from '../counter-display/serial-port.js'
import type { SimulatorPortOptions } from '../counter-display/serial-port.js'

/**
 * A magstripe reader for tests and demos: turns a synthetic test PAN into the bytes a real
 * reader sends (serial ASCII, or keyboard-wedge HID boot reports). Use only test card numbers
 * (4111111111111111 …); the simulator logs nothing.
 */

export interface SwipeOptions {
  /** Which tracks the reader sends. Default both. */
  readonly tracks?: 'both' | 'track1' | 'track2'
  /** Track 1 name field (`SURNAME/GIVEN`). */
  readonly name?: string
  /** `YYMM`. */
  readonly expiry?: string
  /** What ends the swipe: CR by default; `\r\n` for CR LF readers. */
  readonly terminator?: string
  /** Each track on its own line (some readers), instead of both on one. */
  readonly trackPerLine?: boolean
}

/** Track 1 and Track 2 of `pan` (with sentinels); '' for a track the reader does not send. */
export function toTracks(pan: string, options: SwipeOptions = {}): [string, string] {
  const expiry = options.expiry ?? '3012'
  const name = options.name ?? 'TEST/CARD'
  const tracks = options.tracks ?? 'both'
  return [
    tracks === 'track2' ? '' : `%B${pan}^${name}^${expiry}1010000000000000000?`,
    tracks === 'track1' ? '' : `;${pan}=${expiry}1010000000000000?`,
  ]
}

/** The text a reader sends for one swipe of `pan`. */
export function toSwipeText(pan: string, options: SwipeOptions = {}): string {
  const terminator = options.terminator ?? '\r'
  const lines = toTracks(pan, options).filter((track) => track !== '')
  return options.trackPerLine === true
    ? lines.map((line) => line + terminator).join('')
    : lines.join('') + terminator
}

export interface CardSwipeSimulatorOptions {
  /**
   * `serial`: ASCII bytes; `hid-keyboard`: 8-byte boot keyboard reports; `hid-pos`: one swipe
   * report laid out as `hidPos` (the driver's default layout unless given).
   */
  readonly mode?: 'serial' | 'hid-keyboard' | 'hid-pos'
  readonly hidPos?: Partial<HidPosLayout>
  /** Sends bytes to the bridge end. */
  readonly send: (bytes: Uint8Array) => Promise<void>
}

export class CardSwipeSimulator {
  readonly mode: 'serial' | 'hid-keyboard' | 'hid-pos'
  readonly #layout: HidPosLayout
  readonly #send: (bytes: Uint8Array) => Promise<void>

  constructor(options: CardSwipeSimulatorOptions) {
    this.mode = options.mode ?? 'serial'
    this.#layout = HidPosLayout.parse(options.hidPos ?? {})
    this.#send = options.send
  }

  /** One swipe of a (test) card. */
  swipe(pan: string, options?: SwipeOptions): Promise<void> {
    if (this.mode === 'hid-pos') return this.sendTracks(toTracks(pan, options))
    return this.sendText(toSwipeText(pan, options))
  }

  /** One HID swipe report with these track contents (hid-pos mode). */
  sendTracks(tracks: readonly string[]): Promise<void> {
    return this.#send(toHidPosReport(tracks, this.#layout))
  }

  /**
   * Anything a reader might send: a bad read (`%E?\r`), noise, half a swipe… In hid-pos mode
   * the text (without its terminator) becomes Track 1's field.
   */
  sendText(text: string): Promise<void> {
    if (this.mode === 'serial') return this.#send(new TextEncoder().encode(text))
    if (this.mode === 'hid-pos') return this.sendTracks([text.replace(/[\r\n]+$/, '')])
    const reports = toKeyboardReports(text)
    const bytes = new Uint8Array(reports.length * 8)
    reports.forEach((report, index) => {
      bytes.set(report, index * 8)
    })
    return this.#send(bytes)
  }
}

export interface SerialCardSwipeSimulator extends AsyncDisposable {
  readonly reader: CardSwipeSimulator
  stop(): Promise<void>
}

/** A serial card reader on a real port (a socat PTY end). */
export async function runSerialCardSwipeSimulator(
  options: SimulatorPortOptions,
): Promise<SerialCardSwipeSimulator> {
  const port = await openSimulatorPort(options)
  const reader = new CardSwipeSimulator({ mode: 'serial', send: (bytes) => port.write(bytes) })
  const stop = (): Promise<void> => port.close()
  return { reader, stop, [Symbol.asyncDispose]: stop }
}
