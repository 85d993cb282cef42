import type { CounterId, Instant, OperatorId, ServiceId, TicketId } from '@kqms/shared/domain'
import { describe, expect, it } from 'vitest'
import {
  MONDAY_10_00,
  at,
  callNext,
  configuredBranch,
  issue,
  minutes,
  run,
  service,
  signIn,
  ticketId,
} from '../../test/engine.js'
import { applyAll } from './apply.js'
import type { Command } from './commands.js'
import { decide } from './decide.js'
import type { QueueState, Ticket } from './state.js'

const T0 = MONDAY_10_00
const c = (id: string) => id as CounterId
const ticketsOf = (state: QueueState): Ticket[] => [...state.tickets.values()]
const byNumber = (state: QueueState, number: string): Ticket =>
  ticketsOf(state).find((t) => t.number === number)!

function expectDomainError(fn: () => unknown, code: string) {
  expect(fn).toThrowError(expect.objectContaining({ name: 'DomainError', code }) as Error)
}

describe('issuing tickets', () => {
  it('numbers each service separately and in order within the day', () => {
    const { state } = run(configuredBranch(), [
      [issue('cash'), T0],
      [issue('cash'), at(T0, 1000)],
      [issue('loan'), at(T0, 2000)],
    ])
    expect(ticketsOf(state).map((t) => t.number)).toEqual(['A001', 'A002', 'L001'])
  })

  it('restarts numbering on the next business day in the branch time zone', () => {
    // 23:59 Almaty is 18:59 UTC; the next ticket after local midnight starts again at A001.
    const lateMonday = Date.UTC(2026, 10, 23, 18, 59) as Instant
    const tuesday = Date.UTC(2026, 10, 24, 4, 0) as Instant
    const { state, events } = run(configuredBranch(), [
      [issue('cash', { byStaff: true }), T0],
      [issue('cash', { byStaff: true }), lateMonday],
      [issue('cash'), tuesday],
    ])
    expect(events.map((e) => e.type)).toContain('DayClosedV1')
    expect(ticketsOf(state).map((t) => [t.number, t.day])).toEqual([['A001', '2026-11-24']])
  })

  it('refuses walk-in tickets outside opening hours but lets staff issue them', () => {
    const sunday = Date.UTC(2026, 10, 22, 6, 0) as Instant
    expectDomainError(() => decide(configuredBranch(), issue('cash'), sunday), 'SERVICE_CLOSED')
    expect(decide(configuredBranch(), issue('cash', { byStaff: true }), sunday)).toHaveLength(1)
  })

  it('stops at the daily cap', () => {
    const state = run(configuredBranch(), [
      [{ type: 'ConfigureService', service: service('fx', 'X', { minutes: 3, dailyCap: 2 }) }, T0],
      [issue('fx'), T0],
      [issue('fx'), T0],
    ]).state
    expectDomainError(() => decide(state, issue('fx'), T0), 'DAILY_CAP_REACHED')
  })

  it('lets customers declare only the self-declarable classes', () => {
    const vip = { ...issue('cash'), priorityClass: 'vip' as const, byStaff: false }
    expectDomainError(() => decide(configuredBranch(), vip, T0), 'PRIORITY_NOT_ALLOWED')
    const elderly = { ...issue('cash'), priorityClass: 'elderly' as const, byStaff: false }
    expect(decide(configuredBranch(), elderly, T0)).toMatchObject([{ priorityClass: 'elderly' }])
  })

  it('grants appointment priority only to a check-in with a verified appointment code', () => {
    const byKiosk = { ...issue('cash'), priorityClass: 'appointment' as const, byStaff: false }
    expectDomainError(() => decide(configuredBranch(), byKiosk, T0), 'PRIORITY_NOT_ALLOWED')
    const checkedIn = { ...byKiosk, channel: 'appointment' as const }
    expect(decide(configuredBranch(), checkedIn, T0)).toMatchObject([
      { priorityClass: 'appointment', channel: 'appointment' },
    ])
  })

  it('refuses unknown and inactive services', () => {
    expectDomainError(() => decide(configuredBranch(), issue('nope'), T0), 'NOT_FOUND')
    const state = run(configuredBranch(), [
      [
        { type: 'ConfigureService', service: service('cash', 'A', { minutes: 4, active: false }) },
        T0,
      ],
    ]).state
    expectDomainError(() => decide(state, issue('cash'), T0), 'SERVICE_NOT_OFFERED')
  })

  it('refuses to change a prefix while the day has tickets, so numbers stay unique', () => {
    const state = run(configuredBranch(), [[issue('cash'), T0]]).state
    const renamed = service('cash', 'Z', { minutes: 4 })
    expectDomainError(
      () => decide(state, { type: 'ConfigureService', service: renamed }, T0),
      'CONFLICT',
    )
    const closed = run(state, [[{ type: 'CloseDay' }, T0]]).state
    const tomorrow = at(T0, minutes(24 * 60))
    expect(decide(closed, { type: 'ConfigureService', service: renamed }, tomorrow)).toHaveLength(1)
  })

  it('refuses a prefix already used by another service', () => {
    expectDomainError(
      () =>
        decide(
          configuredBranch(),
          { type: 'ConfigureService', service: service('fx', 'A', { minutes: 3 }) },
          T0,
        ),
      'CONFLICT',
    )
  })
})

describe('calling tickets', () => {
  const opened = () =>
    run(configuredBranch(), [
      [signIn('aigerim', 'c1'), T0],
      [signIn('bolat', 'c2'), T0],
    ]).state

  it('calls a priority ticket before older regular tickets and records why', () => {
    const { state, events } = run(opened(), [
      [issue('cash'), T0],
      [issue('cash', { priorityClass: 'elderly' }), at(T0, minutes(2))],
      [callNext('c1'), at(T0, minutes(3))],
    ])
    expect(events.at(-1)).toMatchObject({
      type: 'TicketCalledV1',
      reason: { mode: 'next', headStart: 15, overdue: false, skillLevel: 1, candidates: 2 },
    })
    expect(byNumber(state, 'A002').status).toBe('called')
  })

  it('lets aging overtake a head start', () => {
    const { state } = run(opened(), [
      [issue('cash'), T0],
      [issue('cash', { priorityClass: 'elderly' }), at(T0, minutes(20))],
      [callNext('c1'), at(T0, minutes(20))],
    ])
    // regular waited 20 points; elderly has 15 points of head start
    expect(byNumber(state, 'A001').status).toBe('called')
  })

  it('calls a ticket past its class guarantee first, even from a secondary skill', () => {
    const { state } = run(opened(), [
      [issue('card'), T0], // aigerim: secondary skill
      [issue('cash', { priorityClass: 'appointment' }), at(T0, minutes(24))],
      [callNext('c1'), at(T0, minutes(26))],
    ])
    expect(byNumber(state, 'C001').status).toBe('called')
    expect(byNumber(state, 'C001').callReason).toMatchObject({ overdue: true, skillLevel: 2 })
  })

  it('prefers primary skills unless a secondary ticket leads by the margin', () => {
    const early = run(opened(), [
      [issue('card'), T0],
      [issue('cash'), at(T0, minutes(5))],
      [callNext('c1'), at(T0, minutes(6))],
    ]).state
    expect(byNumber(early, 'A001').status).toBe('called') // card leads by 5 < margin 10
    const late = run(opened(), [
      [issue('card'), T0],
      [issue('cash'), at(T0, minutes(11))],
      [callNext('c1'), at(T0, minutes(12))],
    ]).state
    expect(byNumber(late, 'C001').status).toBe('called') // card leads by 11 > margin 10
  })

  it('returns no events when nothing the operator can serve is waiting', () => {
    const state = run(opened(), [[issue('loan'), T0]]).state
    expect(decide(state, callNext('c1'), T0)).toEqual([])
  })

  it('refuses to call while the counter still has a ticket, or when nobody is signed in', () => {
    const state = run(opened(), [
      [issue('cash'), T0],
      [issue('cash'), T0],
      [callNext('c1'), T0],
    ]).state
    expectDomainError(() => decide(state, callNext('c1'), T0), 'INVALID_TRANSITION')
    expectDomainError(() => decide(state, callNext('c3'), T0), 'COUNTER_CLOSED')
  })

  it('calls a specific ticket out of order only if the operator can serve it', () => {
    const loan = ticketId()
    const cash = ticketId()
    const state = run(opened(), [
      [issue('loan', { id: loan }), T0],
      [issue('cash', { id: cash }), T0],
    ]).state
    expectDomainError(
      () => decide(state, { type: 'CallTicket', counterId: c('c1'), ticketId: loan }, T0),
      'SERVICE_NOT_OFFERED',
    )
    expect(
      decide(state, { type: 'CallTicket', counterId: c('c1'), ticketId: cash }, T0),
    ).toMatchObject([{ type: 'TicketCalledV1', reason: { mode: 'specific' } }])
  })
})

describe('serving a called ticket', () => {
  const withCalled = () =>
    run(configuredBranch(), [
      [signIn('aigerim', 'c1'), T0],
      [issue('cash'), T0],
      [callNext('c1'), T0],
    ]).state

  it('goes from called to serving to finished and frees the operator', () => {
    const { state } = run(withCalled(), [
      [{ type: 'StartService', counterId: c('c1') }, at(T0, minutes(1))],
      [{ type: 'Finish', counterId: c('c1'), outcome: 'served' }, at(T0, minutes(5))],
    ])
    expect(byNumber(state, 'A001')).toMatchObject({ status: 'finished', outcome: 'served' })
    expect(state.presence.get('aigerim' as OperatorId)?.status).toBe('available')
  })

  it('refuses to finish a ticket that was never started', () => {
    expectDomainError(
      () => decide(withCalled(), { type: 'Finish', counterId: c('c1'), outcome: 'served' }, T0),
      'INVALID_TRANSITION',
    )
    const idle = run(configuredBranch(), [[signIn('aigerim', 'c1'), T0]]).state
    expectDomainError(
      () => decide(idle, { type: 'Finish', counterId: c('c1'), outcome: 'served' }, T0),
      'INVALID_TRANSITION',
    )
  })

  it('recalls with a cooldown and turns the ticket into a no-show after the last recall', () => {
    const recall: Command = { type: 'Recall', counterId: c('c1') }
    expectDomainError(() => decide(withCalled(), recall, at(T0, 5000)), 'RECALL_TOO_SOON')
    const { state, events } = run(withCalled(), [
      [recall, at(T0, minutes(1))],
      [recall, at(T0, minutes(2))],
      [recall, at(T0, minutes(3))],
      [recall, at(T0, minutes(4))],
    ])
    expect(events.map((e) => e.type)).toEqual([
      'TicketRecalledV1',
      'TicketRecalledV1',
      'TicketRecalledV1',
      'TicketNoShowV1',
    ])
    expect(byNumber(state, 'A001').status).toBe('no_show')
  })

  it('marks tickets nobody came for as no-shows after the timeout, and reactivates them', () => {
    const before = decide(withCalled(), { type: 'ExpireNoShows' }, at(T0, minutes(4)))
    expect(before).toEqual([])
    const { state } = run(withCalled(), [[{ type: 'ExpireNoShows' }, at(T0, minutes(5))]])
    const ticket = byNumber(state, 'A001')
    expect(ticket).toMatchObject({ status: 'no_show' })
    const back = run(state, [
      [{ type: 'Reactivate', ticketId: ticket.id, keepPlace: true }, at(T0, minutes(10))],
    ]).state
    expect(byNumber(back, 'A001')).toMatchObject({ status: 'waiting', queuedAt: T0 })
    expectDomainError(
      () =>
        decide(
          state,
          { type: 'Reactivate', ticketId: ticket.id, keepPlace: true },
          at(T0, minutes(70)),
        ),
      'INVALID_TRANSITION',
    )
  })

  it('parks a ticket and lets another operator resume it', () => {
    const parked = run(withCalled(), [
      [{ type: 'StartService', counterId: c('c1') }, T0],
      [{ type: 'Park', counterId: c('c1') }, at(T0, minutes(2))],
      [signIn('dana', 'c3'), at(T0, minutes(3))],
    ]).state
    const ticket = byNumber(parked, 'A001')
    expect(ticket.status).toBe('parked')
    expect(parked.presence.get('aigerim' as OperatorId)?.status).toBe('available')
    const resumed = run(parked, [
      [{ type: 'ResumeParked', counterId: c('c3'), ticketId: ticket.id }, at(T0, minutes(9))],
    ]).state
    expect(byNumber(resumed, 'A001')).toMatchObject({ status: 'called', counterId: 'c3' })
  })

  it('transfers to another service keeping or losing the place', () => {
    const start = run(withCalled(), [
      [{ type: 'StartService', counterId: c('c1') }, at(T0, minutes(1))],
    ]).state
    const id = byNumber(start, 'A001').id
    const keep = run(start, [
      [
        {
          type: 'Transfer',
          ticketId: id,
          toServiceId: 'card' as ServiceId,
          toOperatorId: null,
          keepPlace: true,
        },
        at(T0, minutes(3)),
      ],
    ]).state
    expect(byNumber(keep, 'A001')).toMatchObject({
      status: 'waiting',
      serviceId: 'card',
      queuedAt: T0,
    })
    expect(keep.presence.get('aigerim' as OperatorId)?.status).toBe('available')
    const lose = run(start, [
      [
        {
          type: 'Transfer',
          ticketId: id,
          toServiceId: 'card' as ServiceId,
          toOperatorId: null,
          keepPlace: false,
        },
        at(T0, minutes(3)),
      ],
    ]).state
    expect(byNumber(lose, 'A001').queuedAt).toBe(at(T0, minutes(3)))
  })

  it('transfers to an operator whom only that operator can call', () => {
    const start = run(withCalled(), [[signIn('dana', 'c3'), T0]]).state
    const id = byNumber(start, 'A001').id
    const moved = run(start, [
      [
        {
          type: 'Transfer',
          ticketId: id,
          toServiceId: 'cash' as ServiceId,
          toOperatorId: 'bolat' as OperatorId,
          keepPlace: true,
        },
        T0,
      ],
    ]).state
    expect(decide(moved, callNext('c3'), T0)).toEqual([]) // dana serves cash but the ticket is bolat's
    const bolat = run(moved, [
      [signIn('bolat', 'c2'), T0],
      [callNext('c2'), T0],
    ]).state
    expect(byNumber(bolat, 'A001')).toMatchObject({ status: 'called', counterId: 'c2' })
  })

  it('redirects a multi-step visit to its next service', () => {
    const { state } = run(configuredBranch(), [
      [signIn('aigerim', 'c1'), T0],
      [issue('cash', { followUps: ['card'] }), T0],
      [callNext('c1'), T0],
      [{ type: 'StartService', counterId: c('c1') }, T0],
      [
        {
          type: 'Redirect',
          counterId: c('c1'),
          outcome: 'served',
          toServiceId: null,
          keepPlace: true,
        },
        at(T0, minutes(4)),
      ],
    ])
    expect(byNumber(state, 'A001')).toMatchObject({
      status: 'waiting',
      serviceId: 'card',
      followUpServiceIds: [],
      stepsDone: 1,
    })
  })

  it('cancels waiting tickets but not one being served', () => {
    const state = run(withCalled(), [[{ type: 'StartService', counterId: c('c1') }, T0]]).state
    const id = byNumber(state, 'A001').id
    expectDomainError(
      () => decide(state, { type: 'Cancel', ticketId: id, reason: 'customer_request' }, T0),
      'INVALID_TRANSITION',
    )
    const waiting = run(state, [[issue('cash'), T0]]).state
    const other = byNumber(waiting, 'A002').id
    expect(
      applyAll(
        waiting,
        decide(waiting, { type: 'Cancel', ticketId: other, reason: 'customer_request' }, T0),
      ).tickets.get(other)?.status,
    ).toBe('cancelled')
  })

  it('closes the day: open tickets expire and numbering restarts', () => {
    const { events, state } = run(withCalled(), [
      [issue('cash'), T0],
      [{ type: 'CloseDay' }, at(T0, minutes(600))],
    ])
    expect(events.at(-1)).toMatchObject({ type: 'DayClosedV1', day: '2026-11-23' })
    expect((events.at(-1) as { expiredTicketIds: TicketId[] }).expiredTicketIds).toHaveLength(2)
    expect(state.tickets.size).toBe(0)
  })
})

describe('operators', () => {
  it('keeps a counter to one operator and an operator to one counter', () => {
    const state = run(configuredBranch(), [[signIn('aigerim', 'c1'), T0]]).state
    expectDomainError(() => decide(state, signIn('bolat', 'c1'), T0), 'COUNTER_BUSY')
    const moved = run(state, [[signIn('aigerim', 'c2'), T0]]).state
    expect(moved.presence.get('aigerim' as OperatorId)).toMatchObject({
      status: 'available',
      counterId: 'c2',
    })
  })

  it('pauses with a reason only when not serving, and cannot call while paused', () => {
    const busy = run(configuredBranch(), [
      [signIn('aigerim', 'c1'), T0],
      [issue('cash'), T0],
      [callNext('c1'), T0],
    ]).state
    expectDomainError(
      () =>
        decide(busy, { type: 'Pause', operatorId: 'aigerim' as OperatorId, reason: 'lunch' }, T0),
      'OPERATOR_BUSY',
    )
    const paused = run(configuredBranch(), [
      [signIn('aigerim', 'c1'), T0],
      [{ type: 'Pause', operatorId: 'aigerim' as OperatorId, reason: 'lunch' }, T0],
      [issue('cash'), T0],
    ]).state
    expect(paused.presence.get('aigerim' as OperatorId)).toMatchObject({
      status: 'paused',
      pauseReason: 'lunch',
    })
    expectDomainError(() => decide(paused, callNext('c1'), T0), 'INVALID_TRANSITION')
  })

  it('refuses signing out with a ticket at the counter', () => {
    const busy = run(configuredBranch(), [
      [signIn('aigerim', 'c1'), T0],
      [issue('cash'), T0],
      [callNext('c1'), T0],
    ]).state
    expectDomainError(
      () => decide(busy, { type: 'SignOut', operatorId: 'aigerim' as OperatorId }, T0),
      'OPERATOR_BUSY',
    )
  })
})
