import { describe, expect, it } from 'vitest'
import { erlangA, erlangB, erlangC, priorityWaits } from './erlang.js'

// Worked examples of design/queueing.md §1.2, §1.3, §1.7 (E[S] = 9.36 min, rates per minute).
const mu = 1 / 9.36

describe(erlangB.name, () => {
  it('matches the closed form for one server', () => {
    expect(erlangB(1, 0.5)).toBeCloseTo(0.5 / 1.5, 12)
  })
})

describe(erlangC.name, () => {
  it('reproduces the §1.2 table (8 counters, 45 per hour)', () => {
    const r = erlangC({ arrivalRate: 45 / 60, serviceRate: mu, servers: 8 })
    expect(r.pWait).toBeCloseTo(0.64, 2)
    expect(r.meanWait).toBeCloseTo(6.1, 1)
  })

  it('reproduces the 4- and 12-counter rows', () => {
    expect(erlangC({ arrivalRate: 22.5 / 60, serviceRate: mu, servers: 4 }).meanWait).toBeCloseTo(
      14.2,
      0,
    )
    expect(erlangC({ arrivalRate: 68 / 60, serviceRate: mu, servers: 12 }).meanWait).toBeCloseTo(
      4.0,
      0,
    )
  })

  it('is infinite at or above full load', () => {
    expect(erlangC({ arrivalRate: 1, serviceRate: 0.25, servers: 4 }).meanWait).toBe(Infinity)
  })
})

describe(erlangA.name, () => {
  it('reproduces the §1.3 table (8 counters, patience 30 min)', () => {
    const at = (perHour: number) =>
      erlangA({ arrivalRate: perHour / 60, serviceRate: mu, servers: 8, abandonmentRate: 1 / 30 })
    expect(at(40).pWait).toBeCloseTo(0.34, 2)
    expect(at(40).pAbandon).toBeCloseTo(0.034, 3)
    expect(at(45).pAbandon).toBeCloseTo(0.059, 3)
    expect(at(50).meanWait).toBeCloseTo(2.7, 1)
    expect(at(55).pAbandon).toBeCloseTo(0.131, 2)
  })

  it('satisfies P(Ab) = θ·E[Wq] and tends to Erlang C for very patient customers', () => {
    const a = erlangA({ arrivalRate: 0.7, serviceRate: mu, servers: 8, abandonmentRate: 1e-6 })
    const c = erlangC({ arrivalRate: 0.7, serviceRate: mu, servers: 8 })
    expect(a.pAbandon).toBeCloseTo(1e-6 * a.meanWait, 12)
    expect(a.meanWait).toBeCloseTo(c.meanWait, 2)
  })
})

describe(priorityWaits.name, () => {
  it('reproduces the §1.7 example and conserves the FCFS mean', () => {
    const shares = [0.08, 0.07, 0.1, 0.75]
    const waits = priorityWaits({
      arrivalRates: shares.map((s) => (45 / 60) * s),
      serviceRate: mu,
      servers: 8,
    })
    expect(waits.map((w) => Math.round(w * 100) / 100)).toEqual([0.81, 0.93, 1.11, 7.85])
    const weighted = waits.reduce((sum, w, i) => sum + w * shares[i]!, 0)
    expect(weighted).toBeCloseTo(
      erlangC({ arrivalRate: 0.75, serviceRate: mu, servers: 8 }).meanWait,
      6,
    )
  })
})
