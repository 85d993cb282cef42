import type { QueueEvent, TicketId } from '@kqms/shared/domain'
import type { OperatorPresence, QueueState, Ticket } from './state.js'

const withEntry = <K, V>(map: ReadonlyMap<K, V>, key: K, value: V): Map<K, V> =>
  new Map(map).set(key, value)

function updateTicket(state: QueueState, id: TicketId, patch: Partial<Ticket>): QueueState {
  const ticket = state.tickets.get(id)
  if (!ticket) return state
  return { ...state, tickets: withEntry(state.tickets, id, { ...ticket, ...patch }) }
}

function setPresence(
  state: QueueState,
  operatorId: Ticket['operatorId'],
  patch: Partial<OperatorPresence>,
): QueueState {
  if (operatorId === null) return state
  const current = state.presence.get(operatorId)
  if (!current) return state
  return { ...state, presence: withEntry(state.presence, operatorId, { ...current, ...patch }) }
}

/** Frees the operator who had a ticket at a counter (finish, no-show, park, transfer…). */
function release(state: QueueState, ticket: Ticket | undefined, at: QueueEvent['at']): QueueState {
  if (!ticket?.operatorId || (ticket.status !== 'called' && ticket.status !== 'serving'))
    return state
  const presence = state.presence.get(ticket.operatorId)
  if (presence?.status !== 'serving') return state
  return setPresence(state, ticket.operatorId, { status: 'available', since: at })
}

const leaveCounter = {
  counterId: null,
  operatorId: null,
  calledAt: null,
  lastCalledAt: null,
  recallCount: 0,
  startedAt: null,
  callReason: null,
} as const

/** Folds one event into the state. Total: an event that no longer fits is ignored, never thrown. */
export function apply(state: QueueState, event: QueueEvent): QueueState {
  switch (event.type) {
    case 'BranchConfiguredV1':
      return { ...state, branch: event.branch }
    case 'ServiceConfiguredV1':
      return { ...state, services: withEntry(state.services, event.service.id, event.service) }
    case 'PriorityPolicyConfiguredV1':
      return { ...state, policy: event.policy }
    case 'CounterConfiguredV1':
      return { ...state, counters: withEntry(state.counters, event.counter.id, event.counter) }
    case 'OperatorConfiguredV1': {
      const next = {
        ...state,
        operators: withEntry(state.operators, event.operator.id, event.operator),
      }
      if (state.presence.has(event.operator.id)) return next
      const presence: OperatorPresence = {
        status: 'offline',
        counterId: null,
        pauseReason: null,
        since: event.at,
      }
      return { ...next, presence: withEntry(state.presence, event.operator.id, presence) }
    }
    case 'OperatorSignedInV1':
      return setPresence(state, event.operatorId, {
        status: 'available',
        counterId: event.counterId,
        pauseReason: null,
        since: event.at,
      })
    case 'OperatorSignedOutV1':
      return setPresence(state, event.operatorId, {
        status: 'offline',
        counterId: null,
        pauseReason: null,
        since: event.at,
      })
    case 'OperatorPausedV1':
      return setPresence(state, event.operatorId, {
        status: 'paused',
        pauseReason: event.reason,
        since: event.at,
      })
    case 'OperatorResumedV1':
      return setPresence(state, event.operatorId, {
        status: 'available',
        pauseReason: null,
        since: event.at,
      })
    case 'TicketIssuedV1': {
      const ticket: Ticket = {
        id: event.ticketId,
        day: event.day,
        serviceId: event.serviceId,
        number: event.number,
        sequence: event.sequence,
        priorityClass: event.priorityClass,
        language: event.language,
        channel: event.channel,
        phoneMasked: event.phoneMasked,
        status: 'waiting',
        issuedAt: event.at,
        queuedAt: event.at,
        followUpServiceIds: event.followUpServiceIds,
        assignedOperatorId: null,
        ...leaveCounter,
        finishedAt: null,
        outcome: null,
        stepsDone: 0,
      }
      const sameDay = state.sequenceDay === event.day
      const last = sameDay ? (state.lastSequence.get(event.serviceId) ?? 0) : 0
      return {
        ...state,
        day: event.day,
        sequenceDay: event.day,
        lastSequence: withEntry(
          sameDay ? state.lastSequence : new Map(),
          event.serviceId,
          Math.max(last, event.sequence),
        ),
        tickets: withEntry(state.tickets, ticket.id, ticket),
      }
    }
    case 'TicketCalledV1':
    case 'TicketResumedV1': {
      const next = updateTicket(state, event.ticketId, {
        status: 'called',
        counterId: event.counterId,
        operatorId: event.operatorId,
        calledAt: event.at,
        lastCalledAt: event.at,
        recallCount: 0,
        assignedOperatorId: null,
        callReason: event.type === 'TicketCalledV1' ? event.reason : null,
      })
      return setPresence(next, event.operatorId, { status: 'serving', since: event.at })
    }
    case 'TicketRecalledV1':
      return updateTicket(state, event.ticketId, {
        lastCalledAt: event.at,
        recallCount: event.recallCount,
      })
    case 'TicketServiceStartedV1':
      return updateTicket(state, event.ticketId, { status: 'serving', startedAt: event.at })
    case 'TicketFinishedV1': {
      const released = release(state, state.tickets.get(event.ticketId), event.at)
      const ticket = state.tickets.get(event.ticketId)
      return updateTicket(released, event.ticketId, {
        status: 'finished',
        finishedAt: event.at,
        outcome: event.outcome,
        stepsDone: (ticket?.stepsDone ?? 0) + 1,
      })
    }
    case 'TicketNoShowV1': {
      const released = release(state, state.tickets.get(event.ticketId), event.at)
      return updateTicket(released, event.ticketId, { status: 'no_show', finishedAt: event.at })
    }
    case 'TicketReactivatedV1': {
      const ticket = state.tickets.get(event.ticketId)
      return updateTicket(state, event.ticketId, {
        status: 'waiting',
        ...leaveCounter,
        finishedAt: null,
        queuedAt: event.keepPlace && ticket ? ticket.queuedAt : event.at,
      })
    }
    case 'TicketTransferredV1': {
      const ticket = state.tickets.get(event.ticketId)
      const released = release(state, ticket, event.at)
      return updateTicket(released, event.ticketId, {
        status: 'waiting',
        serviceId: event.toServiceId,
        assignedOperatorId: event.toOperatorId,
        ...leaveCounter,
        queuedAt: event.keepPlace && ticket ? ticket.queuedAt : event.at,
      })
    }
    case 'TicketRedirectedV1': {
      const ticket = state.tickets.get(event.ticketId)
      if (!ticket) return state
      const released = release(state, ticket, event.at)
      const [next, ...rest] = ticket.followUpServiceIds
      return updateTicket(released, event.ticketId, {
        status: 'waiting',
        serviceId: event.toServiceId,
        followUpServiceIds: next === event.toServiceId ? rest : ticket.followUpServiceIds,
        assignedOperatorId: null,
        ...leaveCounter,
        queuedAt: event.keepPlace ? ticket.queuedAt : event.at,
        stepsDone: ticket.stepsDone + 1,
      })
    }
    case 'TicketParkedV1': {
      const released = release(state, state.tickets.get(event.ticketId), event.at)
      return updateTicket(released, event.ticketId, {
        status: 'parked',
        counterId: null,
        operatorId: event.operatorId,
        callReason: null,
      })
    }
    case 'TicketCancelledV1': {
      const ticket = state.tickets.get(event.ticketId)
      const released = release(state, ticket, event.at)
      return updateTicket(released, event.ticketId, {
        status: 'cancelled',
        finishedAt: event.at,
        counterId: null,
      })
    }
    case 'DayClosedV1':
      // Tickets still at counters expire with the day, so their operators are free again.
      return {
        ...state,
        day: null,
        tickets: new Map(),
        presence: new Map(
          [...state.presence].map(([id, p]) => [
            id,
            p.status === 'serving' ? { ...p, status: 'available' as const, since: event.at } : p,
          ]),
        ),
      }
  }
}

export const applyAll = (state: QueueState, events: readonly QueueEvent[]): QueueState =>
  events.reduce(apply, state)
