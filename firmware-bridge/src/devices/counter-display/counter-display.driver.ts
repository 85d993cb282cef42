import { z } from 'zod'
import type {
  CommandEnvelope,
  CommandResult,
  DeviceDriver,
  DriverContext,
  DriverDeps,
  DriverFactory,
} from '../driver.js'
import type { Link } from '../../links/link.js'
import {
  BRIGHTNESS_MAX,
  DISPLAY_ADDRESS_MAX,
  DISPLAY_ADDRESS_MIN,
  DISPLAY_TEXT_MAX,
  DisplayFrameFormat,
  createDisplayCodec,
} from './display-codec.js'
import type { DisplayRequest } from './display-codec.js'

/** `options` of a counter display in the bridge configuration. */
export const CounterDisplayOptions = z.object({
  /** The display's address on its RS-485 bus. */
  address: z.number().int().min(DISPLAY_ADDRESS_MIN).max(DISPLAY_ADDRESS_MAX),
  frame: DisplayFrameFormat.prefault({}),
  /** How long to wait for ACK/NAK after a frame before sending it again. */
  ackTimeoutMs: z.number().int().min(10).max(10_000).default(300),
  /** Resends after a NAK or a timeout (so `retries + 1` attempts in all). */
  retries: z.number().int().min(0).max(10).default(2),
  /** Characters the display can show; longer text is cut (and a warning logged). */
  maxTextLength: z.number().int().min(1).max(DISPLAY_TEXT_MAX).default(16),
  /** The health check writes the shown text again after this long (0: never). */
  refreshMs: z.number().int().min(0).max(3_600_000).default(60_000),
  model: z.string().min(1).max(80).default('ascii-rs485-display'),
})
export type CounterDisplayOptions = z.infer<typeof CounterDisplayOptions>

/** `dev/{id}/desired` of a counter display (the core adds `ts`). */
export const CounterDisplayDesired = z.looseObject({
  version: z.number().int().nonnegative(),
  text: z.string().max(DISPLAY_TEXT_MAX).default(''),
  blink: z.boolean().default(false),
  brightness: z.number().int().min(0).max(BRIGHTNESS_MAX).optional(),
})
export type CounterDisplayDesired = z.infer<typeof CounterDisplayDesired>

const ShowArgs = z.object({
  text: z.string().max(DISPLAY_TEXT_MAX),
  blink: z.boolean().default(false),
})
const BrightnessArgs = z.object({ level: z.number().int().min(0).max(BRIGHTNESS_MAX) })

type Outcome = 'ack' | 'nak' | 'timeout' | 'detached'
type Transaction =
  | { readonly ok: true; readonly attempts: number }
  | { readonly ok: false; readonly attempts: number; readonly reason: Exclude<Outcome, 'ack'> }

const noop = (): void => undefined

/**
 * Request/reply transactions on one link never overlap, whichever driver instance runs them:
 * displays sharing an RS-485 bus share the link object, so a bare ACK byte always belongs to the
 * one frame on the wire.
 */
const busTails = new WeakMap<Link, Promise<void>>()
function onBus<T>(link: Link, run: () => Promise<T>): Promise<T> {
  const result = (busTails.get(link) ?? Promise.resolve()).then(run)
  busTails.set(link, result.then(noop, noop))
  return result
}

class NotAcknowledgedError extends Error {
  override readonly name = 'NotAcknowledgedError'
}

/** One LED counter display: one address on a (possibly shared) RS-485 link. */
class CounterDisplayDriver implements DeviceDriver {
  readonly kind = 'counter-display'
  readonly capabilities: readonly string[]
  readonly model: string
  readonly #options: CounterDisplayOptions
  readonly #codec
  #context: DriverContext | null = null
  #rest: Uint8Array = new Uint8Array(0)
  #pending: { settle(outcome: Outcome): void } | null = null
  #applyTail: Promise<void> = Promise.resolve()
  #shown: { text: string; blink: boolean } | null = null
  #brightness: number | null = null
  #appliedVersion: number | null = null
  #lastAckAt: number | null = null
  /** When the shown text was last written (acknowledged, or sent when ACK is off). */
  #shownAt: number | null = null
  #online = false

  constructor(options: CounterDisplayOptions) {
    this.#options = options
    this.#codec = createDisplayCodec(options.frame)
    this.model = options.model
    this.capabilities = ['display.text', 'display.blink', 'display.clear', 'display.brightness']
  }

  get #assumed(): boolean {
    return this.#options.frame.ack === null
  }

  init(context: DriverContext): Promise<void> {
    this.#context = context
    this.#rest = new Uint8Array(0)
    // After a reopen the display may have power-cycled: the next applyDesired writes again.
    this.#shown = null
    this.#brightness = null
    this.#online = context.link.isOpen
    this.#publishState()
    return Promise.resolve()
  }

  onData(chunk: Uint8Array): void {
    const buffer = new Uint8Array(this.#rest.length + chunk.length)
    buffer.set(this.#rest)
    buffer.set(chunk, this.#rest.length)
    const { frames, rest } = this.#codec.decode(buffer)
    this.#rest = rest
    for (const reply of frames) {
      if (reply.address !== null && reply.address !== this.#options.address) continue
      this.#pending?.settle(reply.kind)
    }
  }

  applyDesired(desired: Record<string, unknown>): Promise<void> {
    const run = this.#applyTail.then(() => this.#apply(desired))
    this.#applyTail = run.then(noop, noop)
    return run
  }

  async execute(command: CommandEnvelope): Promise<CommandResult> {
    const address = this.#options.address
    let request: DisplayRequest
    switch (command.name) {
      case 'show': {
        const args = ShowArgs.safeParse(command.args)
        if (!args.success) return invalidArgs(z.prettifyError(args.error))
        request = { address, command: 'text', ...args.data }
        break
      }
      case 'clear':
        request = { address, command: 'clear' }
        break
      case 'brightness': {
        const args = BrightnessArgs.safeParse(command.args)
        if (!args.success) return invalidArgs(z.prettifyError(args.error))
        request = { address, command: 'brightness', level: args.data.level }
        break
      }
      case 'status':
        request = { address, command: 'status' }
        break
      default:
        return {
          ok: false,
          error: {
            code: 'UNKNOWN_COMMAND',
            message: `A counter display has no command "${command.name}"`,
          },
        }
    }
    try {
      await this.#send(request)
    } catch (error) {
      const code =
        error instanceof NotAcknowledgedError ? 'DISPLAY_NOT_ACKNOWLEDGED' : 'DISPLAY_OFFLINE'
      return { ok: false, error: { code, message: messageOf(error) } }
    }
    if (request.command === 'text') this.#shown = { text: request.text, blink: request.blink }
    if (request.command === 'clear') this.#shown = { text: '', blink: false }
    if (request.command === 'brightness') this.#brightness = request.level
    this.#publishState()
    return { ok: true, data: { assumed: this.#assumed, lastAckAt: this.#lastAckAt } }
  }

  /**
   * Asks the display with a status frame, or, once `refreshMs` passed since the text was last
   * written, writes the shown text again (a display that power-cycled shows it again; for
   * displays without ACK this is the only way to recover).
   */
  async healthCheck(): Promise<'ok' | 'degraded' | 'offline'> {
    const context = this.#context
    if (context === null) return 'offline'
    if (!context.link.isOpen) {
      this.#setOnline(false)
      return 'offline'
    }
    const refresh = this.#dueRefresh(context.clock.now())
    if (this.#assumed && refresh === null) return 'ok'
    let result: Transaction
    try {
      result = await this.#transact(
        refresh ?? { address: this.#options.address, command: 'status' },
      )
    } catch {
      // The write failed: the adapter is gone even if the link has not noticed (no `close`).
      this.#setOnline(false)
      return 'offline'
    }
    if (result.ok && refresh !== null) this.#shownAt = context.clock.now()
    this.#setOnline(result.ok)
    if (result.ok) return 'ok'
    return result.reason === 'nak' ? 'degraded' : 'offline'
  }

  #dueRefresh(now: number): DisplayRequest | null {
    const { refreshMs, address } = this.#options
    const shown = this.#shown
    if (refreshMs === 0 || shown === null || this.#shownAt === null) return null
    if (now - this.#shownAt < refreshMs) return null
    return shown.text === ''
      ? { address, command: 'clear' }
      : { address, command: 'text', text: shown.text, blink: shown.blink }
  }

  detach(): void {
    this.#pending?.settle('detached')
    this.#pending = null
    this.#rest = new Uint8Array(0)
    this.#setOnline(false)
    this.#context = null
  }

  async #apply(raw: Record<string, unknown>): Promise<void> {
    const parsed = CounterDisplayDesired.safeParse(raw)
    if (!parsed.success) {
      throw new Error(
        `Invalid desired state of a counter display: ${z.prettifyError(parsed.error)}`,
      )
    }
    const desired = parsed.data
    const address = this.#options.address
    const text = desired.text.slice(0, this.#options.maxTextLength)
    if (text.length < desired.text.length) {
      this.#context?.log.warn(
        { address, length: desired.text.length, maxTextLength: this.#options.maxTextLength },
        'text longer than the display: cut',
      )
    }
    if (desired.brightness !== undefined && desired.brightness !== this.#brightness) {
      await this.#send({ address, command: 'brightness', level: desired.brightness })
      this.#brightness = desired.brightness
    }
    const shown = this.#shown
    if (shown?.text !== text || shown.blink !== desired.blink) {
      await this.#send(
        text === ''
          ? { address, command: 'clear' }
          : { address, command: 'text', text, blink: desired.blink },
      )
      this.#shown = { text, blink: text === '' ? false : desired.blink }
    }
    if (this.#appliedVersion !== desired.version || shown !== this.#shown) {
      this.#appliedVersion = desired.version
      this.#publishState()
    }
  }

  async #send(request: DisplayRequest): Promise<void> {
    const result = await this.#transact(request)
    if (result.ok && (request.command === 'text' || request.command === 'clear')) {
      this.#shownAt = this.#context?.clock.now() ?? null
    }
    this.#setOnline(result.ok)
    if (!result.ok) {
      throw new NotAcknowledgedError(
        `The counter display at address ${request.address} did not acknowledge "${request.command}" after ${result.attempts} attempt(s) (${result.reason})`,
      )
    }
  }

  #transact(request: DisplayRequest): Promise<Transaction> {
    const context = this.#context
    if (context === null) return Promise.reject(new Error('The counter display is not initialised'))
    const frame = this.#codec.encode(request)
    return onBus(context.link, async (): Promise<Transaction> => {
      if (this.#assumed) {
        await context.link.write(frame)
        return { ok: true, attempts: 1 }
      }
      let reason: Exclude<Outcome, 'ack'> = 'timeout'
      const attempts = this.#options.retries + 1
      for (let attempt = 1; attempt <= attempts; attempt += 1) {
        if (this.#context !== context)
          return { ok: false, attempts: attempt - 1, reason: 'detached' }
        const outcome = await this.#exchange(context, frame)
        if (outcome === 'ack') {
          this.#lastAckAt = context.clock.now()
          return { ok: true, attempts: attempt }
        }
        reason = outcome
        context.log.debug(
          { address: request.address, command: request.command, attempt, outcome },
          'display did not acknowledge',
        )
        if (outcome === 'detached') return { ok: false, attempts: attempt, reason }
      }
      return { ok: false, attempts, reason }
    })
  }

  /** Writes one frame and waits for its ACK/NAK or the timeout. */
  #exchange(context: DriverContext, frame: Uint8Array): Promise<Outcome> {
    return new Promise<Outcome>((resolve, reject) => {
      const finish = (): boolean => {
        if (this.#pending !== pending) return false
        this.#pending = null
        timer.cancel()
        return true
      }
      const pending = {
        settle(outcome: Outcome): void {
          if (finish()) resolve(outcome)
        },
      }
      this.#pending = pending
      const timer = context.clock.setTimeout(() => {
        pending.settle('timeout')
      }, this.#options.ackTimeoutMs)
      context.link.write(frame).catch((error: unknown) => {
        if (finish()) reject(error instanceof Error ? error : new Error(String(error)))
      })
    })
  }

  #setOnline(online: boolean): void {
    if (this.#online === online) return
    this.#online = online
    this.#publishState()
  }

  #publishState(): void {
    this.#context?.reportState({
      kind: 'counter-display',
      online: this.#online,
      shown: this.#shown ?? { text: '', blink: false },
      assumed: this.#assumed,
      address: this.#options.address,
      brightness: this.#brightness,
      appliedVersion: this.#appliedVersion,
      lastAckAt: this.#lastAckAt,
    })
  }
}

const invalidArgs = (message: string): CommandResult => ({
  ok: false,
  error: { code: 'INVALID_ARGS', message },
})

const messageOf = (error: unknown): string =>
  error instanceof Error ? error.message : String(error)

/** A counter display driver: `applyDesired` is how the core sets what it shows. */
export interface CounterDisplayDeviceDriver extends DeviceDriver {
  applyDesired(desired: Record<string, unknown>): Promise<void>
}

/** The factory, typed so callers that need `applyDesired` (tests, tools) have it. */
export interface CounterDisplayDriverFactory extends DriverFactory<CounterDisplayOptions> {
  create(options: CounterDisplayOptions, deps?: DriverDeps): CounterDisplayDeviceDriver
}

export const counterDisplayDriver: CounterDisplayDriverFactory = {
  kind: 'counter-display',
  optionsSchema: CounterDisplayOptions,
  create: (options) => new CounterDisplayDriver(options),
}
