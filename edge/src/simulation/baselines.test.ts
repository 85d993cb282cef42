import { describe, expect, it } from 'vitest'
import { createShortestLine } from './baselines.js'
import { allocations } from './experiment.js'
import { constantRateScenario } from './validation.js'
import { generateDay } from './script.js'

describe(allocations.name, () => {
  it('lists every split with at least one operator per group: C(n − 1, k − 1)', () => {
    expect(allocations(4, 3)).toEqual([
      [1, 1, 2],
      [1, 2, 1],
      [2, 1, 1],
    ])
    expect(allocations(8, 3)).toHaveLength(21)
    expect(allocations(12, 3)).toHaveLength(55)
  })
})

describe(createShortestLine.name, () => {
  const scenario = constantRateScenario({
    servers: 3,
    arrivalRate: 1,
    meanServiceMinutes: 5,
    meanPatienceMinutes: null,
  })
  const script = generateDay(scenario, { seed: 1, replication: 1 })
  const [a, b, c] = script.operators
  const customer = (index: number, tieBreak: number) => ({
    ...script.customers[index]!,
    index,
    tieBreak,
  })

  it('sends a customer to the shortest line and rejoins a closed line to the others', () => {
    const policy = createShortestLine(script)
    for (const o of [a!, b!, c!]) policy.signIn(o, 0)
    policy.issue(customer(0, 0), 0) // all empty: tie-break 0 → line 1
    expect(policy.callNext(a!, 0)?.index).toBe(0) // operator 1 now busy
    policy.issue(customer(1, 0), 0) // lines 2 and 3 empty → line 2
    policy.issue(customer(2, 0.99), 0) // line 3 empty → line 3
    policy.issue(customer(3, 0.99), 0) // all length 1 → last of the ties: line 3
    policy.pause(c!, 0) // line 3 (customers 2, 3) rejoins lines 1 and 2
    expect(policy.callNext(b!, 0)?.index).toBe(1)
    const next = [policy.callNext(a!, 0)?.index, policy.callNext(b!, 0)?.index].sort()
    expect(next).toEqual([2, 3])
  })
})
