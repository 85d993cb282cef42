import type {
  BranchLive,
  ClassLive,
  OperatorLive,
  ServiceLive,
  SlaAlert,
  SlaState,
} from '@kqms/shared/api'
import type { CounterId, Instant, PriorityClass } from '@kqms/shared/domain'
import { PRIORITY_CLASSES } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import { NOW_SERVING_LIMIT, type CounterState, type NowServing } from '@kqms/shared/mqtt'
import { predictWaits, type WaitPrediction } from '../domain/prediction.js'
import type { QueueState, Ticket } from '../domain/state.js'
import {
  toCounterState as toCounterStateMessage,
  toNowServing as toNowServingMessage,
} from '../mqtt/queue.messages.js'
import { activeServices, isServiceOpen, toIso, toQueueView } from './public.views.js'

/**
 * Live views for displays and the manager dashboard. The HTTP routes serve them as the snapshot a
 * page starts from (and polls while it has no MQTT connection); their shapes are the MQTT payloads
 * of `hall/now-serving` and `counter/{id}/state` (`@kqms/shared/mqtt`).
 */

/** The last calls, newest first: what the hall display shows (the `hall/now-serving` payload). */
export function toNowServing(state: QueueState, now: Instant): NowServing {
  return toNowServingMessage(state, { limit: NOW_SERVING_LIMIT, now })
}

/** What a counter's display shows (the `counter/{id}/state` payload). */
export function toCounterState(
  state: QueueState,
  counterId: CounterId,
  now: Instant,
): CounterState {
  const counter = state.counters.get(counterId)
  if (!counter) throw new DomainError('NOT_FOUND', `No counter ${counterId}`)
  return toCounterStateMessage(state, counter, now)
}

export function toCounterStates(state: QueueState, now: Instant): CounterState[] {
  return [...state.counters.values()]
    .sort((a, b) => a.label.localeCompare(b.label, 'en', { numeric: true }))
    .map((c) => toCounterState(state, c.id, now))
}

/** A ticket at risk once it has used this share of its class's maximum wait. */
const AT_RISK_SHARE = 0.8
const SLA_RANK: Record<SlaState, number> = { ok: 0, at_risk: 1, breached: 2 }
const worst = (states: readonly SlaState[]): SlaState =>
  states.reduce<SlaState>((a, b) => (SLA_RANK[b] > SLA_RANK[a] ? b : a), 'ok')

interface TicketSla {
  readonly ticket: Ticket
  readonly waitedSeconds: number
  readonly predictedRemainingSeconds: number | null
  readonly limitSeconds: number
  readonly state: SlaState
}

function slaOf(
  state: QueueState,
  input: { ticket: Ticket; prediction: WaitPrediction | undefined; now: Instant },
): TicketSla {
  const { ticket, prediction, now } = input
  const waitedSeconds = Math.max(0, Math.floor((now - ticket.queuedAt) / 1000))
  const limitSeconds = Math.round(state.policy.classes[ticket.priorityClass].maxWaitMinutes * 60)
  const remaining = prediction?.expectedSeconds ?? null
  const predictedRemainingSeconds = remaining === null ? null : Math.max(0, Math.round(remaining))
  const sla: SlaState =
    waitedSeconds > limitSeconds
      ? 'breached'
      : waitedSeconds >= limitSeconds * AT_RISK_SHARE ||
          (predictedRemainingSeconds !== null &&
            waitedSeconds + predictedRemainingSeconds > limitSeconds)
        ? 'at_risk'
        : 'ok'
  return { ticket, waitedSeconds, predictedRemainingSeconds, limitSeconds, state: sla }
}

function classLive(
  state: QueueState,
  input: { priorityClass: PriorityClass; tickets: readonly TicketSla[] },
): ClassLive {
  const { priorityClass, tickets } = input
  return {
    priorityClass,
    waiting: tickets.length,
    oldestWaitSeconds:
      tickets.length === 0 ? null : Math.max(...tickets.map((t) => t.waitedSeconds)),
    maxWaitMinutes: state.policy.classes[priorityClass].maxWaitMinutes,
    sla: worst(tickets.map((t) => t.state)),
  }
}

function operatorsLive(state: QueueState): OperatorLive[] {
  return [...state.operators.values()]
    .filter((o) => o.active)
    .map((operator) => {
      const presence = state.presence.get(operator.id)
      return {
        operatorId: operator.id,
        displayName: operator.displayName,
        status: presence?.status ?? 'offline',
        pauseReason: presence?.pauseReason ?? null,
        counterId: presence && presence.status !== 'offline' ? presence.counterId : null,
        since: toIso(presence?.since ?? 0),
      }
    })
}

/** The manager dashboard's picture of the branch. */
export function toBranchLive(state: QueueState, now: Instant): BranchLive {
  const predictions = predictWaits(state, now)
  const waiting = [...state.tickets.values()].filter((t) => t.status === 'waiting')
  const slas = waiting.map((ticket) =>
    slaOf(state, { ticket, prediction: predictions.get(ticket.id), now }),
  )
  const online = operatorsLive(state).filter((o) => o.status !== 'offline')
  const services: ServiceLive[] = activeServices(state).map((service) => {
    const queue = toQueueView(state, service, now)
    const mine = slas.filter((s) => s.ticket.serviceId === service.id)
    const classes = PRIORITY_CLASSES.map((priorityClass) =>
      classLive(state, {
        priorityClass,
        tickets: mine.filter((s) => s.ticket.priorityClass === priorityClass),
      }),
    ).filter((c) => c.waiting > 0)
    return {
      serviceId: service.id,
      prefix: service.prefix,
      name: service.name,
      isOpen: isServiceOpen(state, service, now),
      waiting: queue.waiting,
      newTicketWait: queue.newTicketWait,
      oldestWaitSeconds: mine.length === 0 ? null : Math.max(...mine.map((s) => s.waitedSeconds)),
      sla: worst(mine.map((s) => s.state)),
      classes,
      operatorsOnline: online.filter(
        (o) => state.operators.get(o.operatorId)?.skills[service.id] !== undefined,
      ).length,
    }
  })
  const alerts: SlaAlert[] = slas
    .filter((s): s is TicketSla & { state: 'at_risk' | 'breached' } => s.state !== 'ok')
    .sort(
      (a, b) =>
        SLA_RANK[b.state] - SLA_RANK[a.state] ||
        a.limitSeconds - a.waitedSeconds - (b.limitSeconds - b.waitedSeconds),
    )
    .map((s) => ({
      ticketId: s.ticket.id,
      number: s.ticket.number,
      serviceId: s.ticket.serviceId,
      priorityClass: s.ticket.priorityClass,
      state: s.state,
      waitedSeconds: s.waitedSeconds,
      predictedRemainingSeconds: s.predictedRemainingSeconds,
      limitSeconds: s.limitSeconds,
    }))
  return {
    services,
    counters: toCounterStates(state, now),
    operators: operatorsLive(state),
    alerts,
    ts: toIso(now),
  }
}
