import type {
  CounterView,
  OperatorPresenceView,
  StaffTicketView,
  WaitingEntry,
} from '@kqms/shared/api'
import type { CounterId, Instant, OperatorId } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import { canServe, compareCandidates, scoreTicket } from '../domain/routing.js'
import type { QueueState, Ticket } from '../domain/state.js'
import { toIso, toIsoOrNull } from './public.views.js'

/** Rendering of queue state for staff: a counter's terminal, its tickets and waiting list. */

export function toStaffTicketView(ticket: Ticket): StaffTicketView {
  return {
    id: ticket.id,
    number: ticket.number,
    serviceId: ticket.serviceId,
    priorityClass: ticket.priorityClass,
    language: ticket.language,
    status: ticket.status,
    phoneMasked: ticket.phoneMasked,
    issuedAt: toIso(ticket.issuedAt),
    queuedAt: toIso(ticket.queuedAt),
    counterId: ticket.counterId,
    operatorId: ticket.operatorId,
    calledAt: toIsoOrNull(ticket.calledAt),
    startedAt: toIsoOrNull(ticket.startedAt),
    timerStartedAt: toIsoOrNull(ticket.startedAt ?? ticket.calledAt),
    recallCount: ticket.recallCount,
    followUpServiceIds: [...ticket.followUpServiceIds],
    callReason: ticket.callReason,
  }
}

/** The operator signed in at a counter (not offline), if any. */
export function operatorAtCounter(state: QueueState, counterId: CounterId): OperatorId | null {
  for (const [operatorId, presence] of state.presence)
    if (presence.counterId === counterId && presence.status !== 'offline') return operatorId
  return null
}

/** The ticket called to or being served at a counter, if any. */
export function currentTicketAt(state: QueueState, counterId: CounterId): Ticket | null {
  for (const ticket of state.tickets.values())
    if (
      ticket.counterId === counterId &&
      (ticket.status === 'called' || ticket.status === 'serving')
    )
      return ticket
  return null
}

export function toPresenceView(
  state: QueueState,
  operatorId: OperatorId,
): OperatorPresenceView | null {
  const presence = state.presence.get(operatorId)
  const operator = state.operators.get(operatorId)
  if (!presence || !operator) return null
  return {
    operatorId,
    displayName: operator.displayName,
    status: presence.status,
    pauseReason: presence.pauseReason,
    since: toIso(presence.since),
  }
}

/** Waiting tickets this operator may call, best first (the engine's own order). */
function waitingFor(state: QueueState, operatorId: OperatorId, now: Instant): WaitingEntry[] {
  return [...state.tickets.values()]
    .filter((t) => t.status === 'waiting' && canServe(state, operatorId, t))
    .map((ticket) => scoreTicket(state, { operatorId, ticket, at: now }))
    .sort(compareCandidates)
    .map(({ ticket, reason }) => ({
      id: ticket.id,
      number: ticket.number,
      serviceId: ticket.serviceId,
      priorityClass: ticket.priorityClass,
      language: ticket.language,
      phoneMasked: ticket.phoneMasked,
      queuedAt: toIso(ticket.queuedAt),
      waitSeconds: reason.waitSeconds,
      overdue: reason.overdue,
      skillLevel: reason.skillLevel,
      assignedToOperator: reason.assignedToOperator,
    }))
}

export function toCounterView(state: QueueState, counterId: CounterId, now: Instant): CounterView {
  const counter = state.counters.get(counterId)
  if (!counter) throw new DomainError('NOT_FOUND', `No counter ${counterId}`)
  const operatorId = operatorAtCounter(state, counterId)
  const current = currentTicketAt(state, counterId)
  const parked =
    operatorId === null
      ? []
      : [...state.tickets.values()].filter(
          (t) => t.status === 'parked' && t.operatorId === operatorId,
        )
  return {
    counter: { id: counter.id, label: counter.label, name: counter.name, active: counter.active },
    operator: operatorId === null ? null : toPresenceView(state, operatorId),
    current: current ? toStaffTicketView(current) : null,
    waiting: operatorId === null ? [] : waitingFor(state, operatorId, now),
    parked: parked.map(toStaffTicketView),
  }
}
