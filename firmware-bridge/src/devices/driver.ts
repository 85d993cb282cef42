import type { CommandEnvelope, CommandReply } from '@kqms/shared/mqtt'
import type { ZodType } from 'zod'
import type { Link } from '../links/link.js'

/**
 * The driver interface of a device kind (design/devices.md §8.5). One supervisor per device owns
 * its link and its driver: open link → `init` (handshake) → `applyDesired(last)` → birth. Drivers
 * hold the protocol (codecs and parsers are pure and golden-tested); the supervisor holds the
 * lifecycle, the MQTT side, deduplication by command id and expiry.
 */

export type DriverKind = 'printer' | 'card-reader' | 'counter-display' | 'button-panel'

/** Time as an input: drivers never read the clock or set timers directly. */
export interface DriverClock {
  now(): number
  setTimeout(callback: () => void, ms: number): { cancel(): void }
}

/** A log that never sees card data, phone numbers or secrets (drivers scrub before logging). */
export interface DriverLog {
  debug(fields: object, message?: string): void
  info(fields: object, message?: string): void
  warn(fields: object, message?: string): void
}

export interface DriverContext {
  readonly deviceId: string
  readonly link: Link
  readonly clock: DriverClock
  readonly log: DriverLog
  /** Merges `patch` into the device's reported state; the bridge publishes it retained (debounced). */
  reportState(patch: Record<string, unknown>): void
  /** Publishes `dev/{deviceId}/event/{type}` with a fresh id, `ts` and `expiresAt` added. */
  emitEvent(type: 'button' | 'card' | 'printer-status', payload: Record<string, unknown>): void
}

/** The result of a command, sent back as `dev/{deviceId}/reply/{id}` (ts and id added). */
export type CommandResult =
  | { readonly ok: true; readonly data?: unknown }
  | { readonly ok: false; readonly error: { readonly code: string; readonly message: string } }

export type { CommandEnvelope, CommandReply }

export interface DeviceDriver {
  readonly kind: DriverKind
  /** For `dev/{id}/meta`: e.g. `print.raster`, `print.text.rk1048`, `status.asb`, `cut.partial`. */
  readonly capabilities: readonly string[]
  /** Model name for `meta` (from the profile or the handshake). */
  readonly model: string
  /** Handshake after every (re)open: reset, code page, enable automatic status back… */
  init(context: DriverContext): Promise<void>
  /** Bytes from the link; the driver's parsers reassemble split frames. */
  onData(chunk: Uint8Array): void
  /** The retained desired state from the core, applied after every init and on change (idempotent). */
  applyDesired?(desired: Record<string, unknown>): Promise<void>
  /**
   * Runs a command that is not expired and not a duplicate (the supervisor checks both). A driver
   * that does not know the command answers `{ ok: false, error: { code: 'UNKNOWN_COMMAND' } }`.
   */
  execute(command: CommandEnvelope): Promise<CommandResult>
  /** Asks the device how it is (e.g. DLE EOT with a timeout); `offline` makes the supervisor reopen. */
  healthCheck(): Promise<'ok' | 'degraded' | 'offline'>
  /** The link is gone (closed or failed): forget pending requests, stop timers. */
  detach(): void
}

/** A pure frame codec (golden-byte tested): encode requests, decode a byte stream with a remainder. */
export interface FrameCodec<Request, Response> {
  encode(request: Request): Uint8Array
  decode(buffer: Uint8Array): { frames: Response[]; rest: Uint8Array }
}

/**
 * What each `devices/<kind>/index.ts` exports: the zod schema of the kind's `options` in the bridge
 * configuration file, and a constructor. `src/devices/index.ts` lists the kinds.
 */
export interface DriverFactory<Options = unknown> {
  readonly kind: DriverKind
  readonly optionsSchema: ZodType<Options>
  create(options: Options, deps: DriverDeps): DeviceDriver
}

/** What the bridge gives every driver it creates, besides its options. */
export interface DriverDeps {
  /** Folder for the driver's durable state (paper counters, recent job ids): survives restarts. */
  readonly stateDir: string
  /** Secrets named in the configuration (e.g. the card token HMAC key), resolved by the bridge. */
  readonly secrets: Readonly<Record<string, string>>
}
