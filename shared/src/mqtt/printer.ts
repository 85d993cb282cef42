import { z } from 'zod'
import { Language, TicketId } from '../domain/ids.js'
import { Millis } from './messages.js'

/**
 * The ticket printer's contract between the appliance and a firmware bridge
 * (design/devices.md §4, §8.2). A printer is an enrolled device (`kind: 'printer'`) driven by a
 * bridge; a kiosk prints on the printer whose `attachedTo` names it.
 *
 * - `dev/{printerId}/state` (retained, bridge → core): `PrinterState`.
 * - `dev/{printerId}/cmd/print` (not retained, core → bridge): `CommandEnvelope` whose `args` is
 *   `PrintTicketArgs`; `id` is the print job id (one per ticket: a resent job prints once).
 * - `dev/{printerId}/reply/{id}` (bridge → core): `CommandReply`; `data` is `PrintResult` when ok,
 *   `error.code` one of `PRINT_ERROR_CODES` otherwise.
 */

export const PaperLevel = z.enum(['ok', 'near-end', 'out'])
export type PaperLevel = z.infer<typeof PaperLevel>

/** Why a printer cannot print now; null in `PrinterState.blockedBy` when it can. */
export const PrinterBlock = z.enum([
  'paper-out',
  'cover-open',
  'cutter-error',
  'unrecoverable-error',
  'offline',
])
export type PrinterBlock = z.infer<typeof PrinterBlock>

/** `dev/{printerId}/state`: the printer's full reported state. */
export const PrinterState = z.object({
  kind: z.literal('printer'),
  /** The transport is open and the printer answers status queries. */
  online: z.boolean(),
  paper: PaperLevel,
  coverOpen: z.boolean(),
  cutterError: z.boolean(),
  /** Null when the printer can print; otherwise the first reason it cannot. */
  blockedBy: PrinterBlock.nullable(),
  /** Paper fed since the roll was last changed, and the roll's length; the manager is warned early. */
  paperUsedMm: z.number().nonnegative(),
  rollLengthMm: z.number().positive(),
  /** 0–100, estimated from `paperUsedMm` (the sensor only says near-end late). */
  paperRemainingPercent: z.number().min(0).max(100),
  ticketsPrinted: z.number().int().nonnegative(),
  /** The printer profile in use (code pages, width, raster support). */
  profile: z.string().max(64),
  lastJob: z
    .object({ id: z.string().max(128), ok: z.boolean(), code: z.string().max(64).optional() })
    .nullable(),
  ts: Millis,
})
export type PrinterState = z.infer<typeof PrinterState>

/** What is printed on a ticket, in the customer's language; the bridge holds the layout. */
export const PrintTicketArgs = z.object({
  template: z.enum(['ticket', 'appointment-ticket', 'test-page']),
  language: Language,
  ticketId: TicketId,
  /** `A042`: printed in large type. */
  number: z.string().min(1).max(16),
  branchName: z.string().max(120),
  /** The service's name in the ticket's language. */
  serviceName: z.string().max(120),
  issuedAt: Millis,
  /** IANA zone the printed time is shown in. */
  timeZone: z.string().min(1).max(64),
  /** Customers ahead when the ticket was taken. */
  ahead: z.number().int().nonnegative(),
  /** Expected wait range in minutes; null when it cannot be estimated. */
  waitMinutes: z
    .object({ low: z.number().int().nonnegative(), high: z.number().int().nonnegative() })
    .nullable(),
  /** The status page the ticket's QR code opens. */
  statusUrl: z.url({ protocol: /^https?$/ }).max(300),
  /** Appointment tickets: the booked time. */
  appointmentAt: Millis.optional(),
})
export type PrintTicketArgs = z.infer<typeof PrintTicketArgs>

/** `CommandReply.data` of a successful print. */
export const PrintResult = z.object({
  /** `text` when every line encoded in the profile's code pages, `raster` when any line was an image. */
  mode: z.enum(['text', 'raster', 'mixed']),
  bytes: z.number().int().nonnegative(),
  paperUsedMm: z.number().nonnegative(),
  /** True when the job id was seen before: nothing was printed again. */
  duplicate: z.boolean(),
})
export type PrintResult = z.infer<typeof PrintResult>

/** Error codes of a refused or failed print (the kiosk then shows the ticket on screen). */
export const PRINT_ERROR_CODES = [
  'PRINTER_PAPER_OUT',
  'PRINTER_COVER_OPEN',
  'PRINTER_CUTTER_ERROR',
  'PRINTER_ERROR',
  'PRINTER_OFFLINE',
  'PRINT_EXPIRED',
  'PRINT_INVALID',
  'PRINT_FAILED',
] as const
export type PrintErrorCode = (typeof PRINT_ERROR_CODES)[number]

/** The print error code for a printer block. */
export const PRINT_ERROR_BY_BLOCK: Readonly<Record<PrinterBlock, PrintErrorCode>> = {
  'paper-out': 'PRINTER_PAPER_OUT',
  'cover-open': 'PRINTER_COVER_OPEN',
  'cutter-error': 'PRINTER_CUTTER_ERROR',
  'unrecoverable-error': 'PRINTER_ERROR',
  offline: 'PRINTER_OFFLINE',
}

/** How long a print job stays worth printing: a customer does not wait at the kiosk longer. */
export const PRINT_JOB_TTL_MS = 60_000

/**
 * `dev/{counterDisplayId}/state` of an LED counter display driven by a bridge: what it shows now.
 * `assumed` is true when the display does not acknowledge frames (the bridge assumes it shows it).
 */
export const LedDisplayState = z.object({
  kind: z.literal('counter-display'),
  online: z.boolean(),
  shown: z.object({ text: z.string().max(64), blink: z.boolean() }),
  assumed: z.boolean(),
  ts: Millis,
})
export type LedDisplayState = z.infer<typeof LedDisplayState>
