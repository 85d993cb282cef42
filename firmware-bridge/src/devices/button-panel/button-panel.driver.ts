import { ButtonKey } from '@kqms/shared/mqtt'
import { z } from 'zod'
import type {
  CommandEnvelope,
  CommandResult,
  DeviceDriver,
  DriverContext,
  DriverFactory,
} from '../driver.js'

const Byte = z.number().int().min(0).max(255)
/** A key code as the panel sends it: printable ASCII, e.g. `K1`, or `0x81` for a raw byte. */
const KeyCode = z
  .string()
  .regex(
    /^(?:[\x21-\x7e]{1,16}|0x[0-9a-fA-F]{2})$/,
    'a key code is 1–16 printable ASCII characters or 0xNN',
  )

/**
 * `options` of a call-button panel in the bridge configuration.
 *
 * - `framing: 'line'`: each key press is a code followed by an end byte (`K1\r`).
 * - `framing: 'byte'`: each byte is a key code (`keys` keyed by the character, or `0xNN`).
 */
export const ButtonPanelOptions = z
  .object({
    framing: z.enum(['line', 'byte']).default('line'),
    keys: z.record(KeyCode, ButtonKey).default({
      K1: 'next',
      K2: 'recall',
      K3: 'start',
      K4: 'pause',
      K5: 'resume',
    }),
    /** Bytes that end a code in `line` framing. */
    endBytes: z.array(Byte).min(1).max(4).default([0x0d, 0x0a]),
    /** A press of the same key within this window after the last one is contact bounce. */
    debounceMs: z.number().int().min(0).max(5_000).default(250),
    /** Frames that switch the panel's LED (e.g. "call light"); null when the panel has none. */
    led: z
      .object({ on: z.string().min(1).max(32), off: z.string().min(1).max(32) })
      .nullable()
      .default(null),
    model: z.string().min(1).max(80).default('serial-button-panel'),
  })
  .refine(
    (options) =>
      options.framing === 'line' ||
      Object.keys(options.keys).every(
        (code) => code.length === 1 || /^0x[0-9a-fA-F]{2}$/.test(code),
      ),
    { message: 'with byte framing every key code is one character or 0xNN', path: ['keys'] },
  )
export type ButtonPanelOptions = z.infer<typeof ButtonPanelOptions>

const LedArgs = z.object({ on: z.boolean() })
const MAX_CODE_BYTES = 16

/** What a code looks like in a log: printable ASCII kept, other bytes as \xNN, at most 16 bytes. */
function toLoggableCode(bytes: Uint8Array): string {
  let out = ''
  for (const byte of bytes.subarray(0, MAX_CODE_BYTES)) {
    out +=
      byte >= 0x20 && byte <= 0x7e
        ? String.fromCharCode(byte)
        : `\\x${byte.toString(16).padStart(2, '0')}`
  }
  return out
}

/** A counter's call-button panel on a serial line: key codes in, button events out. */
class ButtonPanelDriver implements DeviceDriver {
  readonly kind = 'button-panel'
  readonly capabilities: readonly string[]
  readonly model: string
  readonly #options: ButtonPanelOptions
  readonly #keys: ReadonlyMap<string, ButtonKey>
  #context: DriverContext | null = null
  #line: number[] = []
  #overlong = false
  readonly #lastPressAt = new Map<ButtonKey, number>()
  #presses = 0
  #bounces = 0
  #unknownCodes = 0
  #lastKey: ButtonKey | null = null
  #led: boolean | null = null

  constructor(options: ButtonPanelOptions) {
    this.#options = options
    this.model = options.model
    this.#keys = new Map(
      Object.entries(options.keys).map(([code, key]) => [
        /^0x[0-9a-fA-F]{2}$/.test(code) ? String.fromCharCode(Number.parseInt(code, 16)) : code,
        key,
      ]),
    )
    this.capabilities = ['buttons', ...(options.led === null ? [] : ['led'])]
  }

  init(context: DriverContext): Promise<void> {
    this.#context = context
    this.#line = []
    this.#overlong = false
    this.#publishState({ online: true })
    return Promise.resolve()
  }

  onData(chunk: Uint8Array): void {
    for (const byte of chunk) {
      if (this.#options.framing === 'byte') {
        this.#onCode(Uint8Array.of(byte))
        continue
      }
      if (this.#options.endBytes.includes(byte)) {
        if (this.#line.length > 0 && !this.#overlong) this.#onCode(Uint8Array.from(this.#line))
        else if (this.#overlong) this.#onUnknown(Uint8Array.from(this.#line))
        this.#line = []
        this.#overlong = false
      } else if (this.#line.length < MAX_CODE_BYTES) {
        this.#line.push(byte)
      } else {
        this.#overlong = true
      }
    }
  }

  async execute(command: CommandEnvelope): Promise<CommandResult> {
    const context = this.#context
    if (command.name !== 'led') {
      return {
        ok: false,
        error: {
          code: 'UNKNOWN_COMMAND',
          message: `A button panel has no command "${command.name}"`,
        },
      }
    }
    const led = this.#options.led
    if (led === null) {
      return {
        ok: false,
        error: { code: 'NOT_SUPPORTED', message: 'This button panel has no LED' },
      }
    }
    const args = LedArgs.safeParse(command.args)
    if (!args.success) {
      return { ok: false, error: { code: 'INVALID_ARGS', message: z.prettifyError(args.error) } }
    }
    if (context === null) {
      return {
        ok: false,
        error: { code: 'PANEL_OFFLINE', message: 'The button panel is not connected' },
      }
    }
    try {
      await context.link.write(new TextEncoder().encode(args.data.on ? led.on : led.off))
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      return { ok: false, error: { code: 'PANEL_OFFLINE', message } }
    }
    this.#led = args.data.on
    this.#publishState({})
    return { ok: true, data: { led: this.#led } }
  }

  healthCheck(): Promise<'ok' | 'degraded' | 'offline'> {
    return Promise.resolve(this.#context?.link.isOpen === true ? 'ok' : 'offline')
  }

  detach(): void {
    this.#line = []
    this.#overlong = false
    this.#publishState({ online: false })
    this.#context = null
  }

  #onCode(code: Uint8Array): void {
    const context = this.#context
    const key = this.#keys.get(String.fromCharCode(...code))
    if (key === undefined) {
      this.#onUnknown(code)
      return
    }
    if (context === null) return
    const now = context.clock.now()
    const last = this.#lastPressAt.get(key)
    this.#lastPressAt.set(key, now)
    if (last !== undefined && now - last < this.#options.debounceMs) {
      this.#bounces += 1
      context.log.debug({ key, bounces: this.#bounces }, 'key bounce ignored')
      this.#publishState({})
      return
    }
    this.#presses += 1
    this.#lastKey = key
    context.emitEvent('button', { key })
    context.log.info({ key }, 'button pressed')
    this.#publishState({ lastPressAt: now })
  }

  #onUnknown(code: Uint8Array): void {
    this.#unknownCodes += 1
    this.#context?.log.warn(
      { code: toLoggableCode(code), unknownCodes: this.#unknownCodes },
      'unknown key code from the button panel',
    )
    this.#publishState({})
  }

  #publishState(patch: { online?: boolean; lastPressAt?: number }): void {
    this.#context?.reportState({
      kind: 'button-panel',
      ...patch,
      presses: this.#presses,
      bounces: this.#bounces,
      unknownCodes: this.#unknownCodes,
      lastKey: this.#lastKey,
      led: this.#led,
    })
  }
}

export const buttonPanelDriver: DriverFactory<ButtonPanelOptions> = {
  kind: 'button-panel',
  optionsSchema: ButtonPanelOptions,
  create: (options) => new ButtonPanelDriver(options),
}
