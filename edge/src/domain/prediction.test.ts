import type { Instant, TicketId } from '@kqms/shared/domain'
import { describe, expect, it } from 'vitest'
import {
  MONDAY_10_00,
  at,
  callNext,
  configuredBranch,
  issue,
  minutes,
  run,
  signIn,
} from '../../test/engine.js'
import type { Command } from './commands.js'
import { predictWaits } from './prediction.js'
import type { QueueState } from './state.js'

const T0 = MONDAY_10_00
const byNumber = (state: QueueState, number: string): TicketId =>
  [...state.tickets.values()].find((t) => t.number === number)!.id

describe(predictWaits.name, () => {
  it('predicts FIFO waits of one expected service per ticket ahead for a single operator', () => {
    const state = run(configuredBranch(), [
      [signIn('aigerim', 'c1'), T0],
      [issue('cash'), T0],
      [issue('cash'), T0],
      [issue('cash'), T0],
    ]).state
    const waits = predictWaits(state, T0)
    expect([1, 2, 3].map((n) => waits.get(byNumber(state, `A00${n}`))?.expectedSeconds)).toEqual([
      0, 240, 480,
    ])
    expect([1, 2, 3].map((n) => waits.get(byNumber(state, `A00${n}`))?.ahead)).toEqual([0, 1, 2])
  })

  it('counts the remaining service of the ticket at the counter', () => {
    const state = run(configuredBranch(), [
      [signIn('aigerim', 'c1'), T0],
      [issue('cash'), T0],
      [callNext('c1'), T0],
      [{ type: 'StartService', counterId: 'c1' as never }, T0],
      [issue('cash'), at(T0, minutes(1))],
    ]).state
    const wait = predictWaits(state, at(T0, minutes(1))).get(byNumber(state, 'A002'))
    expect(wait?.expectedSeconds).toBe(180) // 4 min service started a minute ago
    expect(wait!.lowSeconds!).toBeLessThan(180)
    expect(wait!.highSeconds!).toBeGreaterThan(180)
  })

  it('follows the engine policy, so a priority ticket issued later is predicted to go first', () => {
    const state = run(configuredBranch(), [
      [signIn('aigerim', 'c1'), T0],
      [issue('cash'), T0],
      [issue('cash'), T0],
      [issue('cash', { priorityClass: 'vip' }), T0],
    ]).state
    const waits = predictWaits(state, T0)
    expect(waits.get(byNumber(state, 'A003'))?.expectedSeconds).toBe(0)
    expect(waits.get(byNumber(state, 'A002'))?.expectedSeconds).toBe(480)
  })

  it('shares the work between operators who can serve it', () => {
    const state = run(configuredBranch(), [
      [signIn('aigerim', 'c1'), T0],
      [signIn('dana', 'c3'), T0],
      ...Array.from({ length: 4 }, (): [Command, Instant] => [issue('cash'), T0]),
    ]).state
    const waits = predictWaits(state, T0)
    expect(
      ['A001', 'A002', 'A003', 'A004'].map((n) => waits.get(byNumber(state, n))?.expectedSeconds),
    ).toEqual([0, 0, 240, 240])
  })

  it('assumes configured operators arrive when nobody at work has the skill', () => {
    const state = run(configuredBranch(), [
      [signIn('aigerim', 'c1'), T0],
      [issue('loan'), T0],
      [issue('loan'), T0],
    ]).state
    const waits = predictWaits(state, T0)
    // bolat (loan 1) and dana (loan 2) would come: both can start at once
    expect(waits.get(byNumber(state, 'L002'))?.expectedSeconds).toBe(0)
  })

  it('has no estimate for a ticket nobody can serve', () => {
    const state = run(configuredBranch(), [
      [
        {
          type: 'ConfigureService',
          service: {
            ...configuredBranch().services.get('cash' as never)!,
            id: 'fx' as never,
            prefix: 'X',
          },
        },
        T0,
      ],
      [issue('fx'), T0],
    ]).state
    expect(predictWaits(state, T0).get(byNumber(state, 'X001'))).toMatchObject({
      expectedSeconds: null,
    })
  })
})
