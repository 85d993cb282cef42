import type { CallReason, Instant, OperatorId, ServiceId } from '@kqms/shared/domain'
import type { QueueState, Ticket } from './state.js'

/**
 * The routing policy: which waiting ticket an operator gets when they call.
 *
 * 1. A ticket past its class's maximum wait is called first by any operator who can serve it (most
 *    overdue first): the per-class guarantee.
 * 2. Otherwise the highest effective score wins:
 *    class head start + aging × minutes waited + short-service bonus − secondary-skill margin × (level − 1).
 *    A ticket transferred to this operator counts as primary skill.
 * Ties go to the earlier place in the queue, then the lower ticket sequence, then the id, so the
 * choice is a pure function of the state.
 */

export interface Candidate {
  readonly ticket: Ticket
  readonly reason: Omit<CallReason, 'mode' | 'candidates'>
  /** Minutes past the class limit; negative when within it. */
  readonly overdueMinutes: number
  readonly effectiveScore: number
}

/** Skill level the operator has for a service, or null when they cannot serve it. */
export function skillLevel(
  state: QueueState,
  operatorId: OperatorId,
  serviceId: ServiceId,
): number | null {
  return state.operators.get(operatorId)?.skills[serviceId] ?? null
}

/** Whether this operator may call this waiting ticket at all. */
export function canServe(state: QueueState, operatorId: OperatorId, ticket: Ticket): boolean {
  if (ticket.assignedOperatorId !== null) return ticket.assignedOperatorId === operatorId
  return skillLevel(state, operatorId, ticket.serviceId) !== null
}

function longestExpectedMinutes(state: QueueState): number {
  let longest = 0
  for (const s of state.services.values())
    longest = Math.max(longest, s.expectedServiceSeconds / 60)
  return longest
}

export function scoreTicket(
  state: QueueState,
  input: { operatorId: OperatorId; ticket: Ticket; at: Instant },
): Candidate {
  const { operatorId, ticket, at } = input
  const rule = state.policy.classes[ticket.priorityClass]
  const waitSeconds = Math.max(0, Math.floor((at - ticket.queuedAt) / 1000))
  const waitMinutes = waitSeconds / 60
  const assigned = ticket.assignedOperatorId === operatorId
  const level = assigned ? 1 : (skillLevel(state, operatorId, ticket.serviceId) ?? 3)
  const expectedMinutes = (state.services.get(ticket.serviceId)?.expectedServiceSeconds ?? 0) / 60
  const shortServiceBonus =
    state.policy.shortServiceBonusPerMinute *
    Math.max(0, longestExpectedMinutes(state) - expectedMinutes)
  const agingPoints = rule.agingPerMinute * waitMinutes
  const score = rule.headStart + agingPoints + shortServiceBonus
  const overdueMinutes = waitMinutes - rule.maxWaitMinutes
  return {
    ticket,
    overdueMinutes,
    effectiveScore: score - state.policy.secondarySkillMargin * (level - 1),
    reason: {
      score: round2(score),
      headStart: rule.headStart,
      agingPoints: round2(agingPoints),
      shortServiceBonus: round2(shortServiceBonus),
      waitSeconds,
      skillLevel: level,
      overdue: overdueMinutes >= 0,
      assignedToOperator: assigned,
    },
  }
}

const round2 = (n: number): number => Math.round(n * 100) / 100

/** Total order: overdue tier first, then effective score, then place in the queue. */
export function compareCandidates(a: Candidate, b: Candidate): number {
  const aOver = a.overdueMinutes >= 0
  const bOver = b.overdueMinutes >= 0
  if (aOver !== bOver) return aOver ? -1 : 1
  if (aOver && a.overdueMinutes !== b.overdueMinutes) return b.overdueMinutes - a.overdueMinutes
  if (!aOver && a.effectiveScore !== b.effectiveScore) return b.effectiveScore - a.effectiveScore
  return (
    a.ticket.queuedAt - b.ticket.queuedAt ||
    a.ticket.sequence - b.ticket.sequence ||
    (a.ticket.id < b.ticket.id ? -1 : a.ticket.id > b.ticket.id ? 1 : 0)
  )
}

/** The best waiting ticket for an operator among `tickets`, or null when none is eligible. */
export function bestTicketFor(
  state: QueueState,
  input: { operatorId: OperatorId; at: Instant; tickets: Iterable<Ticket> },
): { candidate: Candidate; candidates: number } | null {
  let best: Candidate | null = null
  let candidates = 0
  for (const ticket of input.tickets) {
    if (ticket.status !== 'waiting' || !canServe(state, input.operatorId, ticket)) continue
    candidates++
    const c = scoreTicket(state, { operatorId: input.operatorId, ticket, at: input.at })
    if (best === null || compareCandidates(c, best) < 0) best = c
  }
  return best ? { candidate: best, candidates } : null
}
