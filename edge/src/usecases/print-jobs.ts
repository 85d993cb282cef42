import type { PrintTicketResponse } from '@kqms/shared/api'
import type { Instant, Language, TicketId } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import {
  CommandReply,
  PRINT_ERROR_BY_BLOCK,
  PRINT_ERROR_CODES,
  PRINT_JOB_TTL_MS,
  PrintResult,
  isExpired,
  parsePayload,
  topics,
  type CommandEnvelope,
  type DeviceAvailability,
  type PrintErrorCode,
  type PrintTicketArgs,
  type PrinterState,
} from '@kqms/shared/mqtt'
import type { Logger } from 'pino'
import { canonicalJson } from '../db/canonical-json.js'
import type { EdgeDatabase } from '../db/open-database.js'
import {
  findPrintJob,
  insertPrintJob,
  listOpenPrintJobs,
  settlePrintJob,
  updatePrintJob,
  type PrintJobRow,
} from '../db/print-job.store.js'
import type { QueueState, Ticket } from '../domain/state.js'
import { predictWaits } from '../domain/prediction.js'
import { toWaitRange } from '../views/public.views.js'
import type { DeviceRegistry } from './device-registry.js'
import type { Clock, QueueRuntime } from './ports.js'

/**
 * Ticket printing through a firmware bridge (design/devices.md §8.2 "Print jobs"). A kiosk asks
 * for its ticket to be printed; the core keeps a durable job (`print-<ticketId>`, one per ticket),
 * publishes `dev/{printerId}/cmd/print` and settles the job from the printer's `CommandReply`. A
 * job not settled is re-sent with the same id when its printer is born again (a new `bdSeq`),
 * until it expires; the bridge deduplicates by id, so a ticket never prints twice. A printer that
 * is offline or says it cannot print (`blockedBy`) refuses at once, without a publish, and the
 * kiosk shows the ticket on screen.
 */

/** Codes of a print request's answer: the printer's codes plus the core's own. */
type PrintAnswerCode = PrintTicketResponse['code'] & string

/** The answer to a print request (`duplicate`: printed or sent before, nothing sent again). */
export type PrintOutcome = PrintTicketResponse

/** What the core knows of a printer: its availability (with the birth's bdSeq) and last state. */
export interface PrinterStatus {
  readonly printerId: string
  readonly availability: 'online' | 'offline' | 'unknown'
  readonly bdSeq: number | null
  readonly state: PrinterState | null
}

export type PublishCommand = (topic: string, payload: CommandEnvelope) => Promise<void>

export interface PrintJobsDeps {
  readonly database: EdgeDatabase
  readonly clock: Clock
  readonly log: Logger
  readonly registry: Pick<DeviceRegistry, 'branchId' | 'find' | 'attachedTo'>
  readonly runtime: Pick<QueueRuntime, 'state'>
  /** Publishes a command (QoS 1, never retained). */
  readonly publish: PublishCommand
  /** Base of the status URL printed as the ticket's QR code. */
  readonly publicBaseUrl: string
  /** How long a print request waits for the printer's reply (default 4 s). */
  readonly replyWaitMs?: number
}

export type DroppedReplyReason = 'malformed' | 'foreign' | 'duplicate'

export interface PrintJobs {
  print(input: { kioskId: string; ticketId: TicketId }): Promise<PrintOutcome>
  /** A message on `dev/{printerId}/reply/{commandId}`. */
  onReply(input: { deviceId: string; commandId: string; payload: Buffer }): void
  onAvailability(input: { deviceId: string; availability: DeviceAvailability }): void
  onState(input: { deviceId: string; state: PrinterState | null }): void
  status(printerId: string): PrinterStatus
  /** Called after a printer's availability or state changed. */
  onPrinterChange(listener: (printerId: string) => void): () => void
  /** Replies dropped so far, by reason. */
  droppedReplies(): Readonly<Record<DroppedReplyReason, number>>
  /** Ends pending waits (they answer `PRINT_TIMEOUT`). */
  stop(): void
}

export const printJobId = (ticketId: string): string => `print-${ticketId}`

const KNOWN_CODES: ReadonlySet<string> = new Set(PRINT_ERROR_CODES)

/** What is printed on the ticket, in its language (pure). */
export function toPrintTicketArgs(
  state: QueueState,
  input: { ticket: Ticket; now: number; publicBaseUrl: string },
): PrintTicketArgs {
  const { ticket } = input
  const language: Language = ticket.language
  const service = state.services.get(ticket.serviceId)
  const branch = state.branch
  const prediction =
    ticket.status === 'waiting'
      ? predictWaits(state, input.now as Instant).get(ticket.id)
      : undefined
  const wait = toWaitRange(prediction)
  const ahead =
    prediction?.expectedSeconds != null
      ? prediction.ahead
      : [...state.tickets.values()].filter(
          (t) =>
            t.status === 'waiting' &&
            t.serviceId === ticket.serviceId &&
            (t.queuedAt < ticket.queuedAt ||
              (t.queuedAt === ticket.queuedAt && t.sequence < ticket.sequence)),
        ).length
  return {
    template: ticket.priorityClass === 'appointment' ? 'appointment-ticket' : 'ticket',
    language,
    ticketId: ticket.id,
    number: ticket.number,
    branchName: (branch?.name[language] ?? '').slice(0, 120),
    serviceName: (service?.name[language] ?? ticket.serviceId).slice(0, 120),
    issuedAt: ticket.issuedAt,
    timeZone: branch?.timeZone ?? 'UTC',
    ahead,
    waitMinutes: wait === null ? null : { low: wait.lowMinutes, high: wait.highMinutes },
    statusUrl: `${input.publicBaseUrl.replace(/\/+$/, '')}/status/${encodeURIComponent(ticket.id)}`,
  }
}

export function createPrintJobs(deps: PrintJobsDeps): PrintJobs {
  const { database, clock, registry } = deps
  const db = database.db
  const log = deps.log.child({ module: 'print-jobs' })
  const branchId = registry.branchId
  const replyWaitMs = deps.replyWaitMs ?? 4_000
  const printers = new Map<string, PrinterStatus>()
  const waiters = new Map<string, Set<() => void>>()
  const listeners = new Set<(printerId: string) => void>()
  const dropped: Record<DroppedReplyReason, number> = { malformed: 0, foreign: 0, duplicate: 0 }
  const timers = new Set<{ timer: NodeJS.Timeout; done: () => void }>()

  const statusOf = (printerId: string): PrinterStatus =>
    printers.get(printerId) ?? { printerId, availability: 'unknown', bdSeq: null, state: null }

  const changed = (printerId: string): void => {
    for (const listener of listeners) {
      try {
        listener(printerId)
      } catch (error) {
        log.error({ err: error, printerId }, 'printer change listener failed')
      }
    }
  }

  const wake = (jobId: string): void => {
    const pending = waiters.get(jobId)
    if (!pending) return
    waiters.delete(jobId)
    for (const resolve of pending) resolve()
  }

  /** Resolves when the job settles or after `ms`, whichever comes first. */
  const waitFor = (jobId: string, ms: number): Promise<void> =>
    new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => done(), ms),
        done: () => done(),
      }
      const done = (): void => {
        clearTimeout(entry.timer)
        timers.delete(entry)
        waiters.get(jobId)?.delete(done)
        resolve()
      }
      timers.add(entry)
      const set = waiters.get(jobId) ?? new Set()
      set.add(done)
      waiters.set(jobId, set)
    })

  const send = async (job: PrintJobRow, bdSeq: number | null): Promise<void> => {
    const now = clock.now()
    const envelope: CommandEnvelope = {
      id: job.id,
      name: 'print',
      ts: now,
      expiresAt: job.expiresAt,
      args: JSON.parse(job.args) as unknown,
    }
    updatePrintJob(db, {
      id: job.id,
      patch: { state: 'sent', attempts: job.attempts + 1, sentAt: now, sentBdSeq: bdSeq },
    })
    await deps.publish(topics.deviceCommand(branchId, job.printerId, 'print'), envelope)
    log.info(
      { jobId: job.id, printerId: job.printerId, attempt: job.attempts + 1, bdSeq },
      'print job sent',
    )
  }

  const expire = (job: PrintJobRow): void => {
    if (
      settlePrintJob(db, {
        id: job.id,
        state: 'expired',
        errorCode: 'PRINT_EXPIRED',
        at: clock.now(),
      })
    ) {
      log.warn({ jobId: job.id, printerId: job.printerId }, 'print job expired')
      wake(job.id)
    }
  }

  /** The answer for a job as it stands now. */
  const answerOf = (job: PrintJobRow, duplicate: boolean): PrintOutcome => {
    const base = { jobId: job.id, printerId: job.printerId, duplicate }
    switch (job.state) {
      case 'printed':
        return { ...base, state: 'printed' }
      case 'failed':
        return { ...base, state: 'failed', code: toCode(job.errorCode) }
      case 'expired':
        return { ...base, state: 'unavailable', code: 'PRINT_EXPIRED' }
      case 'queued':
      case 'sent':
        return { ...base, state: 'unavailable', code: 'PRINT_TIMEOUT' }
    }
  }

  /** Why the printer cannot take a job now, or null when it can. */
  const refusal = (printerId: string): PrintAnswerCode | null => {
    const status = statusOf(printerId)
    if (status.availability !== 'online') return 'PRINTER_OFFLINE'
    const blockedBy = status.state?.blockedBy ?? null
    if (blockedBy !== null) return PRINT_ERROR_BY_BLOCK[blockedBy]
    return null
  }

  const settled = async (jobId: string, duplicate: boolean): Promise<PrintOutcome> => {
    const current = findPrintJob(db, jobId)
    if (!current) throw new Error(`print job ${jobId} vanished`)
    if (current.state === 'queued' || current.state === 'sent') {
      if (isExpired(current, clock.now())) {
        expire(current)
        return answerOf({ ...current, state: 'expired' }, duplicate)
      }
      await waitFor(jobId, replyWaitMs)
    }
    const after = findPrintJob(db, jobId)
    if (!after) throw new Error(`print job ${jobId} vanished`)
    return answerOf(after, duplicate)
  }

  return {
    async print({ kioskId, ticketId }) {
      const state = deps.runtime.state()
      const ticket = state.tickets.get(ticketId)
      if (!ticket) throw new DomainError('NOT_FOUND', `No ticket ${ticketId} today`)
      const jobId = printJobId(ticketId)
      const printer = registry.attachedTo({ kioskId, kind: 'printer' })[0] ?? null
      const existing = findPrintJob(db, jobId)
      if (existing) {
        log.info({ jobId, state: existing.state, kioskId }, 'print requested again')
        return settled(jobId, true)
      }
      if (printer === null)
        return {
          jobId,
          printerId: null,
          state: 'unavailable',
          code: 'NO_PRINTER',
          duplicate: false,
        }
      const refused = refusal(printer.id)
      if (refused !== null) {
        log.info({ jobId, printerId: printer.id, code: refused }, 'print refused')
        return {
          jobId,
          printerId: printer.id,
          state: 'unavailable',
          code: refused,
          duplicate: false,
        }
      }
      const now = clock.now()
      const args = toPrintTicketArgs(state, { ticket, now, publicBaseUrl: deps.publicBaseUrl })
      const job: PrintJobRow = {
        id: jobId,
        ticketId,
        printerId: printer.id,
        kioskId,
        state: 'queued',
        errorCode: null,
        attempts: 0,
        args: canonicalJson(args),
        createdAt: now,
        sentAt: null,
        sentBdSeq: null,
        settledAt: null,
        expiresAt: now + PRINT_JOB_TTL_MS,
      }
      insertPrintJob(db, job)
      try {
        await send(job, statusOf(printer.id).bdSeq)
      } catch (error) {
        // Still queued: the printer's next birth sends it.
        log.error({ err: error, jobId, printerId: printer.id }, 'print job not published')
      }
      return settled(jobId, false)
    },

    onReply({ deviceId, commandId, payload }) {
      const reply = parsePayload(CommandReply, payload)
      if (!reply) {
        dropped.malformed++
        log.warn({ deviceId, commandId }, 'malformed command reply dropped')
        return
      }
      const job = findPrintJob(db, reply.id)
      if (!job || reply.id !== commandId || job.printerId !== deviceId) {
        dropped.foreign++
        log.warn({ deviceId, commandId }, 'reply to an unknown command dropped')
        return
      }
      const now = clock.now()
      let outcome: { state: 'printed' | 'failed' | 'expired'; code: string | null }
      if (reply.ok) {
        const result = PrintResult.safeParse(reply.data)
        if (!result.success) log.warn({ jobId: job.id }, 'print reply without a PrintResult')
        outcome = { state: 'printed', code: null }
      } else if (reply.error.code === 'PRINT_EXPIRED' || reply.error.code === 'expired') {
        outcome = { state: 'expired', code: 'PRINT_EXPIRED' }
      } else {
        outcome = { state: 'failed', code: toCode(reply.error.code) }
      }
      if (
        !settlePrintJob(db, { id: job.id, state: outcome.state, errorCode: outcome.code, at: now })
      ) {
        dropped.duplicate++
        log.info({ jobId: job.id, state: job.state }, 'reply to a settled print job ignored')
        return
      }
      log.info(
        { jobId: job.id, printerId: deviceId, state: outcome.state, code: outcome.code },
        'print job settled',
      )
      wake(job.id)
    },

    onAvailability({ deviceId, availability }) {
      const before = statusOf(deviceId)
      // A death older than the current birth is a stale Will (Sparkplug bdSeq).
      if (
        availability.state === 'offline' &&
        before.bdSeq !== null &&
        availability.bdSeq < before.bdSeq
      )
        return
      const reborn =
        availability.state === 'online' &&
        (before.availability !== 'online' || before.bdSeq !== availability.bdSeq)
      printers.set(deviceId, {
        ...before,
        availability: availability.state,
        bdSeq: availability.bdSeq,
      })
      if (before.availability !== availability.state || before.bdSeq !== availability.bdSeq)
        changed(deviceId)
      if (!reborn) return
      for (const job of listOpenPrintJobs(db, deviceId)) {
        if (isExpired(job, clock.now())) {
          expire(job)
          continue
        }
        if (job.state === 'sent' && job.sentBdSeq === availability.bdSeq) continue
        send(job, availability.bdSeq).catch((error: unknown) =>
          log.error({ err: error, jobId: job.id }, 'print job not re-sent'),
        )
      }
    },

    onState({ deviceId, state }) {
      const before = statusOf(deviceId)
      printers.set(deviceId, { ...before, state })
      changed(deviceId)
    },

    status: statusOf,

    onPrinterChange(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },

    droppedReplies: () => ({ ...dropped }),

    stop() {
      for (const entry of [...timers]) entry.done()
    },
  }
}

function toCode(code: string | null): PrintErrorCode {
  return code !== null && KNOWN_CODES.has(code) ? (code as PrintErrorCode) : 'PRINT_FAILED'
}
