import { DomainError, type DomainErrorCode } from '@kqms/shared/errors'
import {
  formatTicketNumber,
  type CounterId,
  type Instant,
  type OperatorId,
  type QueueEvent,
  type Service,
  type TicketId,
} from '@kqms/shared/domain'
import { applyAll } from './apply.js'
import { isOpenAt, isValidTimeZone, toLocalTime } from './calendar.js'
import type { Command, CommandOf } from './commands.js'
import { bestTicketFor, canServe, scoreTicket } from './routing.js'
import { isOpenTicket, type QueueState, type Ticket } from './state.js'

/**
 * `decide(state, command, now) → events`: the whole queue engine's judgement, pure.
 * Throws `DomainError` when a business rule forbids the command; returns `[]` when there is
 * nothing to do (calling next on an empty queue is an outcome, not an error).
 */
export function decide(state: QueueState, command: Command, now: Instant): QueueEvent[] {
  const rollover = rollDay(state, command, now)
  const current = rollover.length > 0 ? applyAll(state, rollover) : state
  return [...rollover, ...decideOn(current, command, now)]
}

const fail = (code: DomainErrorCode, message: string): never => {
  throw new DomainError(code, message)
}

function timeZoneOf(state: QueueState): string {
  return state.branch?.timeZone ?? 'UTC'
}

/** A command on a new business day first closes the previous one (numbering restarts). */
function rollDay(state: QueueState, command: Command, now: Instant): QueueEvent[] {
  if (state.day === null || command.type.startsWith('Configure') || command.type === 'CloseDay')
    return []
  if (toLocalTime(now, timeZoneOf(state)).day === state.day) return []
  return closeDay(state, now)
}

function closeDay(state: QueueState, now: Instant): QueueEvent[] {
  if (state.day === null) return []
  const expiredTicketIds = [...state.tickets.values()].filter(isOpenTicket).map((t) => t.id)
  return [{ type: 'DayClosedV1', at: now, day: state.day, expiredTicketIds }]
}

function decideOn(state: QueueState, command: Command, now: Instant): QueueEvent[] {
  const at = now
  switch (command.type) {
    case 'ConfigureBranch':
      if (!isValidTimeZone(command.branch.timeZone))
        fail('INVALID_CONFIGURATION', `Unknown time zone "${command.branch.timeZone}"`)
      return [{ type: 'BranchConfiguredV1', at, branch: command.branch }]
    case 'ConfigureService': {
      const clash = [...state.services.values()].find(
        (s) => s.prefix === command.service.prefix && s.id !== command.service.id,
      )
      if (clash) fail('CONFLICT', `Prefix ${command.service.prefix} is already used by ${clash.id}`)
      const previous = state.services.get(command.service.id)
      const issuedToday =
        state.sequenceDay === toLocalTime(at, timeZoneOf(state)).day &&
        [...state.lastSequence.values()].some((n) => n > 0)
      if (previous && previous.prefix !== command.service.prefix && issuedToday)
        fail('CONFLICT', 'Ticket prefixes can change only after the business day is closed')
      return [{ type: 'ServiceConfiguredV1', at, service: command.service }]
    }
    case 'ConfigurePolicy':
      return [{ type: 'PriorityPolicyConfiguredV1', at, policy: command.policy }]
    case 'ConfigureCounter':
      return [{ type: 'CounterConfiguredV1', at, counter: command.counter }]
    case 'ConfigureOperator':
      for (const serviceId of Object.keys(command.operator.skills))
        if (!state.services.has(serviceId as Service['id']))
          fail('NOT_FOUND', `Skill for unknown service ${serviceId}`)
      return [{ type: 'OperatorConfiguredV1', at, operator: command.operator }]
    case 'SignIn':
      return signIn(state, command, at)
    case 'SignOut': {
      const presence = requirePresence(state, command.operatorId)
      if (presence.status === 'offline') return []
      if (currentTicketOfOperator(state, command.operatorId))
        fail('OPERATOR_BUSY', 'Finish or hand over the current ticket before signing out')
      const counterId =
        presence.counterId ?? fail('INVALID_TRANSITION', 'The operator has no counter')
      return [{ type: 'OperatorSignedOutV1', at, operatorId: command.operatorId, counterId }]
    }
    case 'Pause': {
      const presence = requirePresence(state, command.operatorId)
      if (presence.status === 'offline') fail('OPERATOR_NOT_SIGNED_IN', 'Sign in before pausing')
      if (presence.status === 'serving')
        fail('OPERATOR_BUSY', 'Finish the current ticket before pausing')
      return [
        { type: 'OperatorPausedV1', at, operatorId: command.operatorId, reason: command.reason },
      ]
    }
    case 'Resume': {
      const presence = requirePresence(state, command.operatorId)
      if (presence.status !== 'paused') fail('INVALID_TRANSITION', 'The operator is not paused')
      return [{ type: 'OperatorResumedV1', at, operatorId: command.operatorId }]
    }
    case 'IssueTicket':
      return issueTicket(state, command, at)
    case 'CallNext': {
      const { operatorId } = requireFreeOperatorAt(state, command.counterId)
      const best = bestTicketFor(state, { operatorId, at, tickets: state.tickets.values() })
      if (!best) return []
      const { ticket, reason } = best.candidate
      return [
        {
          type: 'TicketCalledV1',
          at,
          ticketId: ticket.id,
          counterId: command.counterId,
          operatorId,
          reason: { ...reason, mode: 'next', candidates: best.candidates },
        },
      ]
    }
    case 'CallTicket': {
      const { operatorId } = requireFreeOperatorAt(state, command.counterId)
      const ticket = requireTicket(state, command.ticketId)
      if (ticket.status !== 'waiting')
        fail('INVALID_TRANSITION', `Ticket ${ticket.number} is not waiting`)
      if (!canServe(state, operatorId, ticket))
        fail('SERVICE_NOT_OFFERED', `This operator does not serve the service of ${ticket.number}`)
      const { reason } = scoreTicket(state, { operatorId, ticket, at })
      const candidates = [...state.tickets.values()].filter(
        (t) => t.status === 'waiting' && canServe(state, operatorId, t),
      ).length
      return [
        {
          type: 'TicketCalledV1',
          at,
          ticketId: ticket.id,
          counterId: command.counterId,
          operatorId,
          reason: { ...reason, mode: 'specific', candidates },
        },
      ]
    }
    case 'Recall': {
      const { ticket, operatorId } = requireCurrentTicket(state, command.counterId)
      if (ticket.status !== 'called')
        fail('INVALID_TRANSITION', 'Only a called ticket can be recalled')
      const sinceLast = at - (ticket.lastCalledAt ?? at)
      if (sinceLast < state.policy.recallCooldownSeconds * 1000)
        fail('RECALL_TOO_SOON', `Wait ${state.policy.recallCooldownSeconds} s between recalls`)
      if (ticket.recallCount >= state.policy.maxRecalls)
        return [
          {
            type: 'TicketNoShowV1',
            at,
            ticketId: ticket.id,
            counterId: command.counterId,
            operatorId,
            cause: 'recalls_exhausted',
          },
        ]
      return [
        {
          type: 'TicketRecalledV1',
          at,
          ticketId: ticket.id,
          counterId: command.counterId,
          recallCount: ticket.recallCount + 1,
        },
      ]
    }
    case 'StartService': {
      const { ticket, operatorId } = requireCurrentTicket(state, command.counterId)
      if (ticket.status !== 'called') fail('INVALID_TRANSITION', 'Service has already started')
      return [
        {
          type: 'TicketServiceStartedV1',
          at,
          ticketId: ticket.id,
          counterId: command.counterId,
          operatorId,
        },
      ]
    }
    case 'Finish': {
      const { ticket, operatorId } = requireCurrentTicket(state, command.counterId)
      if (ticket.status !== 'serving')
        fail('INVALID_TRANSITION', 'Start serving the ticket before finishing it')
      return [
        {
          type: 'TicketFinishedV1',
          at,
          ticketId: ticket.id,
          counterId: command.counterId,
          operatorId,
          outcome: command.outcome,
        },
      ]
    }
    case 'MarkNoShow': {
      const { ticket, operatorId } = requireCurrentTicket(state, command.counterId)
      if (ticket.status !== 'called')
        fail('INVALID_TRANSITION', 'Only a called ticket can be a no-show')
      return [
        {
          type: 'TicketNoShowV1',
          at,
          ticketId: ticket.id,
          counterId: command.counterId,
          operatorId,
          cause: 'manual',
        },
      ]
    }
    case 'Reactivate': {
      const ticket = requireTicket(state, command.ticketId)
      if (ticket.status !== 'no_show')
        fail('INVALID_TRANSITION', `Ticket ${ticket.number} is not a no-show`)
      if (at - (ticket.finishedAt ?? at) > state.policy.reactivateWithinMinutes * 60_000)
        fail('INVALID_TRANSITION', `Ticket ${ticket.number} was marked a no-show too long ago`)
      return [
        { type: 'TicketReactivatedV1', at, ticketId: ticket.id, keepPlace: command.keepPlace },
      ]
    }
    case 'Transfer':
      return transfer(state, command, at)
    case 'Redirect': {
      const { ticket, operatorId } = requireCurrentTicket(state, command.counterId)
      if (ticket.status !== 'serving')
        fail('INVALID_TRANSITION', 'Start serving the ticket before redirecting it')
      const toServiceId =
        command.toServiceId ??
        ticket.followUpServiceIds[0] ??
        fail('INVALID_TRANSITION', `Ticket ${ticket.number} has no further service planned`)
      requireActiveService(state, toServiceId)
      return [
        {
          type: 'TicketRedirectedV1',
          at,
          ticketId: ticket.id,
          fromServiceId: ticket.serviceId,
          toServiceId,
          byOperatorId: operatorId,
          counterId: command.counterId,
          outcome: command.outcome,
          keepPlace: command.keepPlace,
        },
      ]
    }
    case 'Park': {
      const { ticket, operatorId } = requireCurrentTicket(state, command.counterId)
      return [
        {
          type: 'TicketParkedV1',
          at,
          ticketId: ticket.id,
          counterId: command.counterId,
          operatorId,
        },
      ]
    }
    case 'ResumeParked': {
      const { operatorId } = requireFreeOperatorAt(state, command.counterId)
      const ticket = requireTicket(state, command.ticketId)
      if (ticket.status !== 'parked')
        fail('INVALID_TRANSITION', `Ticket ${ticket.number} is not parked`)
      return [
        {
          type: 'TicketResumedV1',
          at,
          ticketId: ticket.id,
          counterId: command.counterId,
          operatorId,
        },
      ]
    }
    case 'Cancel': {
      const ticket = requireTicket(state, command.ticketId)
      if (ticket.status === 'serving')
        fail('INVALID_TRANSITION', `Ticket ${ticket.number} is being served: finish it instead`)
      if (!isOpenTicket(ticket))
        fail('INVALID_TRANSITION', `Ticket ${ticket.number} is already closed`)
      return [{ type: 'TicketCancelledV1', at, ticketId: ticket.id, reason: command.reason }]
    }
    case 'ExpireNoShows': {
      const limit = state.policy.noShowAfterMinutes * 60_000
      const events: QueueEvent[] = []
      const expired = [...state.tickets.values()]
        .filter((t) => t.status === 'called' && at - (t.calledAt ?? at) >= limit)
        .sort((a, b) => (a.calledAt ?? 0) - (b.calledAt ?? 0) || a.sequence - b.sequence)
      for (const t of expired)
        if (t.counterId !== null && t.operatorId !== null)
          events.push({
            type: 'TicketNoShowV1',
            at,
            ticketId: t.id,
            counterId: t.counterId,
            operatorId: t.operatorId,
            cause: 'timeout',
          })
      return events
    }
    case 'CloseDay':
      return closeDay(state, at)
  }
}

function signIn(state: QueueState, command: CommandOf<'SignIn'>, at: Instant): QueueEvent[] {
  const operator = state.operators.get(command.operatorId)
  if (!operator?.active) fail('NOT_FOUND', `No active operator ${command.operatorId}`)
  const counter = state.counters.get(command.counterId)
  if (!counter?.active) return fail('NOT_FOUND', `No active counter ${command.counterId}`)
  const presence = requirePresence(state, command.operatorId)
  if (presence.counterId === command.counterId && presence.status !== 'offline') return []
  for (const [otherId, other] of state.presence)
    if (
      otherId !== command.operatorId &&
      other.counterId === command.counterId &&
      other.status !== 'offline'
    )
      fail('COUNTER_BUSY', `Counter ${counter.label} is taken by another operator`)
  const events: QueueEvent[] = []
  if (presence.status !== 'offline') {
    if (currentTicketOfOperator(state, command.operatorId))
      fail('OPERATOR_BUSY', 'Finish the current ticket before changing counter')
    if (presence.counterId !== null)
      events.push({
        type: 'OperatorSignedOutV1',
        at,
        operatorId: command.operatorId,
        counterId: presence.counterId,
      })
  }
  events.push({
    type: 'OperatorSignedInV1',
    at,
    operatorId: command.operatorId,
    counterId: command.counterId,
  })
  return events
}

function issueTicket(
  state: QueueState,
  command: CommandOf<'IssueTicket'>,
  at: Instant,
): QueueEvent[] {
  if (state.tickets.has(command.ticketId)) fail('CONFLICT', 'Ticket id already used')
  const service = requireActiveService(state, command.serviceId)
  for (const next of command.followUpServiceIds) requireActiveService(state, next)
  if (
    !command.byStaff &&
    command.priorityClass !== 'regular' &&
    !state.policy.selfDeclarable.includes(command.priorityClass) &&
    // A verified appointment QR code is the identification that earns appointment priority.
    !(command.channel === 'appointment' && command.priorityClass === 'appointment')
  )
    fail(
      'PRIORITY_NOT_ALLOWED',
      `Priority class ${command.priorityClass} needs staff or identification`,
    )
  const hours = service.openingHours ?? state.branch?.openingHours
  if (!command.byStaff && hours && !isOpenAt(hours, at, timeZoneOf(state)))
    fail('SERVICE_CLOSED', `${service.name.en} is closed now`)
  const day = toLocalTime(at, timeZoneOf(state)).day
  const sequence = (state.sequenceDay === day ? (state.lastSequence.get(service.id) ?? 0) : 0) + 1
  if (service.dailyCap !== null && sequence > service.dailyCap)
    fail('DAILY_CAP_REACHED', `No more tickets for ${service.name.en} today`)
  return [
    {
      type: 'TicketIssuedV1',
      at,
      ticketId: command.ticketId,
      day,
      serviceId: service.id,
      sequence,
      number: formatTicketNumber(service.prefix, sequence),
      priorityClass: command.priorityClass,
      language: command.language,
      channel: command.channel,
      phoneMasked: command.phoneMasked,
      followUpServiceIds: [...command.followUpServiceIds],
    },
  ]
}

function transfer(state: QueueState, command: CommandOf<'Transfer'>, at: Instant): QueueEvent[] {
  const ticket = requireTicket(state, command.ticketId)
  if (!['waiting', 'called', 'serving', 'parked'].includes(ticket.status))
    fail('INVALID_TRANSITION', `Ticket ${ticket.number} is closed`)
  requireActiveService(state, command.toServiceId)
  if (command.toOperatorId !== null) {
    const operator = state.operators.get(command.toOperatorId)
    if (!operator?.active) fail('NOT_FOUND', `No active operator ${command.toOperatorId}`)
  }
  if (
    command.toServiceId === ticket.serviceId &&
    command.toOperatorId === null &&
    ticket.status === 'waiting'
  )
    fail('INVALID_TRANSITION', 'The ticket is already in that queue')
  return [
    {
      type: 'TicketTransferredV1',
      at,
      ticketId: ticket.id,
      fromServiceId: ticket.serviceId,
      toServiceId: command.toServiceId,
      toOperatorId: command.toOperatorId,
      keepPlace: command.keepPlace,
      byOperatorId:
        ticket.status === 'called' || ticket.status === 'serving' ? ticket.operatorId : null,
    },
  ]
}

function requireActiveService(state: QueueState, serviceId: Service['id']): Service {
  const service = state.services.get(serviceId)
  if (!service) return fail('NOT_FOUND', `No service ${serviceId}`)
  if (!service.active) fail('SERVICE_NOT_OFFERED', `${service.name.en} is not offered`)
  return service
}

function requireTicket(state: QueueState, ticketId: TicketId): Ticket {
  return state.tickets.get(ticketId) ?? fail('NOT_FOUND', `No open ticket ${ticketId} today`)
}

function requirePresence(state: QueueState, operatorId: OperatorId) {
  return state.presence.get(operatorId) ?? fail('NOT_FOUND', `No operator ${operatorId}`)
}

function operatorAt(state: QueueState, counterId: CounterId): OperatorId {
  if (!state.counters.has(counterId)) fail('NOT_FOUND', `No counter ${counterId}`)
  for (const [operatorId, p] of state.presence)
    if (p.counterId === counterId && p.status !== 'offline') return operatorId
  return fail('COUNTER_CLOSED', `Nobody is signed in at counter ${counterId}`)
}

function currentTicketAt(state: QueueState, counterId: CounterId): Ticket | undefined {
  for (const t of state.tickets.values())
    if (t.counterId === counterId && (t.status === 'called' || t.status === 'serving')) return t
  return undefined
}

function currentTicketOfOperator(state: QueueState, operatorId: OperatorId): Ticket | undefined {
  for (const t of state.tickets.values())
    if (t.operatorId === operatorId && (t.status === 'called' || t.status === 'serving')) return t
  return undefined
}

function requireFreeOperatorAt(
  state: QueueState,
  counterId: CounterId,
): { operatorId: OperatorId } {
  const operatorId = operatorAt(state, counterId)
  const presence = state.presence.get(operatorId)
  if (presence?.status === 'paused') fail('INVALID_TRANSITION', 'Resume work before calling')
  const current = currentTicketAt(state, counterId)
  if (current) fail('INVALID_TRANSITION', `Finish ticket ${current.number} before calling another`)
  return { operatorId }
}

function requireCurrentTicket(
  state: QueueState,
  counterId: CounterId,
): { ticket: Ticket; operatorId: OperatorId } {
  const operatorId = operatorAt(state, counterId)
  const ticket =
    currentTicketAt(state, counterId) ?? fail('INVALID_TRANSITION', 'No ticket at this counter')
  return { ticket, operatorId }
}
