import { Language } from '@kqms/shared/domain'
import { PRINT_ERROR_BY_BLOCK, PrintTicketArgs } from '@kqms/shared/mqtt'
import type { PrinterState, PrintResult } from '@kqms/shared/mqtt'
import { z } from 'zod'
import type {
  CommandEnvelope,
  CommandResult,
  DeviceDriver,
  DriverContext,
  DriverDeps,
  DriverFactory,
} from '../driver.js'
import { ASB_ENABLE_MASK, composeTicket } from './compose.js'
import type { ComposedTicket } from './compose.js'
import { createPrinterStore, EMPTY_DURABLE_STATE, rememberJob } from './printer.store.js'
import type { PrinterDurableState, PrinterStore } from './printer.store.js'
import { PRINTER_PROFILES, PrinterProfileName, profileCapabilities } from './profiles.js'
import type { PrinterProfile } from './profiles.js'
import { loadLogoBitmap } from './raster.js'
import type { MonoBitmap } from './raster.js'
import { applyStatusFrame, blockOf, INITIAL_STATUS, statusCodec } from './status.js'
import type { PrinterStatusBits, RealtimeStatusRequest } from './status.js'
import { formatLocalTime, layoutTicket } from './templates.js'

/**
 * The ESC/POS ticket printer driver (design/devices.md §4, §8.5): prints `PrintTicketArgs` as
 * text-or-raster tickets, keeps the printer's status from `DLE EOT` replies and automatic status
 * back, refuses to print while the printer is blocked, prints a job id at most once (across
 * restarts), and counts the paper used.
 */

export const PrinterOptions = z.object({
  profile: PrinterProfileName.default('generic-80'),
  /** Length of a new roll; 80 m is a common 80 mm kiosk roll. */
  rollLengthMm: z.number().positive().max(1_000_000).default(80_000),
  /** Warn (event `printer-status` with `warning: 'paper-low'`) at or below this much paper left. */
  nearEndWarnPercent: z.number().min(0).max(100).default(10),
  /** PNG or JPEG printed instead of the branch name at the top of every ticket. */
  logoPath: z.string().min(1).max(4096).optional(),
  /** How often to poll `DLE EOT` when idle; 0 turns polling off. */
  statusPollMs: z.number().int().min(0).max(3_600_000).default(5_000),
  /** A printer that does not answer a status query within this is offline. */
  statusTimeoutMs: z.number().int().positive().max(60_000).default(1_000),
})
export type PrinterOptions = z.infer<typeof PrinterOptions>

const TestPrintArgs = z
  .object({
    language: Language.default('en'),
    branchName: z.string().max(120).default('KQMS'),
    timeZone: z.string().min(1).max(64).default('UTC'),
    statusUrl: z.url().max(300).default('https://kqms.invalid/printer-test'),
  })
  .default({
    language: 'en',
    branchName: 'KQMS',
    timeZone: 'UTC',
    statusUrl: 'https://kqms.invalid/printer-test',
  })

const PaperReplacedArgs = z
  .object({ rollLengthMm: z.number().positive().max(1_000_000).optional() })
  .default({})

const TEST_PAGE_TICKET_ID = '00000000-0000-4000-8000-000000000000'
const ALL_STATUS_REQUESTS: readonly RealtimeStatusRequest[] = [1, 2, 3, 4]
const LOGO_MAX_HEIGHT_DOTS = 160

/** `ESC @`, the code page of the first text line, `GS a` where supported. */
export function initBytes(profile: PrinterProfile): Uint8Array {
  const bytes = [0x1b, 0x40]
  const firstPage = profile.textCodePages[0]
  if (firstPage) bytes.push(0x1b, 0x74, firstPage.escT)
  if (profile.asb) bytes.push(0x1d, 0x61, ASB_ENABLE_MASK)
  return Uint8Array.from(bytes)
}

const failure = (code: string, message: string): CommandResult => ({
  ok: false,
  error: { code, message },
})

const issuesMessage = (error: z.ZodError) =>
  error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'args'}: ${issue.message}`)
    .join('; ')

interface StatusWaiter {
  resolve(answered: boolean): void
}

type StatusField = 'online' | 'paper' | 'coverOpen' | 'cutterError' | 'blockedBy'
const STATUS_FIELDS: readonly StatusField[] = [
  'online',
  'paper',
  'coverOpen',
  'cutterError',
  'blockedBy',
]

class PrinterDriver implements DeviceDriver {
  readonly kind = 'printer'
  readonly capabilities: readonly string[]
  readonly model: string
  readonly #options: PrinterOptions
  readonly #profile: PrinterProfile
  readonly #store: PrinterStore
  #context: DriverContext | null = null
  #durable: PrinterDurableState | null = null
  #status: PrinterStatusBits = INITIAL_STATUS
  #answering = false
  #pending: RealtimeStatusRequest[] = []
  #waiters: StatusWaiter[] = []
  #waitTimer: { cancel(): void } | null = null
  #rest: Uint8Array = new Uint8Array(0)
  #pollTimer: { cancel(): void } | null = null
  #reported: Pick<PrinterState, StatusField> | null = null
  #paperLowWarned = false
  #lastJob: PrinterState['lastJob'] = null
  #queue: Promise<unknown> = Promise.resolve()
  #logo: Promise<MonoBitmap | null> | null = null
  /** Bumped by `detach`: timers of an earlier link session do nothing. */
  #generation = 0

  constructor(options: PrinterOptions, deps: DriverDeps) {
    this.#options = options
    this.#profile = PRINTER_PROFILES[options.profile]
    this.#store = createPrinterStore(deps.stateDir)
    this.capabilities = profileCapabilities(this.#profile)
    this.model = this.#profile.model
  }

  get #ctx(): DriverContext {
    if (!this.#context) throw new Error('The printer driver is not initialised: call init() first')
    return this.#context
  }

  async init(context: DriverContext): Promise<void> {
    this.detach()
    this.#context = context
    if (!this.#durable) {
      const { state, problem } = await this.#store.load()
      if (problem) context.log.warn({ path: this.#store.path }, problem)
      this.#durable = state
      this.#paperLowWarned = this.#remainingPercent() <= this.#options.nearEndWarnPercent
    }
    await context.link.write(initBytes(this.#profile))
    await this.#refreshStatus(ALL_STATUS_REQUESTS)
    this.#publishState()
    this.#schedulePoll()
  }

  onData(chunk: Uint8Array): void {
    const buffer = new Uint8Array(this.#rest.length + chunk.length)
    buffer.set(this.#rest)
    buffer.set(chunk, this.#rest.length)
    const { frames, rest } = statusCodec.decode(buffer)
    this.#rest = rest
    // Bytes before init (or after detach) answer nothing we asked.
    if (frames.length === 0 || !this.#context) return
    for (const frame of frames) {
      if (frame.kind === 'realtime') {
        const request = this.#pending.shift()
        // An unsolicited real-time byte (no query pending) cannot be interpreted: ignore it.
        if (request === undefined) continue
        this.#status = applyStatusFrame(this.#status, frame, request)
        this.#answering = true
      } else {
        this.#status = applyStatusFrame(this.#status, frame)
        this.#answering = true
      }
    }
    // Publish once per answered batch of queries, so an event carries one coherent change.
    if (this.#pending.length > 0) return
    this.#settleWaiters(true)
    this.#publishState()
  }

  execute(command: CommandEnvelope): Promise<CommandResult> {
    const run = async (): Promise<CommandResult> => {
      switch (command.name) {
        case 'print':
          return this.#print(command)
        case 'test-print':
          return this.#testPrint(command)
        case 'paper-replaced':
          return this.#paperReplaced(command)
        default:
          return failure(
            'UNKNOWN_COMMAND',
            `The printer does not know the command "${command.name}"`,
          )
      }
    }
    return this.#enqueue(run)
  }

  /** One thing at a time: dedupe and the paper counter need it, and status replies match FIFO. */
  #enqueue<T>(task: () => Promise<T>): Promise<T> {
    const result = this.#queue.then(task, task)
    this.#queue = result.catch(() => undefined)
    return result
  }

  async healthCheck(): Promise<'ok' | 'degraded' | 'offline'> {
    if (!this.#context?.link.isOpen) return 'offline'
    // With automatic status back the causes are already known; otherwise ask for them too.
    const answered = await this.#refreshStatus(this.#profile.asb ? [1] : ALL_STATUS_REQUESTS)
    this.#publishState()
    if (!answered) return 'offline'
    return blockOf(this.#status, true) === null ? 'ok' : 'degraded'
  }

  detach(): void {
    this.#generation++
    this.#pollTimer?.cancel()
    this.#pollTimer = null
    this.#settleWaiters(false)
    this.#pending = []
    this.#rest = new Uint8Array(0)
    if (this.#context && this.#answering) {
      this.#answering = false
      this.#publishState()
    }
    this.#answering = false
  }

  // ── status ───────────────────────────────────────────────────────────────────────────────

  /** Sends `DLE EOT n` for each request and waits for every answer or the timeout. */
  async #refreshStatus(requests: readonly RealtimeStatusRequest[]): Promise<boolean> {
    const context = this.#ctx
    if (!context.link.isOpen) {
      this.#answering = false
      return false
    }
    const answered = new Promise<boolean>((resolve) => this.#waiters.push({ resolve }))
    this.#pending.push(...requests)
    if (!this.#waitTimer) {
      this.#waitTimer = context.clock.setTimeout(() => {
        this.#waitTimer = null
        // Replies that come later cannot be matched to their queries: forget them all.
        this.#pending = []
        this.#answering = false
        this.#settleWaiters(false)
      }, this.#options.statusTimeoutMs)
    }
    const bytes = requests.flatMap((request) => Array.from(statusCodec.encode(request)))
    try {
      await context.link.write(Uint8Array.from(bytes))
    } catch (error) {
      context.log.warn({ err: error }, 'printer status query failed')
      this.#pending = []
      this.#answering = false
      this.#settleWaiters(false)
    }
    return answered
  }

  #settleWaiters(answered: boolean): void {
    this.#waitTimer?.cancel()
    this.#waitTimer = null
    const waiters = this.#waiters
    this.#waiters = []
    for (const waiter of waiters) waiter.resolve(answered)
  }

  #schedulePoll(): void {
    const context = this.#context
    if (this.#options.statusPollMs === 0 || !context) return
    const generation = this.#generation
    this.#pollTimer = context.clock.setTimeout(() => {
      this.#pollTimer = null
      // Through the command queue: a poll never interleaves its queries with a print job.
      void this.#enqueue(async () => {
        if (generation !== this.#generation || !context.link.isOpen) return
        await this.#refreshStatus(ALL_STATUS_REQUESTS)
        this.#publishState()
      }).finally(() => {
        if (generation === this.#generation) this.#schedulePoll()
      })
    }, this.#options.statusPollMs)
  }

  #rollLengthMm(): number {
    return this.#durable?.rollLengthMm ?? this.#options.rollLengthMm
  }

  #remainingPercent(): number {
    const used = this.#durable?.paperUsedMm ?? 0
    const percent = 100 * (1 - used / this.#rollLengthMm())
    return Math.round(Math.min(100, Math.max(0, percent)) * 10) / 10
  }

  /** The full reported state. */
  state(): PrinterState {
    const durable = this.#durable ?? EMPTY_DURABLE_STATE
    const online = this.#answering && (this.#context?.link.isOpen ?? false)
    return {
      kind: 'printer',
      online,
      paper: this.#status.paper,
      coverOpen: this.#status.coverOpen,
      cutterError: this.#status.cutterError,
      blockedBy: blockOf(this.#status, online),
      paperUsedMm: durable.paperUsedMm,
      rollLengthMm: this.#rollLengthMm(),
      paperRemainingPercent: this.#remainingPercent(),
      ticketsPrinted: durable.ticketsPrinted,
      profile: this.#profile.name,
      lastJob: this.#lastJob,
      ts: this.#ctx.clock.now(),
    }
  }

  #publishState(): void {
    const context = this.#ctx
    const state = this.state()
    context.reportState(state)
    const diff: Record<string, unknown> = {}
    for (const field of STATUS_FIELDS) {
      if (!this.#reported || this.#reported[field] !== state[field]) diff[field] = state[field]
    }
    const previous = this.#reported
    this.#reported = {
      online: state.online,
      paper: state.paper,
      coverOpen: state.coverOpen,
      cutterError: state.cutterError,
      blockedBy: state.blockedBy,
    }
    if (previous && Object.keys(diff).length > 0) context.emitEvent('printer-status', diff)
    const low = state.paperRemainingPercent <= this.#options.nearEndWarnPercent
    if (low && !this.#paperLowWarned) {
      context.emitEvent('printer-status', {
        warning: 'paper-low',
        paperRemainingPercent: state.paperRemainingPercent,
        paperUsedMm: state.paperUsedMm,
        rollLengthMm: state.rollLengthMm,
      })
    }
    this.#paperLowWarned = low
  }

  // ── commands ─────────────────────────────────────────────────────────────────────────────

  async #print(command: CommandEnvelope): Promise<CommandResult> {
    const parsed = PrintTicketArgs.safeParse(command.args)
    if (!parsed.success)
      return failure('PRINT_INVALID', `Invalid print arguments: ${issuesMessage(parsed.error)}`)
    const args = parsed.data
    // The QR code sends customers there: only a web page, never javascript: or data: URLs.
    if (!/^https?:$/.test(new URL(args.statusUrl).protocol)) {
      return failure('PRINT_INVALID', 'Invalid print arguments: statusUrl: must be an http(s) URL')
    }
    try {
      formatLocalTime(args.issuedAt, args.timeZone)
    } catch {
      return failure(
        'PRINT_INVALID',
        `Invalid print arguments: timeZone: unknown time zone "${args.timeZone}"`,
      )
    }
    const durable = this.#durable ?? EMPTY_DURABLE_STATE
    const seen = durable.recentJobs.find((job) => job.id === command.id)
    if (seen) {
      const result: PrintResult = { mode: seen.mode, bytes: 0, paperUsedMm: 0, duplicate: true }
      return { ok: true, data: result }
    }
    return this.#printJob({ id: command.id, args, remember: true, expiresAt: command.expiresAt })
  }

  async #testPrint(command: CommandEnvelope): Promise<CommandResult> {
    const parsed = TestPrintArgs.safeParse(command.args ?? undefined)
    if (!parsed.success)
      return failure(
        'PRINT_INVALID',
        `Invalid test-print arguments: ${issuesMessage(parsed.error)}`,
      )
    const args = PrintTicketArgs.safeParse({
      template: 'test-page',
      language: parsed.data.language,
      ticketId: TEST_PAGE_TICKET_ID,
      number: 'TEST',
      branchName: parsed.data.branchName,
      serviceName: '',
      issuedAt: this.#ctx.clock.now(),
      timeZone: parsed.data.timeZone,
      ahead: 0,
      waitMinutes: null,
      statusUrl: parsed.data.statusUrl,
    })
    if (!args.success)
      return failure('PRINT_INVALID', `Invalid test-print arguments: ${issuesMessage(args.error)}`)
    try {
      formatLocalTime(args.data.issuedAt, args.data.timeZone)
    } catch {
      return failure(
        'PRINT_INVALID',
        `Invalid test-print arguments: timeZone: unknown time zone "${args.data.timeZone}"`,
      )
    }
    return this.#printJob({
      id: command.id,
      args: args.data,
      remember: false,
      expiresAt: command.expiresAt,
    })
  }

  async #paperReplaced(command: CommandEnvelope): Promise<CommandResult> {
    const parsed = PaperReplacedArgs.safeParse(command.args ?? undefined)
    if (!parsed.success)
      return failure(
        'INVALID_ARGS',
        `Invalid paper-replaced arguments: ${issuesMessage(parsed.error)}`,
      )
    const durable = this.#durable ?? EMPTY_DURABLE_STATE
    this.#durable = {
      ...durable,
      paperUsedMm: 0,
      rollLengthMm: parsed.data.rollLengthMm ?? durable.rollLengthMm,
    }
    await this.#store.save(this.#durable)
    await this.#refreshStatus(ALL_STATUS_REQUESTS)
    this.#publishState()
    return { ok: true, data: { rollLengthMm: this.#rollLengthMm() } }
  }

  async #loadLogo(): Promise<MonoBitmap | null> {
    const path = this.#options.logoPath
    if (!path) return null
    this.#logo ??= loadLogoBitmap({
      path,
      widthDots: this.#profile.widthDots,
      maxHeightDots: LOGO_MAX_HEIGHT_DOTS,
    }).catch((error: unknown) => {
      this.#ctx.log.warn({ err: error, path }, 'printer logo unusable; printing the branch name')
      return null
    })
    return this.#logo
  }

  async #printJob(job: {
    id: string
    args: PrintTicketArgs
    remember: boolean
    expiresAt: number
  }): Promise<CommandResult> {
    const context = this.#ctx
    const answered = await this.#refreshStatus(ALL_STATUS_REQUESTS)
    const block = blockOf(this.#status, answered && context.link.isOpen)
    if (block) {
      this.#lastJob = { id: job.id, ok: false, code: PRINT_ERROR_BY_BLOCK[block] }
      this.#publishState()
      return failure(PRINT_ERROR_BY_BLOCK[block], `The printer cannot print: ${block}`)
    }
    let composed: ComposedTicket
    try {
      composed = composeTicket({
        lines: layoutTicket(job.args, this.#profile),
        profile: this.#profile,
        logo: await this.#loadLogo(),
      })
    } catch (error) {
      context.log.warn({ err: error, jobId: job.id }, 'ticket could not be composed')
      return this.#failJob(job.id, 'PRINT_FAILED', 'The ticket could not be composed')
    }
    // Waiting for the printer took long enough that the customer has gone: do not print.
    if (context.clock.now() >= job.expiresAt) {
      return this.#failJob(job.id, 'PRINT_EXPIRED', 'The print job expired before it could print')
    }
    const before = this.#durable ?? EMPTY_DURABLE_STATE
    const entry = {
      id: job.id,
      mode: composed.mode,
      bytes: composed.bytes.length,
      paperUsedMm: composed.paperMm,
    }
    // Remembered before the bytes go out: a crash mid-job must not print the ticket twice.
    if (job.remember) {
      this.#durable = rememberJob(before, entry)
      await this.#store.save(this.#durable)
    }
    try {
      await context.link.write(composed.bytes)
    } catch (error) {
      context.log.warn({ err: error, jobId: job.id }, 'print job write failed')
      this.#durable = before
      await this.#store.save(before)
      return this.#failJob(job.id, 'PRINT_FAILED', 'The ticket could not be sent to the printer')
    }
    const current = this.#durable ?? before
    this.#durable = {
      ...current,
      paperUsedMm: Math.round((current.paperUsedMm + composed.paperMm) * 10) / 10,
      ticketsPrinted: current.ticketsPrinted + 1,
    }
    await this.#store.save(this.#durable)
    await this.#refreshStatus(ALL_STATUS_REQUESTS)
    this.#lastJob = { id: job.id, ok: true }
    this.#publishState()
    const result: PrintResult = {
      mode: composed.mode,
      bytes: composed.bytes.length,
      paperUsedMm: composed.paperMm,
      duplicate: false,
    }
    return { ok: true, data: result }
  }

  #failJob(id: string, code: string, message: string): CommandResult {
    this.#lastJob = { id, ok: false, code }
    this.#publishState()
    return failure(code, message)
  }
}

export const printerDriver: DriverFactory<PrinterOptions> = {
  kind: 'printer',
  optionsSchema: PrinterOptions,
  create: (options, deps) => new PrinterDriver(options, deps),
}

export { PRINTER_PROFILES } from './profiles.js'
export type { PrinterProfile, PrinterProfileName } from './profiles.js'
