import {
  toStatusMessage,
  type BranchView,
  type PublicTicketStatus,
  type QueueView,
  type StatusView,
  type TicketView,
  type WaitRange,
} from '@kqms/shared/api'
import {
  BusinessDay,
  Language,
  PriorityClass,
  ServiceId,
  TicketId,
  toInstant,
  type CounterId,
  type Instant,
  type Service,
} from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import { isOpenAt, toLocalTime } from '../domain/calendar.js'
import { predictWaits, type WaitPrediction } from '../domain/prediction.js'
import type { QueueState, Ticket } from '../domain/state.js'
import type { TicketRow } from '../usecases/ports.js'

/** Rendering of queue state for customers: branch, queues, tickets and their status page. */

export const toIso = (ms: number): string => new Date(ms).toISOString()
export const toIsoOrNull = (ms: number | null): string | null => (ms === null ? null : toIso(ms))

export function toWaitRange(prediction: WaitPrediction | undefined): WaitRange | null {
  if (prediction?.expectedSeconds == null) return null
  const expectedSeconds = Math.max(0, Math.round(prediction.expectedSeconds))
  const lowSeconds = Math.max(0, Math.round(prediction.lowSeconds ?? expectedSeconds))
  const highSeconds = Math.max(
    expectedSeconds,
    Math.round(prediction.highSeconds ?? expectedSeconds),
  )
  return {
    expectedSeconds,
    lowSeconds,
    highSeconds,
    expectedMinutes: Math.round(expectedSeconds / 60),
    lowMinutes: Math.floor(lowSeconds / 60),
    highMinutes: Math.ceil(highSeconds / 60),
  }
}

const timeZoneOf = (state: QueueState): string => state.branch?.timeZone ?? 'UTC'

/** Tickets are issued while the service's hours (else the branch's) say open; no hours = open. */
export function isServiceOpen(state: QueueState, service: Service, now: Instant): boolean {
  const hours = service.openingHours ?? state.branch?.openingHours
  return hours === undefined ? true : isOpenAt(hours, now, timeZoneOf(state))
}

export function toBranchViews(
  state: QueueState,
  now: Instant,
  options: { appointmentCheckIn: boolean } = { appointmentCheckIn: false },
): BranchView[] {
  const branch = state.branch
  if (!branch) return []
  return [
    {
      id: branch.id,
      name: branch.name,
      address: branch.address,
      timeZone: branch.timeZone,
      openingHours: branch.openingHours,
      isOpen: isOpenAt(branch.openingHours, now, branch.timeZone),
      selfDeclarable: [...state.policy.selfDeclarable],
      appointmentCheckIn: options.appointmentCheckIn,
    },
  ]
}

/** Fixed id of the imaginary ticket used to predict the wait of a ticket taken now. */
const PROBE_TICKET_ID = TicketId.parse('00000000-0000-4000-8000-000000000000')

/** Predicted wait of a regular ticket taken now for `serviceId` (a probe ticket added to the state). */
export function predictNewTicket(
  state: QueueState,
  serviceId: ServiceId,
  now: Instant,
): WaitPrediction | undefined {
  const sequence = (state.lastSequence.get(serviceId) ?? 0) + 1
  const probe: Ticket = {
    id: PROBE_TICKET_ID,
    day: toLocalTime(now, timeZoneOf(state)).day,
    serviceId,
    number: 'probe',
    sequence,
    priorityClass: 'regular',
    language: 'en',
    channel: 'kiosk',
    phoneMasked: null,
    status: 'waiting',
    issuedAt: now,
    queuedAt: now,
    followUpServiceIds: [],
    assignedOperatorId: null,
    counterId: null,
    operatorId: null,
    calledAt: null,
    lastCalledAt: null,
    recallCount: 0,
    startedAt: null,
    finishedAt: null,
    outcome: null,
    callReason: null,
    stepsDone: 0,
  }
  const withProbe: QueueState = { ...state, tickets: new Map(state.tickets).set(probe.id, probe) }
  return predictWaits(withProbe, now).get(probe.id)
}

function dailyCapRemaining(state: QueueState, service: Service, now: Instant): number | null {
  if (service.dailyCap === null) return null
  const today = toLocalTime(now, timeZoneOf(state)).day
  const issued = state.day === today ? (state.lastSequence.get(service.id) ?? 0) : 0
  return Math.max(0, service.dailyCap - issued)
}

export function activeServices(state: QueueState): Service[] {
  return [...state.services.values()]
    .filter((s) => s.active)
    .sort((a, b) => (a.prefix < b.prefix ? -1 : a.prefix > b.prefix ? 1 : 0))
}

export function waitingOf(state: QueueState, serviceId: ServiceId): Ticket[] {
  return [...state.tickets.values()].filter(
    (t) => t.status === 'waiting' && t.serviceId === serviceId,
  )
}

export function toQueueView(state: QueueState, service: Service, now: Instant): QueueView {
  const isOpen = isServiceOpen(state, service, now)
  return {
    serviceId: service.id,
    prefix: service.prefix,
    name: service.name,
    category: service.category,
    isOpen,
    waiting: waitingOf(state, service.id).length,
    // No estimate while closed: a new ticket cannot be taken, and "0 min" before opening misleads.
    newTicketWait: isOpen ? toWaitRange(predictNewTicket(state, service.id, now)) : null,
    dailyCapRemaining: dailyCapRemaining(state, service, now),
  }
}

/** 1 = next. From the predictor; by place in the queue when nobody can serve the service now. */
function positionOf(
  state: QueueState,
  ticket: Ticket,
  prediction: WaitPrediction | undefined,
): number | null {
  if (ticket.status !== 'waiting') return null
  if (prediction?.expectedSeconds != null) return prediction.ahead + 1
  const before = waitingOf(state, ticket.serviceId).filter(
    (t) =>
      t.queuedAt < ticket.queuedAt ||
      (t.queuedAt === ticket.queuedAt && t.sequence < ticket.sequence),
  )
  return before.length + 1
}

export interface TicketViewContext {
  readonly now: Instant
  readonly publicBaseUrl: string
  /** Predictions for the current state; computed once per request. */
  readonly predictions: ReadonlyMap<string, WaitPrediction>
}

export const statusUrlOf = (publicBaseUrl: string, ticketId: string): string =>
  `${publicBaseUrl.replace(/\/+$/, '')}/api/v1/status/${ticketId}`

export function toTicketView(
  state: QueueState,
  ticket: Ticket,
  context: TicketViewContext,
): TicketView {
  const service = state.services.get(ticket.serviceId)
  const prediction = context.predictions.get(ticket.id)
  return {
    id: ticket.id,
    number: ticket.number,
    day: ticket.day,
    service: {
      id: ticket.serviceId,
      prefix: service?.prefix ?? '',
      name: service?.name ?? { kk: ticket.serviceId, ru: ticket.serviceId, en: ticket.serviceId },
    },
    language: ticket.language,
    priorityClass: ticket.priorityClass,
    status: ticket.status,
    phoneMasked: ticket.phoneMasked,
    issuedAt: toIso(ticket.issuedAt),
    position: positionOf(state, ticket, prediction),
    wait: ticket.status === 'waiting' ? toWaitRange(prediction) : null,
    statusUrl: statusUrlOf(context.publicBaseUrl, ticket.id),
  }
}

function counterOf(state: QueueState, counterId: CounterId | null): StatusView['counter'] {
  if (counterId === null) return null
  const counter = state.counters.get(counterId)
  return counter ? { id: counter.id, label: counter.label, name: counter.name } : null
}

function serviceSummary(state: QueueState, serviceId: string): StatusView['service'] {
  const service = [...state.services.values()].find((s) => s.id === serviceId)
  return service ? { id: service.id, prefix: service.prefix, name: service.name } : null
}

/** Status page of a ticket of the current day (live position and wait). */
export function toLiveStatusView(
  state: QueueState,
  ticket: Ticket,
  context: TicketViewContext,
): StatusView {
  const prediction = context.predictions.get(ticket.id)
  const position = positionOf(state, ticket, prediction)
  const counter =
    ticket.status === 'called' || ticket.status === 'serving'
      ? counterOf(state, ticket.counterId)
      : null
  return {
    id: ticket.id,
    number: ticket.number,
    day: ticket.day,
    serviceId: ticket.serviceId,
    service: serviceSummary(state, ticket.serviceId),
    language: ticket.language,
    status: ticket.status,
    position,
    wait: ticket.status === 'waiting' ? toWaitRange(prediction) : null,
    counter,
    message: toStatusMessage(ticket.status, ticket.language, {
      number: ticket.number,
      counterLabel: counter?.label ?? null,
      position,
    }),
    issuedAt: toIso(ticket.issuedAt),
    calledAt: toIsoOrNull(ticket.calledAt),
    finishedAt: toIsoOrNull(ticket.finishedAt),
  }
}

const CLOSED_STATUSES: readonly PublicTicketStatus[] = [
  'finished',
  'no_show',
  'cancelled',
  'expired',
]

/** A projection row of a past day: always closed (a row still open was expired by day close). */
function closedStatusOf(row: TicketRow): PublicTicketStatus {
  const found = CLOSED_STATUSES.find((s) => s === row.status)
  return found ?? 'expired'
}

/** Status page of a ticket that is no longer in the live state (a past business day). */
export function toArchivedStatusView(state: QueueState, row: TicketRow): StatusView {
  const status = closedStatusOf(row)
  const language = Language.safeParse(row.language).data ?? 'ru'
  return {
    id: row.id,
    number: row.number,
    day: row.day,
    serviceId: row.serviceId,
    service: serviceSummary(state, row.serviceId),
    language,
    status,
    position: null,
    wait: null,
    counter: null,
    message: toStatusMessage(status, language, {
      number: row.number,
      counterLabel: null,
      position: null,
    }),
    issuedAt: toIso(row.issuedAt),
    calledAt: toIsoOrNull(row.calledAt),
    finishedAt: toIsoOrNull(row.finishedAt),
  }
}

/** The ticket view of a past day's ticket (a kiosk retry across midnight): closed, no wait. */
export function toArchivedTicketView(
  state: QueueState,
  row: TicketRow,
  publicBaseUrl: string,
): TicketView {
  const status = toArchivedStatusView(state, row)
  return {
    id: row.id,
    number: row.number,
    day:
      BusinessDay.safeParse(row.day).data ??
      toLocalTime(toInstant(row.issuedAt), timeZoneOf(state)).day,
    service: status.service ?? {
      id: ServiceId.parse(row.serviceId),
      prefix: '',
      name: { kk: row.serviceId, ru: row.serviceId, en: row.serviceId },
    },
    language: status.language,
    priorityClass: PriorityClass.safeParse(row.priorityClass).data ?? 'regular',
    status: status.status,
    phoneMasked: null,
    issuedAt: status.issuedAt,
    position: null,
    wait: null,
    statusUrl: statusUrlOf(publicBaseUrl, row.id),
  }
}

export function requireLiveTicket(state: QueueState, ticketId: TicketId): Ticket {
  const ticket = state.tickets.get(ticketId)
  if (!ticket) throw new DomainError('NOT_FOUND', `No open ticket ${ticketId} today`)
  return ticket
}
