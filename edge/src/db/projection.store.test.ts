import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { OPEN_TICKET_STATUSES, type QueueState } from '../domain/state.js'
import { minutes } from '../../test/fake-clock.js'
import { COUNTER_1 } from '../../test/given.js'
import { randomSteps, runSteps } from '../../test/random-steps.js'
import { startTestRuntime, type TestRuntime } from '../../test/test-runtime.js'
import { prepareProjector } from './projection.store.js'

type Row = Record<string, unknown>
const rows = (edge: TestRuntime, sql: string): Row[] =>
  edge.database.sqlite.prepare(sql).all() as Row[]
const json = (text: unknown): unknown => (text === null ? null : JSON.parse(text as string))

/** The projection, read back, must say what the engine's state says. */
function expectProjectionToMatch(edge: TestRuntime, state: QueueState): void {
  const tickets = new Map(rows(edge, 'SELECT * FROM tickets').map((r) => [r['id'], r]))
  for (const t of state.tickets.values()) {
    const row = tickets.get(t.id)
    expect(row, `ticket ${t.number}`).toBeDefined()
    expect({
      ...row,
      follow_up_service_ids: json(row?.['follow_up_service_ids']),
      call_reason: json(row?.['call_reason']),
    }).toEqual({
      id: t.id,
      day: t.day,
      service_id: t.serviceId,
      number: t.number,
      sequence: t.sequence,
      priority_class: t.priorityClass,
      language: t.language,
      channel: t.channel,
      phone_masked: t.phoneMasked,
      status: t.status,
      issued_at: t.issuedAt,
      queued_at: t.queuedAt,
      follow_up_service_ids: t.followUpServiceIds,
      assigned_operator_id: t.assignedOperatorId,
      counter_id: t.counterId,
      operator_id: t.operatorId,
      called_at: t.calledAt,
      last_called_at: t.lastCalledAt,
      recall_count: t.recallCount,
      started_at: t.startedAt,
      finished_at: t.finishedAt,
      outcome: t.outcome,
      call_reason: t.callReason,
      steps_done: t.stepsDone,
    })
  }
  // Tickets of closed days are never shown as still in the queue.
  for (const row of tickets.values())
    if (!state.tickets.has(row['id'] as never))
      expect(OPEN_TICKET_STATUSES).not.toContain(row['status'])

  const operators = rows(edge, 'SELECT * FROM operators ORDER BY id')
  expect(operators).toEqual(
    [...state.operators.values()]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((o) => {
        const p = state.presence.get(o.id)
        return {
          id: o.id,
          display_name: o.displayName,
          skills: JSON.stringify(Object.fromEntries(Object.entries(o.skills).sort())),
          active: o.active ? 1 : 0,
          status: p?.status,
          counter_id: p?.counterId,
          pause_reason: p?.pauseReason,
          since: p?.since,
        }
      }),
  )
  const services = rows(edge, 'SELECT id, daily_cap, active FROM services ORDER BY id')
  expect(services).toEqual(
    [...state.services.values()]
      .sort((a, b) => (a.id < b.id ? -1 : 1))
      .map((s) => ({ id: s.id, daily_cap: s.dailyCap, active: s.active ? 1 : 0 })),
  )
  const day = state.sequenceDay
  if (day !== null)
    expect(
      rows(edge, `SELECT service_id, last_sequence FROM daily_counters WHERE day = '${day}'`),
    ).toEqual(
      expect.arrayContaining(
        [...state.lastSequence].map(([serviceId, last]) => ({
          service_id: serviceId,
          last_sequence: last,
        })),
      ),
    )
}

describe(prepareProjector.name, () => {
  it('keeps every projection table equal to the engine state through random operating days', () => {
    fc.assert(
      fc.property(randomSteps(), (steps) => {
        using edge = startTestRuntime()
        edge.given.branch()
        edge.given.openCounters()
        runSteps(edge, steps)
        expectProjectionToMatch(edge, edge.runtime.state())
      }),
      { numRuns: 60 },
    )
  })

  it('expires the open tickets of a closed day and keeps the served ones as they were', () => {
    using edge = startTestRuntime()
    edge.given.branch()
    edge.given.openCounters()
    const served = edge.given.ticket()
    const called = edge.given.ticket()
    const waiting = edge.given.ticket()
    edge.given.run({ type: 'CallNext', counterId: COUNTER_1 })
    edge.given.run({ type: 'StartService', counterId: COUNTER_1 })
    edge.clock.advance(minutes(5))
    edge.given.run({ type: 'Finish', counterId: COUNTER_1, outcome: 'served' })
    edge.given.run({ type: 'CallNext', counterId: COUNTER_1 })

    const close = edge.given.run({ type: 'CloseDay' })

    expect(close.events).toMatchObject([
      { event: { type: 'DayClosedV1', expiredTicketIds: [called.id, waiting.id] } },
    ])
    expect(edge.runtime.findTicket(served.id)).toMatchObject({
      status: 'finished',
      outcome: 'served',
    })
    expect(edge.runtime.findTicket(called.id)).toMatchObject({
      status: 'expired',
      counterId: COUNTER_1,
    })
    expect(edge.runtime.findTicket(waiting.id)).toMatchObject({ status: 'expired' })
    expect(rows(edge, 'SELECT day, service_id, last_sequence FROM daily_counters')).toEqual([
      { day: '2025-03-03', service_id: 'cash', last_sequence: 3 },
    ])
  })
})
