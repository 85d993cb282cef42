import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { Instant, QueueEvent, TicketId } from '@kqms/shared/domain'
import type { QueueState } from '../domain/state.js'
import type { Clock, QueueRuntime, StoredEvent } from '../usecases/ports.js'
import { activeServices, predictNewTicket, waitingOf } from '../views/public.views.js'

/** What the metrics read at scrape time and follow as events commit. */
export interface MetricsSource {
  readonly runtime: QueueRuntime
  readonly clock: Clock
}

export interface Metrics {
  /** A dedicated registry: nothing global, so two apps in one process never collide. */
  readonly registry: Registry
  observeHttpRequest(
    labels: { method: string; route: string; status: number },
    seconds: number,
  ): void
  /** Starts following a runtime (idempotent per runtime); returns a function that stops it. */
  track(source: MetricsSource): () => void
}

/**
 * Prometheus metrics of the appliance. Queue gauges are computed from `runtime.state()` when
 * scraped; ticket counters follow committed events; the HTTP histogram is fed by the request
 * middleware. The runtime is given here or later through `track` (`createHttpApp` does it).
 */
export function createMetrics(source?: MetricsSource): Metrics {
  const registry = new Registry()
  let tracked: MetricsSource | null = null
  let stopTracking: (() => void) | null = null

  const httpDuration = new Histogram({
    name: 'kqms_http_request_duration_seconds',
    help: 'HTTP request duration by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  })

  const tickets = {
    issued: new Counter({
      name: 'kqms_tickets_issued_total',
      help: 'Tickets issued, by service.',
      labelNames: ['service'] as const,
      registers: [registry],
    }),
    called: new Counter({
      name: 'kqms_tickets_called_total',
      help: 'Tickets called to a counter, by service.',
      labelNames: ['service'] as const,
      registers: [registry],
    }),
    finished: new Counter({
      name: 'kqms_tickets_finished_total',
      help: 'Tickets finished, by service.',
      labelNames: ['service'] as const,
      registers: [registry],
    }),
  }

  const withState = (collect: (state: QueueState, now: Instant) => void): void => {
    if (tracked) collect(tracked.runtime.state(), tracked.clock.now())
  }

  new Gauge({
    name: 'kqms_queue_waiting_tickets',
    help: 'Tickets waiting, by service.',
    labelNames: ['service'] as const,
    registers: [registry],
    collect() {
      this.reset()
      withState((state) => {
        for (const service of activeServices(state))
          this.set({ service: service.id }, waitingOf(state, service.id).length)
      })
    },
  })

  new Gauge({
    name: 'kqms_queue_oldest_wait_seconds',
    help: 'How long the longest-waiting ticket has waited, by service (0 when none waits).',
    labelNames: ['service'] as const,
    registers: [registry],
    collect() {
      this.reset()
      withState((state, now) => {
        for (const service of activeServices(state)) {
          const oldest = Math.min(now, ...waitingOf(state, service.id).map((t) => t.queuedAt))
          this.set({ service: service.id }, Math.max(0, (now - oldest) / 1000))
        }
      })
    },
  })

  new Gauge({
    name: 'kqms_queue_predicted_wait_seconds',
    help: 'Predicted wait of a ticket taken now, by service (absent when nobody can serve it).',
    labelNames: ['service'] as const,
    registers: [registry],
    collect() {
      this.reset()
      withState((state, now) => {
        for (const service of activeServices(state)) {
          const prediction = predictNewTicket(state, service.id, now)
          if (prediction?.expectedSeconds != null)
            this.set({ service: service.id }, prediction.expectedSeconds)
        }
      })
    },
  })

  new Gauge({
    name: 'kqms_event_log_events',
    help: 'Events in the appliance event log.',
    registers: [registry],
    collect() {
      this.reset()
      if (tracked) this.set(tracked.runtime.eventCount())
    },
  })

  /** The ticket counter an event advances, with its service label; null for other events. */
  const counterFor = (event: QueueEvent, state: QueueState) => {
    const serviceOf = (ticketId: TicketId): string =>
      state.tickets.get(ticketId)?.serviceId ?? 'unknown'
    switch (event.type) {
      case 'TicketIssuedV1':
        return { counter: tickets.issued, service: event.serviceId }
      case 'TicketCalledV1':
        return { counter: tickets.called, service: serviceOf(event.ticketId) }
      case 'TicketFinishedV1':
        return { counter: tickets.finished, service: serviceOf(event.ticketId) }
      default:
        return null
    }
  }

  const onCommitted = (events: readonly StoredEvent[], state: QueueState): void => {
    for (const { event } of events) {
      const target = counterFor(event, state)
      target?.counter.inc({ service: target.service })
    }
  }

  const metrics: Metrics = {
    registry,
    observeHttpRequest(labels, seconds) {
      httpDuration.observe(
        { method: labels.method, route: labels.route, status: String(labels.status) },
        seconds,
      )
    },
    track(next) {
      if (tracked?.runtime === next.runtime && stopTracking) return stopTracking
      stopTracking?.()
      tracked = next
      const unsubscribe = next.runtime.onCommitted(onCommitted)
      const stop = (): void => {
        unsubscribe()
        if (tracked === next) tracked = null
        if (stopTracking === stop) stopTracking = null
      }
      stopTracking = stop
      return stop
    },
  }
  if (source) metrics.track(source)
  return metrics
}
