import type { Instant, OperatorId, TicketId } from '@kqms/shared/domain'
import { canServe, compareCandidates, scoreTicket, skillLevel, type Candidate } from './routing.js'
import type { QueueState, Ticket } from './state.js'

export interface WaitPrediction {
  /** Expected seconds from `now` until the ticket is called; null when nobody can serve it. */
  readonly expectedSeconds: number | null
  /** p10–p90 range of the wait, seconds. */
  readonly lowSeconds: number | null
  readonly highSeconds: number | null
  /** Tickets of the same service predicted to be called before this one. */
  readonly ahead: number
}

/** Assumed length of a pause when predicting (a paused operator comes back after this). */
const PAUSE_ALLOWANCE_MS = 15 * 60_000
/** z-score of the 10th/90th percentile. */
const Z90 = 1.2816

interface SimOperator {
  readonly id: OperatorId
  freeAt: number
}

/**
 * Forward-replay predictor (design/queueing.md §2.3): copies the operators who are at work, lets
 * each take the ticket the engine's own routing policy would give them at the moment they become
 * free, using expected service times, and reads off when every waiting ticket would be called.
 * No future arrivals or abandonment are assumed. Pure and deterministic.
 */
export function predictWaits(
  state: QueueState,
  now: Instant,
): ReadonlyMap<TicketId, WaitPrediction> {
  const waiting = [...state.tickets.values()].filter((t) => t.status === 'waiting')
  const result = new Map<TicketId, WaitPrediction>()
  if (waiting.length === 0) return result
  const pool = operatorPool(state, now, waiting)
  const queues = new WaitingQueues(waiting)
  const busyAtStart = new Map(pool.map((o) => [o.id, o.freeAt > now]))
  /** Starts so far per operator and per service, read when each ticket starts: O(1) per step. */
  const startsByOperator = new Map<OperatorId, number>()
  const startsByService = new Map<string, number>()
  const starts = new Map<TicketId, { at: number; ahead: number; completions: number }>()

  while (!queues.isEmpty() && pool.length > 0) {
    pool.sort((a, b) => a.freeAt - b.freeAt || (a.id < b.id ? -1 : 1))
    const operator = pool[0]
    if (!operator) break
    const at = Math.max(now, operator.freeAt) as Instant
    const ticket = queues.take(state, { operatorId: operator.id, at })
    if (!ticket) {
      pool.shift()
      continue
    }
    // Completions that must happen before this ticket starts: earlier starts by operators able to
    // serve it, plus the tickets already at those operators' counters.
    let completions = 0
    for (const [id, busy] of busyAtStart) {
      const eligible =
        ticket.assignedOperatorId === null
          ? skillLevel(state, id, ticket.serviceId) !== null
          : ticket.assignedOperatorId === id
      if (eligible) completions += (startsByOperator.get(id) ?? 0) + (busy ? 1 : 0)
    }
    starts.set(ticket.id, { at, ahead: startsByService.get(ticket.serviceId) ?? 0, completions })
    startsByOperator.set(operator.id, (startsByOperator.get(operator.id) ?? 0) + 1)
    startsByService.set(ticket.serviceId, (startsByService.get(ticket.serviceId) ?? 0) + 1)
    operator.freeAt = at + expectedServiceMs(state, ticket)
  }

  for (const ticket of waiting) {
    const start = starts.get(ticket.id)
    if (!start) {
      result.set(ticket.id, {
        expectedSeconds: null,
        lowSeconds: null,
        highSeconds: null,
        ahead: 0,
      })
      continue
    }
    const expected = (start.at - now) / 1000
    const cv = state.services.get(ticket.serviceId)?.serviceTimeCv ?? 1
    const sd =
      start.completions === 0
        ? 0
        : (expected * Math.sqrt((1 + cv * cv) / 2)) / Math.sqrt(start.completions)
    result.set(ticket.id, {
      expectedSeconds: Math.round(expected),
      lowSeconds: Math.round(Math.max(0, expected - Z90 * sd)),
      highSeconds: Math.round(expected + Z90 * sd),
      ahead: start.ahead,
    })
  }
  return result
}

function expectedServiceMs(state: QueueState, ticket: Ticket): number {
  return (state.services.get(ticket.serviceId)?.expectedServiceSeconds ?? 600) * 1000
}

/**
 * Operators who will serve the waiting tickets, with the moment each is free. A serving operator
 * is free when the current ticket's expected service ends (at least a tenth of it from now); a
 * paused one after a typical pause. Services nobody at work can serve fall back to the configured
 * operators with that skill, as if they were about to sign in (e.g. before opening).
 */
function operatorPool(state: QueueState, now: Instant, waiting: readonly Ticket[]): SimOperator[] {
  const pool = new Map<OperatorId, SimOperator>()
  for (const [id, presence] of state.presence) {
    if (presence.status === 'offline' || !state.operators.get(id)?.active) continue
    let freeAt: number = now
    if (presence.status === 'paused') freeAt = Math.max(now, presence.since + PAUSE_ALLOWANCE_MS)
    if (presence.status === 'serving') {
      const current = [...state.tickets.values()].find(
        (t) => t.operatorId === id && (t.status === 'called' || t.status === 'serving'),
      )
      if (current) {
        const expected = expectedServiceMs(state, current)
        const began = current.startedAt ?? now
        freeAt = Math.max(now + expected / 10, began + expected)
      }
    }
    pool.set(id, { id, freeAt })
  }
  const uncovered = new Set(
    waiting
      .filter((t) => t.assignedOperatorId === null)
      .filter((t) => ![...pool.keys()].some((id) => skillLevel(state, id, t.serviceId) !== null))
      .map((t) => t.serviceId),
  )
  for (const operator of state.operators.values()) {
    if (!operator.active || pool.has(operator.id)) continue
    if ([...uncovered].some((s) => operator.skills[s] !== undefined))
      pool.set(operator.id, { id: operator.id, freeAt: now })
  }
  return [...pool.values()]
}

/**
 * Waiting tickets grouped by (service, class, assigned operator). Within a group the routing
 * policy orders tickets exactly by place in the queue (same head start, aging, bonus and skill
 * level), so the best ticket for an operator is the best of the group heads: a replay step costs
 * O(groups) instead of O(waiting tickets).
 */
class WaitingQueues {
  private readonly groups = new Map<string, { tickets: Ticket[]; head: number }>()
  private left = 0

  constructor(waiting: readonly Ticket[]) {
    for (const t of waiting) {
      const key = `${t.serviceId}|${t.priorityClass}|${t.assignedOperatorId ?? ''}`
      let group = this.groups.get(key)
      if (!group) this.groups.set(key, (group = { tickets: [], head: 0 }))
      group.tickets.push(t)
      this.left++
    }
    for (const group of this.groups.values())
      group.tickets.sort(
        (a, b) =>
          a.queuedAt - b.queuedAt ||
          a.sequence - b.sequence ||
          (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      )
  }

  isEmpty(): boolean {
    return this.left === 0
  }

  /** Removes and returns the ticket the routing policy gives this operator at `at`. */
  take(state: QueueState, input: { operatorId: OperatorId; at: Instant }): Ticket | null {
    let best: { candidate: Candidate; group: { tickets: Ticket[]; head: number } } | null = null
    for (const group of this.groups.values()) {
      const head = group.tickets[group.head]
      if (!head || !canServe(state, input.operatorId, head)) continue
      const candidate = scoreTicket(state, {
        operatorId: input.operatorId,
        ticket: head,
        at: input.at,
      })
      if (best === null || compareCandidates(candidate, best.candidate) < 0)
        best = { candidate, group }
    }
    if (!best) return null
    best.group.head++
    this.left--
    return best.candidate.ticket
  }
}
