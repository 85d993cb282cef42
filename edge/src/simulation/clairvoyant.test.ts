import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { simulateDayWithClairvoyant } from './clairvoyant.js'
import { drawAbove, normalCdf } from './distributions.js'
import { createPolicy, simulateOptionsOf } from './experiment.js'
import { summarize } from './metrics.js'
import { streamFor } from './random.js'
import { parseScenario } from './scenario.js'
import { generateDay } from './script.js'
import { simulateDay, type TicketRecord } from './simulator.js'
import { constantRateScenario } from './validation.js'

const MINUTE = 60_000
const strip = (tickets: readonly TicketRecord[]) =>
  tickets.map((t) => ({ ...t, predictedByClairvoyant: null, predictedByClairvoyantMedian: null }))

describe(simulateDayWithClairvoyant.name, () => {
  it('leaves the day itself unchanged (forks do not touch the running day), engine included', () => {
    const scenario = parseScenario(
      JSON.parse(
        readFileSync(
          path.resolve(import.meta.dirname, '../../../scripts/sim/scenarios/S-busy.json'),
          'utf8',
        ),
      ),
    )
    const script = generateDay(scenario, { seed: 1, replication: 2 })
    for (const name of ['T', 'B0', 'B2', 'L2'] as const) {
      const spec = { name, predict: false }
      const plain = simulateDay(
        script,
        createPolicy(scenario, { spec, script }),
        simulateOptionsOf(scenario),
      )
      const forked = simulateDayWithClairvoyant(scenario, {
        script,
        policy: createPolicy(scenario, { spec, script }),
        options: simulateOptionsOf(scenario),
        clairvoyant: { continuations: 3, sampleShare: 0.1 },
      })
      expect(strip(forked.tickets)).toEqual(strip(plain.tickets))
      expect(forked.tickets.some((t) => t.predictedByClairvoyant !== null)).toBe(true)
    }
  })

  it('recovers E[D | n ahead] = (n + 1) / (cμ) in M/M/c FIFO', () => {
    const servers = 3
    const meanService = 5
    const scenario = constantRateScenario({
      servers,
      arrivalRate: 0.55,
      meanServiceMinutes: meanService,
      meanPatienceMinutes: null,
      hours: 6,
    })
    const script = generateDay(scenario, { seed: 4, replication: 1 })
    const continuations = 64
    const day = simulateDayWithClairvoyant(scenario, {
      script,
      policy: createPolicy(scenario, { spec: { name: 'L1' }, script }),
      options: simulateOptionsOf(scenario),
      clairvoyant: { continuations, sampleShare: 0.6 },
    })
    const sampled = day.tickets.filter((t) => t.predictedByClairvoyant !== null)
    expect(sampled.length).toBeGreaterThan(30)
    const standardised = sampled.map((t) => {
      const n = t.waitingAtIssue
      const expected = ((n + 1) * meanService) / servers
      const sd = (Math.sqrt(n + 1) * meanService) / servers / Math.sqrt(continuations)
      return ((t.predictedByClairvoyant ?? 0) / MINUTE - expected) / sd
    })
    expect(Math.max(...standardised.map(Math.abs))).toBeLessThan(4.5)
    const meanZ = standardised.reduce((a, b) => a + b, 0) / standardised.length
    expect(Math.abs(meanZ) * Math.sqrt(standardised.length)).toBeLessThan(4)
    // The floor beats every other predictor on its own sample (over the tickets that queued).
    const s = summarize([day]).predictionOnSample
    const floor = s?.clairvoyant?.rmse ?? Infinity
    for (const other of [s?.queueLength, s?.headOfLine, s?.lastToEnter])
      expect(floor).toBeLessThanOrEqual((other?.rmse ?? 0) * 1.05)
  })
})

describe('delay-history predictors (HOL, LES)', () => {
  it('announce the head-of-line wait so far and the last called wait of the same service', () => {
    const scenario = constantRateScenario({
      servers: 2,
      arrivalRate: 0.45,
      meanServiceMinutes: 4,
      meanPatienceMinutes: 15,
      hours: 4,
    })
    const script = generateDay(scenario, { seed: 2, replication: 1 })
    const { tickets } = simulateDay(
      script,
      createPolicy(scenario, { spec: { name: 'L1' }, script }),
      simulateOptionsOf(scenario),
    )
    const times = new Set<number>()
    const clash = new Set<number>()
    for (const t of tickets)
      for (const x of [t.arrival, t.leftQueue]) (times.has(x) ? clash : times).add(x)
    let checked = 0
    for (const t of tickets) {
      if (t.predictedByQueueLength === 0 || clash.has(t.arrival)) continue
      const waitingThen = tickets.filter((u) => u.arrival < t.arrival && u.leftQueue > t.arrival)
      const hol = Math.max(0, ...waitingThen.map((u) => t.arrival - u.arrival))
      const called = tickets.filter((u) => u.outcome !== 'abandoned' && u.leftQueue < t.arrival)
      const last = called.reduce<TicketRecord | null>(
        (best, u) => (best === null || u.leftQueue > best.leftQueue ? u : best),
        null,
      )
      expect(t.predictedByHeadOfLine).toBe(hol)
      expect(t.predictedByLastToEnter).toBe(last?.wait ?? 0)
      checked++
    }
    expect(checked).toBeGreaterThan(20)
  })
})

describe(drawAbove.name, () => {
  it('draws from the upper tail with the right conditional mean', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 7)
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 4)
    const rng = streamFor(['drawAbove'])
    const draws = Array.from({ length: 4000 }, () =>
      drawAbove(rng, { distribution: 'lognormal', mean: 10, cv: 0.6, above: 12 }),
    )
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(12)
    // E[X | X > a] = E[X] · Φ(σ − z₀) / (1 − Φ(z₀)), z₀ = (ln a − μ) / σ: 17.61 here
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length
    expect(mean).toBeGreaterThan(17.1)
    expect(mean).toBeLessThan(18.1)
    const exp = Array.from({ length: 4000 }, () =>
      drawAbove(rng, { distribution: 'exponential', mean: 5, cv: 1, above: 3 }),
    )
    expect(exp.reduce((a, b) => a + b, 0) / exp.length).toBeCloseTo(8, 0)
  })
})
