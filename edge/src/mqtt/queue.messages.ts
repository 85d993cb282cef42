import type { Counter, Instant } from '@kqms/shared/domain'
import type {
  CounterState,
  HallAnnounce,
  NowServing,
  NowServingItem,
  QueueSnapshot,
} from '@kqms/shared/mqtt'
import type { QueueState, Ticket } from '../domain/state.js'
import { currentTicketAt, operatorAtCounter } from '../views/counter.views.js'
import { activeServices, toQueueView } from '../views/public.views.js'
import type { StoredEvent } from '../usecases/ports.js'

/** Payloads of the queue's MQTT topics, rendered from the committed queue state (pure). */

const SHOWN_STATUSES: ReadonlySet<Ticket['status']> = new Set(['called', 'serving', 'finished'])

/** `hall/now-serving`: the last `limit` tickets called to a counter, newest call first. */
export function toNowServing(
  state: QueueState,
  input: { limit: number; now: Instant },
): NowServing {
  const items: NowServingItem[] = [...state.tickets.values()]
    .filter((t) => t.lastCalledAt !== null && t.counterId !== null && SHOWN_STATUSES.has(t.status))
    .sort((a, b) => (b.lastCalledAt ?? 0) - (a.lastCalledAt ?? 0) || b.sequence - a.sequence)
    .slice(0, input.limit)
    .flatMap((t) => {
      if (t.counterId === null || t.lastCalledAt === null) return []
      return [
        {
          ticketId: t.id,
          number: t.number,
          counterId: t.counterId,
          counterLabel: state.counters.get(t.counterId)?.label ?? t.counterId,
          language: t.language,
          calledAt: t.lastCalledAt,
          recallCount: t.recallCount,
        },
      ]
    })
  return { items, ts: input.now }
}

/** `counter/{counterId}/state`: what the counter's display shows. */
export function toCounterState(state: QueueState, counter: Counter, now: Instant): CounterState {
  const ticket = currentTicketAt(state, counter.id)
  const operatorId = operatorAtCounter(state, counter.id)
  const presence = operatorId === null ? undefined : state.presence.get(operatorId)
  const operator = operatorId === null ? undefined : state.operators.get(operatorId)
  return {
    counterId: counter.id,
    label: counter.label,
    name: counter.name,
    active: counter.active,
    current:
      ticket === null || (ticket.status !== 'called' && ticket.status !== 'serving')
        ? null
        : {
            ticketId: ticket.id,
            number: ticket.number,
            status: ticket.status,
            language: ticket.language,
            calledAt: ticket.lastCalledAt ?? ticket.calledAt ?? now,
            recallCount: ticket.recallCount,
          },
    operator:
      operatorId === null || !presence || presence.status === 'offline'
        ? null
        : {
            operatorId,
            displayName: operator?.displayName ?? operatorId,
            status: presence.status,
            pauseReason: presence.pauseReason,
          },
    ts: now,
  }
}

/** `queue/snapshot`: every active service with its waiting count and a new ticket's wait. */
export function toQueueSnapshot(state: QueueState, now: Instant): QueueSnapshot {
  return {
    services: activeServices(state).map((service) => {
      const view = toQueueView(state, service, now)
      return {
        id: service.id,
        prefix: service.prefix,
        name: service.name,
        isOpen: view.isOpen,
        waiting: view.waiting,
        newTicketWait: view.newTicketWait,
      }
    }),
    ts: now,
  }
}

/** `hall/announce` for a committed call, recall or resumed call; null for other events. */
export function toHallAnnounce(
  state: QueueState,
  input: { stored: StoredEvent; now: Instant; ttlMs: number },
): HallAnnounce | null {
  const { event } = input.stored
  if (
    event.type !== 'TicketCalledV1' &&
    event.type !== 'TicketResumedV1' &&
    event.type !== 'TicketRecalledV1'
  )
    return null
  const ticket = state.tickets.get(event.ticketId)
  if (!ticket) return null
  const recall = event.type === 'TicketRecalledV1'
  return {
    // The event's id: a republished announce is recognisably the same one.
    id: input.stored.id,
    kind: recall ? 'recall' : 'call',
    ticketId: ticket.id,
    number: ticket.number,
    counterId: event.counterId,
    counterLabel: state.counters.get(event.counterId)?.label ?? event.counterId,
    language: ticket.language,
    recallCount: recall ? event.recallCount : 0,
    ts: input.now,
    expiresAt: event.at + input.ttlMs,
  }
}
