import { describe, expect, it } from 'vitest'
import {
  isWithin,
  validateErlangA,
  validateErlangC,
  validatePriorities,
  type Check,
} from './validation.js'

// Harness validation (design/queueing.md §5.7). Deterministic seeds; 99% t intervals over days.
// Small samples keep the suite fast; `scripts/sim/validate.ts` runs the same checks at 40 days.
const expectWithin = (checks: readonly Check[]) => {
  for (const c of checks)
    expect(
      isWithin(c),
      `${c.name}: exact ${c.theory}, simulated ${JSON.stringify(c.simulated)}`,
    ).toBe(true)
}

describe(validateErlangC.name, () => {
  it('reproduces Erlang C and Little through the engine (M/M/4, ρ = 0.8)', () => {
    expectWithin(
      validateErlangC(
        { servers: 4, arrivalRate: 0.64, meanServiceMinutes: 5 },
        { policy: 'T', days: 12, warmupMinutes: 360 },
      ),
    )
  })
})

describe(validateErlangA.name, () => {
  it('reproduces the exact Erlang A chain through the engine (M/M/4+M, ρ = 1)', () => {
    const checks = validateErlangA(
      { servers: 4, arrivalRate: 0.8, meanServiceMinutes: 5, meanPatienceMinutes: 10 },
      { policy: 'T', days: 12, warmupMinutes: 360 },
    )
    expectWithin(checks)
    const [, abandon, wait] = checks
    expect(abandon!.theory).toBeCloseTo(wait!.theory / 10, 12) // P(Ab) = θ·E[Wq]
  })
})

describe(validatePriorities.name, () => {
  it('reproduces Cobham/Davis per class and the conservation law through the engine', () => {
    expectWithin(
      validatePriorities(
        {
          servers: 4,
          arrivalRate: 0.64,
          meanServiceMinutes: 5,
          classShares: { appointment: 0.08, vip: 0.07, elderly: 0.1, regular: 0.75 },
        },
        { days: 12, warmupMinutes: 360 },
      ),
    )
  })
})
