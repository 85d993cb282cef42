import { CounterState, HallAnnounce, NowServing, QueueSnapshot } from '@kqms/shared/mqtt'
import { describe, expect, it } from 'vitest'
import { AIDA, BOLAT, CASH, COUNTER_1, COUNTER_2 } from '../../test/given.js'
import { startTestRuntime } from '../../test/test-runtime.js'
import { toCounterState, toHallAnnounce, toNowServing, toQueueSnapshot } from './queue.messages.js'

function branchWithCalls() {
  const test = startTestRuntime()
  test.given.branch()
  test.given.openCounters()
  const first = test.given.ticket({ language: 'kk' })
  const second = test.given.ticket({ language: 'en' })
  test.given.ticket()
  const call1 = test.given.run({ type: 'CallNext', counterId: COUNTER_1 })
  test.clock.advance(1000)
  test.given.run({ type: 'CallNext', counterId: COUNTER_2 })
  return { test, first, second, call1 }
}

describe(toNowServing.name, () => {
  it('lists the last calls newest first, with the counter label and the ticket language', () => {
    const { test, first, second } = branchWithCalls()
    using _ = test
    const payload = toNowServing(test.runtime.state(), { limit: 8, now: test.clock.now() })
    expect(NowServing.parse(payload)).toEqual(payload)
    expect(payload.items.map((i) => [i.number, i.counterLabel, i.language])).toEqual([
      [second.number, '2', 'en'],
      [first.number, '1', 'kk'],
    ])
    expect(toNowServing(test.runtime.state(), { limit: 1, now: 0 as never }).items).toHaveLength(1)
  })

  it('drops a called ticket that goes back to waiting or is marked no-show', () => {
    const { test, second } = branchWithCalls()
    using _ = test
    test.given.run({ type: 'MarkNoShow', counterId: COUNTER_1 })
    const items = toNowServing(test.runtime.state(), { limit: 8, now: test.clock.now() }).items
    expect(items.map((i) => i.number)).toEqual([second.number])
  })
})

describe(toCounterState.name, () => {
  it('shows the called ticket and the operator at the counter', () => {
    const { test, first } = branchWithCalls()
    using _ = test
    const state = test.runtime.state()
    const counter = state.counters.get(COUNTER_1)!
    const payload = toCounterState(state, counter, test.clock.now())
    expect(CounterState.parse(payload)).toEqual(payload)
    expect(payload).toMatchObject({
      label: '1',
      current: { number: first.number, status: 'called', recallCount: 0 },
      operator: { operatorId: AIDA, displayName: 'Aida', status: 'serving', pauseReason: null },
    })
  })

  it('shows a paused operator, and no operator where nobody signed in', () => {
    const test = startTestRuntime()
    using _ = test
    test.given.branch()
    test.given.signIn(BOLAT, COUNTER_2)
    test.given.run({ type: 'Pause', operatorId: BOLAT, reason: 'lunch' })
    const state = test.runtime.state()
    expect(toCounterState(state, state.counters.get(COUNTER_2)!, test.clock.now())).toMatchObject({
      current: null,
      operator: { operatorId: BOLAT, status: 'paused', pauseReason: 'lunch' },
    })
    expect(
      toCounterState(state, state.counters.get(COUNTER_1)!, test.clock.now()).operator,
    ).toBeNull()
  })
})

describe(toQueueSnapshot.name, () => {
  it('gives every active service its waiting count and the wait of a ticket taken now', () => {
    const { test } = branchWithCalls()
    using _ = test
    const payload = toQueueSnapshot(test.runtime.state(), test.clock.now())
    expect(QueueSnapshot.parse(payload)).toEqual(payload)
    expect(payload.services.find((s) => s.id === CASH)).toMatchObject({
      prefix: 'A',
      isOpen: true,
      waiting: 1,
      newTicketWait: { expectedSeconds: expect.any(Number) },
    })
  })
})

describe(toHallAnnounce.name, () => {
  it('announces a call with the event id and a 60 s expiry, and ignores other events', () => {
    const { test, first, call1 } = branchWithCalls()
    using _ = test
    const stored = call1.events.find((e) => e.event.type === 'TicketCalledV1')!
    const announce = toHallAnnounce(test.runtime.state(), {
      stored,
      now: test.clock.now(),
      ttlMs: 60_000,
    })
    expect(HallAnnounce.parse(announce)).toMatchObject({
      id: stored.id,
      kind: 'call',
      number: first.number,
      counterLabel: '1',
      language: 'kk',
      recallCount: 0,
      expiresAt: stored.event.at + 60_000,
    })
    const started = test.given.run({ type: 'StartService', counterId: COUNTER_1 }).events[0]!
    expect(
      toHallAnnounce(test.runtime.state(), { stored: started, now: test.clock.now(), ttlMs: 1 }),
    ).toBeNull()
  })
})
