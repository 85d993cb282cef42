import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  atDemand,
  capacityAtSla,
  capacityRatio,
  dailyServiceLevel,
  operatorHoursNeeded,
  operatorHoursOf,
  type CapacityOptions,
} from './capacity.js'
import { bestDedicatedRunner, policyRunner, replicationRange } from './experiment.js'
import { parseScenario, type Scenario } from './scenario.js'
import { generateDay, scriptedOperators } from './script.js'
import { constantRateScenario } from './validation.js'

/** A tiny branch: 4 hours, exponential service of 6 min, patience 20 min, 2 operators. */
const tiny = (servers = 2): Scenario =>
  constantRateScenario({
    servers,
    arrivalRate: 0.25,
    meanServiceMinutes: 6,
    meanPatienceMinutes: 20,
    hours: 4,
  })

const options: CapacityOptions = { seed: 7, replications: replicationRange(1, 30), window: 1 }
const fifo = policyRunner({ name: 'L1' })

describe('nested demand (generateDay nestedUpTo)', () => {
  it('keeps every customer of a lower multiplier, unchanged, at a higher one', () => {
    const day = (k: number) =>
      generateDay(atDemand(tiny(), k), { seed: 1, replication: 3, nestedUpTo: 3 }).customers
    const low = day(0.8)
    const high = day(1.6)
    expect(high.length).toBeGreaterThan(low.length * 1.5)
    const byIndex = new Map(high.map((c) => [c.index, c]))
    for (const c of low) expect(byIndex.get(c.index)).toEqual(c)
  })

  it('refuses a ceiling below the demand', () => {
    expect(() =>
      generateDay(atDemand(tiny(), 2), { seed: 1, replication: 1, nestedUpTo: 1.5 }),
    ).toThrow(RangeError)
  })
})

describe(capacityAtSla.name, () => {
  const result = capacityAtSla(tiny(), { run: fifo, options })

  it('finds the last grid point before the service level first drops below the target', () => {
    expect(result.multiplier).not.toBeNull()
    const k = result.multiplier ?? 0
    const at = (m: number) => result.points.find((p) => Math.abs(p.multiplier - m) < 1e-9)
    expect(at(k)?.serviceLevel).toBeGreaterThanOrEqual(0.85)
    expect(at(k + 0.05)?.serviceLevel).toBeLessThan(0.85)
    // Same answer as scanning the whole grid up to the first failure.
    const scan = capacityAtSla(tiny(), { run: fifo, options: { ...options, start: 0.05 } })
    expect(scan.multiplier).toBe(k)
    expect(result.points.length).toBeLessThan(10)
  })

  it('is monotone: the service level falls with demand, capacity grows with staff', () => {
    const levels = result.points.map((p) => p.serviceLevel)
    expect(levels).toEqual([...levels].sort((a, b) => b - a))
    const three = capacityAtSla(tiny(3), { run: fifo, options })
    expect(three.multiplier ?? 0).toBeGreaterThan(result.multiplier ?? 0)
    const laxer = capacityAtSla(tiny(), {
      run: fifo,
      options: { ...options, sla: { minutes: 15, share: 0.75 } },
    })
    expect(laxer.multiplier ?? 0).toBeGreaterThan(result.multiplier ?? 0)
  })

  it('is deterministic, and the engine matches pooled FIFO on a one-class universal branch', () => {
    expect(capacityAtSla(tiny(), { run: fifo, options })).toEqual(result)
    const engine = capacityAtSla(tiny(), {
      run: policyRunner({ name: 'T', predict: false }),
      options: { ...options, start: result.multiplier ?? 1, window: 0 },
    })
    expect(engine.multiplier).toBe(result.multiplier)
  })

  it('reports a saturated search and an impossible one', () => {
    const easy = capacityAtSla(tiny(6), {
      run: fifo,
      options: { ...options, replications: [1, 2], maxMultiplier: 0.5 },
    })
    expect(easy).toMatchObject({ multiplier: 0.5, saturated: true })
    // 5% ghost tickets always fail the SLA.
    const impossible = capacityAtSla(
      { ...tiny(), ghostShare: 0.05 },
      {
        run: fifo,
        options: { ...options, replications: [1, 2], sla: { minutes: 15, share: 0.99 } },
      },
    )
    expect(impossible.multiplier).toBeNull()
  })
})

describe('capacity and staffing on the same days', () => {
  it('judge the staff as given at k = 1 identically', () => {
    const capacity = capacityAtSla(tiny(), { run: fifo, options })
    const staffing = operatorHoursNeeded(tiny(), {
      run: fifo,
      options: { ...options, byRole: false, nestedUpTo: 3 },
    })
    const atOne = capacity.points.find((p) => p.multiplier === 1)
    expect(atOne).toBeDefined()
    expect(staffing.steps[0]?.serviceLevel).toBe(atOne?.serviceLevel)
  })
})

describe(bestDedicatedRunner.name, () => {
  it('finds the same B2 capacity by local search as by trying every allocation (M-busy)', () => {
    const scenario = parseScenario(
      JSON.parse(
        readFileSync(
          path.resolve(import.meta.dirname, '../../../scripts/sim/scenarios/M-busy.json'),
          'utf8',
        ),
      ),
    )
    const few = { seed: 1, replications: replicationRange(1001, 6), window: 0 }
    const exhaustive = capacityAtSla(scenario, { run: bestDedicatedRunner(), options: few })
    const local = capacityAtSla(scenario, {
      run: bestDedicatedRunner({ search: 'local' }),
      options: few,
    })
    expect(local.multiplier).toBe(exhaustive.multiplier)
    expect(local.points).toEqual(exhaustive.points)
  })
})

describe(capacityRatio.name, () => {
  it('pairs days: a policy against itself is exactly 1', () => {
    const a = capacityAtSla(tiny(), { run: fifo, options })
    expect(capacityRatio(a, a)).toMatchObject({ estimate: 1, low: 1, high: 1 })
    const b = capacityAtSla(tiny(3), { run: fifo, options })
    const r = capacityRatio(b, a)
    expect(r?.estimate).toBeGreaterThan(1)
    expect(r?.low).toBeLessThanOrEqual(r?.estimate ?? 0)
    expect(r?.high).toBeGreaterThanOrEqual(r?.estimate ?? 0)
  })
})

describe(operatorHoursNeeded.name, () => {
  it('removes operators while the SLA holds, and adds them when it does not', () => {
    const staffing = (servers: number) =>
      operatorHoursNeeded(tiny(servers), { run: fifo, options: { ...options, byRole: false } })
    const generous = staffing(5)
    const short = staffing(1)
    expect(generous.meets).toBe(true)
    expect(short.meets).toBe(true)
    // Both end at the same headcount: the fewest operators that meet the SLA at this demand.
    expect(generous.operatorHours).toBe(short.operatorHours)
    expect(generous.operatorHours).toBeLessThan(operatorHoursOf(tiny(5)))
    expect(generous.steps.map((s) => s.change)).toEqual(
      ['as given'].concat(Array(generous.steps.length - 1).fill('-1') as string[]),
    )
    expect(short.steps[1]?.change).toBe('+1')
    // Screening removals on the first days changes nothing here, only the work done.
    const screened = operatorHoursNeeded(tiny(5), {
      run: fifo,
      options: { ...options, byRole: false, screen: { days: 10, margin: 0.03 } },
    })
    expect(screened.staff).toEqual(generous.staff)
    // One fewer operator misses the SLA on the same days.
    const fewer = { ...tiny(5), staff: generous.staff.map((m) => ({ ...m, count: m.count - 1 })) }
    const scripts = options.replications.map((replication) => ({
      ...generateDay(tiny(5), { seed: options.seed, replication }),
      operators: scriptedOperators(fewer),
    }))
    const levels = fifo(fewer, scripts).map((d) => dailyServiceLevel(d))
    expect(levels.reduce((a, b) => a + b, 0) / levels.length).toBeLessThan(0.85)
  })
})
