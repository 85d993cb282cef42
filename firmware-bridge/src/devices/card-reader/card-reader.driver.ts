import { z } from 'zod'
import type {
  CommandEnvelope,
  CommandResult,
  DeviceDriver,
  DriverContext,
  DriverDeps,
  DriverFactory,
} from '../driver.js'
import { parseTokenKey, toCardToken, toMaskedPan } from './card-token.js'
import { HidPosLayout, copyHidPosTracks } from './hid-pos-report.js'
import { BOOT_KEYBOARD_REPORT_BYTES, createKeyboardReportDecoder } from './keyboard-report.js'
import { parseSwipe } from './track-parser.js'
import type { TrackRejectReason } from './track-parser.js'

const Byte = z.number().int().min(0).max(255)

/**
 * `options` of a card reader in the bridge configuration.
 *
 * - `input: 'serial'`: a serial/CDC-ACM reader sending ASCII track data (the preferred mode).
 * - `input: 'hid-pos'`: a HID magstripe reader (HID POS / MagTek-style swipe reports) through the
 *   HID link; `hidPos` describes the report (size, where each track's length and data sit).
 * - `input: 'hid-keyboard'`: a reader in keyboard-wedge mode read through the HID link; the link
 *   delivers input reports of `hid.reportSize` bytes, whose last 8 bytes are a boot-keyboard report
 *   (8 when the device has no report ids; 9 when the link keeps a leading report id byte).
 *
 * In both HID modes chunks may split or join reports: the driver reassembles them by size.
 */
export const CardReaderOptions = z.object({
  /** The managed HMAC key's name: the key comes from the bridge's secrets under this name. */
  tokenKeyId: z.string().min(1).max(64),
  input: z.enum(['serial', 'hid-pos', 'hid-keyboard']).default('serial'),
  model: z.string().min(1).max(80).default('magstripe-reader'),
  framing: z
    .object({
      /** Bytes that end a swipe (CR, LF, ETX); a run of them ends one swipe. */
      endBytes: z.array(Byte).min(1).max(8).default([0x0d, 0x0a, 0x03]),
      /** Bytes dropped wherever they appear (STX of readers that frame their output). */
      ignoreBytes: z.array(Byte).max(8).default([0x02]),
      /** A swipe longer than this is refused (3 tracks are at most 79 + 40 + 107 characters). */
      maxSwipeBytes: z.number().int().min(64).max(4096).default(512),
      /** Silence after which an unterminated swipe is dropped as partial. */
      idleTimeoutMs: z.number().int().min(10).max(10_000).default(500),
    })
    .prefault({}),
  hid: z
    .object({ reportSize: z.number().int().min(BOOT_KEYBOARD_REPORT_BYTES).max(64).default(8) })
    .prefault({}),
  hidPos: HidPosLayout.prefault({}),
  /** The same card read again within this window is the same swipe (readers sending each track as a line). */
  repeatWindowMs: z.number().int().min(0).max(60_000).default(1_500),
})
export type CardReaderOptions = z.infer<typeof CardReaderOptions>

const unknownCommand = (name: string): CommandResult => ({
  ok: false,
  error: { code: 'UNKNOWN_COMMAND', message: `A card reader has no command "${name}"` },
})

/**
 * A magstripe card reader. Track data lives only in two fixed buffers (the swipe and, in HID
 * mode, the partial report) that are zeroed after every swipe; the PAN is hashed and masked, then
 * zeroed. Nothing else about the card leaves the driver: no name, expiry, service code or track.
 */
class CardReaderDriver implements DeviceDriver {
  readonly kind = 'card-reader'
  readonly capabilities: readonly string[]
  readonly model: string
  readonly #options: CardReaderOptions
  readonly #key: Buffer
  readonly #swipe: Buffer
  #swipeLength = 0
  #overflowed = false
  readonly #report: Buffer
  #reportLength = 0
  readonly #keyboard = createKeyboardReportDecoder()
  #context: DriverContext | null = null
  #idleTimer: { cancel(): void } | null = null
  #reads = 0
  #badReads = 0
  #lastReadAt: number | null = null
  #lastToken: { readonly token: string; readonly at: number } | null = null

  constructor(options: CardReaderOptions, key: Buffer) {
    this.#options = options
    this.#key = key
    this.model = options.model
    this.capabilities = [`card.magstripe.${options.input}`, 'card.token.hmac-sha256']
    this.#swipe = Buffer.alloc(options.framing.maxSwipeBytes)
    this.#report = Buffer.alloc(
      options.input === 'hid-pos' ? options.hidPos.reportSize : options.hid.reportSize,
    )
  }

  init(context: DriverContext): Promise<void> {
    this.#context = context
    this.#clearSwipe()
    this.#clearReport()
    this.#publishState({ online: true })
    return Promise.resolve()
  }

  onData(chunk: Uint8Array): void {
    if (this.#options.input === 'serial') {
      for (const byte of chunk) this.#pushByte(byte)
    } else {
      for (const byte of chunk) {
        this.#report[this.#reportLength] = byte
        this.#reportLength += 1
        if (this.#reportLength === this.#report.length) this.#onReport()
      }
    }
    this.#armIdleTimer()
  }

  execute(command: CommandEnvelope): Promise<CommandResult> {
    return Promise.resolve(unknownCommand(command.name))
  }

  healthCheck(): Promise<'ok' | 'degraded' | 'offline'> {
    return Promise.resolve(this.#context?.link.isOpen === true ? 'ok' : 'offline')
  }

  detach(): void {
    this.#idleTimer?.cancel()
    this.#idleTimer = null
    this.#clearSwipe()
    this.#clearReport()
    this.#publishState({ online: false })
  }

  /** One whole HID input report. */
  #onReport(): void {
    if (this.#options.input === 'hid-keyboard') {
      const keys = this.#keyboard.decode(
        this.#report.subarray(this.#report.length - BOOT_KEYBOARD_REPORT_BYTES),
      )
      this.#report.fill(0)
      this.#reportLength = 0
      for (const ascii of keys) this.#pushByte(ascii)
      keys.fill(0)
      return
    }
    this.#clearSwipe()
    const length = copyHidPosTracks(this.#report, this.#options.hidPos, this.#swipe)
    this.#clearReport()
    if (length > this.#swipe.length) {
      this.#clearSwipe(true)
      this.#reject('overflow')
      return
    }
    this.#swipeLength = length
    this.#endSwipe()
  }

  #pushByte(byte: number): void {
    const { endBytes, ignoreBytes } = this.#options.framing
    if (endBytes.includes(byte)) {
      this.#endSwipe()
      return
    }
    if (ignoreBytes.includes(byte) || this.#overflowed) return
    if (this.#swipeLength >= this.#swipe.length) {
      this.#overflowed = true
      this.#clearSwipe(true)
      return
    }
    this.#swipe[this.#swipeLength] = byte
    this.#swipeLength += 1
  }

  #endSwipe(): void {
    if (this.#overflowed) {
      this.#overflowed = false
      this.#reject('overflow')
      return
    }
    if (this.#swipeLength === 0) return // the LF of a CR LF, or a stray terminator
    const result = parseSwipe(this.#swipe.subarray(0, this.#swipeLength))
    this.#clearSwipe()
    if (result.kind === 'rejected') {
      this.#reject(result.reason)
      return
    }
    try {
      this.#accept(toCardToken(this.#key, result.pan), toMaskedPan(result.pan))
    } finally {
      result.pan.fill(0)
    }
  }

  #accept(token: string, masked: string): void {
    const context = this.#context
    if (context === null) return
    const now = context.clock.now()
    const last = this.#lastToken
    this.#lastToken = { token, at: now }
    if (last !== null && last.token === token && now - last.at < this.#options.repeatWindowMs) {
      context.log.debug({ event: 'card-repeat' }, 'same card again within the repeat window')
      return
    }
    this.#reads += 1
    this.#lastReadAt = now
    context.emitEvent('card', {
      token,
      tokenKeyId: this.#options.tokenKeyId,
      masked,
      source: 'magstripe',
    })
    context.log.info({ reads: this.#reads }, 'card read')
    this.#publishState({})
  }

  #reject(reason: TrackRejectReason): void {
    this.#badReads += 1
    this.#context?.log.warn({ reason, badReads: this.#badReads }, 'card swipe rejected')
    this.#publishState({})
  }

  #armIdleTimer(): void {
    this.#idleTimer?.cancel()
    this.#idleTimer = null
    const context = this.#context
    const pending = this.#swipeLength > 0 || this.#overflowed || this.#reportLength > 0
    if (context === null || !pending) return
    this.#idleTimer = context.clock.setTimeout(() => {
      this.#idleTimer = null
      const hadData = this.#swipeLength > 0 || this.#overflowed
      this.#overflowed = false
      this.#clearSwipe()
      this.#clearReport()
      if (hadData) this.#reject('partial')
    }, this.#options.framing.idleTimeoutMs)
  }

  #clearSwipe(whole = false): void {
    this.#swipe.fill(0, 0, whole ? this.#swipe.length : this.#swipeLength)
    this.#swipeLength = 0
  }

  #clearReport(): void {
    this.#report.fill(0)
    this.#reportLength = 0
    this.#keyboard.reset()
  }

  #publishState(patch: { online?: boolean }): void {
    this.#context?.reportState({
      kind: 'card-reader',
      ...patch,
      lastReadAt: this.#lastReadAt,
      reads: this.#reads,
      badReads: this.#badReads,
    })
  }
}

export const cardReaderDriver: DriverFactory<CardReaderOptions> = {
  kind: 'card-reader',
  optionsSchema: CardReaderOptions,
  create(options: CardReaderOptions, deps: DriverDeps): DeviceDriver {
    const secret = deps.secrets[options.tokenKeyId]
    if (secret === undefined) {
      throw new Error(
        `The card token key "${options.tokenKeyId}" is not among the bridge's secrets`,
      )
    }
    return new CardReaderDriver(options, parseTokenKey(secret, options.tokenKeyId))
  },
}
