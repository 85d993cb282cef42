import { describe, expect, it } from 'vitest'
import type { Summary } from './metrics.js'
import { constantRateScenario } from './validation.js'
import { checkTargets, formatCheck } from './targets.js'

const engine = {
  sl10: 0.91,
  sl15: 0.93,
  p95: 11,
  max: 30,
  abandonment: 0.03,
  noShows: 0.03,
  worstServiceRatio: 2,
  prediction: {
    policy: { count: 100, mae: 2.1, bias: -0.2, rmse: 3, within5: 0.91 },
    queueLength: null,
  },
} as unknown as Summary

describe(checkTargets.name, () => {
  it('applies the 8–12 counter gates of design/queueing.md §6 and reports misses with values', () => {
    const scenario = constantRateScenario({
      servers: 8,
      arrivalRate: 0.5,
      meanServiceMinutes: 9,
      meanPatienceMinutes: 30,
    })
    const checks = checkTargets(scenario, {
      engine,
      ratios: { vsB2: 0.7, vsB0: 1.01, vsL1: 1.1 },
      capacityVsB2: 1.03,
    })
    const missed = checks.filter((c) => !c.pass).map(formatCheck)
    expect(missed).toEqual([
      'mean wait / B0 1.01 (≤ 1.00)',
      'abandonment + ghosts 6.0% (≤ 5.0%)',
      'capacity at SLA / B2 1.03 (≥ 1.05)',
      'ETA MAE 2.1 min (≤ 2.0 min)',
    ])
  })

  it('uses the looser small-branch gates for 4 counters', () => {
    const scenario = constantRateScenario({
      servers: 4,
      arrivalRate: 0.3,
      meanServiceMinutes: 9,
      meanPatienceMinutes: 30,
    })
    const checks = checkTargets(scenario, { engine, ratios: { vsB2: 0.7, vsB0: 0.9, vsL1: 1.1 } })
    expect(checks.find((c) => c.name === 'SL15')?.limit).toBe(0.85)
    expect(checks.every((c) => c.pass)).toBe(true)
  })
})
