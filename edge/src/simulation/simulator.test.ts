import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createEnginePolicy } from './engine-policy.js'
import { generateDays, replicationRange, runPolicy, simulateOptionsOf } from './experiment.js'
import { summarize } from './metrics.js'
import { parseScenario, type Scenario } from './scenario.js'
import { generateDay } from './script.js'
import { simulateDay } from './simulator.js'
import { constantRateScenario } from './validation.js'

const loadStandardScenario = (id: string): Scenario =>
  parseScenario(
    JSON.parse(
      readFileSync(
        path.resolve(import.meta.dirname, `../../../scripts/sim/scenarios/${id}.json`),
        'utf8',
      ),
    ),
  )

describe(simulateDay.name, () => {
  it('drives the engine exactly like pooled FIFO when operators are universal and there is one class', () => {
    const scenario: Scenario = {
      ...constantRateScenario({
        servers: 4,
        arrivalRate: 0.75,
        meanServiceMinutes: 5,
        meanPatienceMinutes: 20,
        hours: 8,
      }),
      ghostShare: 0.05,
      walkSeconds: 15,
      breaks: { kind: 'staggered', from: '03:00', to: '05:00', minutes: 30 },
    }
    const scripts = generateDays(scenario, { seed: 3, replications: [1, 2, 3] })
    const engine = runPolicy(scenario, { spec: { name: 'T', predict: false }, scripts })
    const fifo = runPolicy(scenario, { spec: { name: 'L1' }, scripts })
    const strip = (days: typeof engine) =>
      days.flatMap((d) => d.tickets.map((t) => [t.index, t.outcome, t.wait, t.operatorIndex]))
    expect(strip(engine)).toEqual(strip(fifo))
    expect(engine.flatMap((d) => d.tickets).some((t) => t.outcome === 'abandoned')).toBe(true)
    expect(engine.flatMap((d) => d.tickets).some((t) => t.outcome === 'no_show')).toBe(true)
  })

  it('accounts for every customer once, and the queue integral equals the summed waits (Little)', () => {
    const scenario = loadStandardScenario('M-busy')
    const script = generateDay(scenario, { seed: 1, replication: 1 })
    const day = runPolicy(scenario, { spec: { name: 'T', predict: false }, scripts: [script] })[0]!
    expect(day.tickets.map((t) => t.index).sort((a, b) => a - b)).toEqual(
      script.customers.map((c) => c.index).sort((a, b) => a - b),
    )
    const s = summarize([day])
    expect(s.little.queueLength).toBeCloseTo(s.little.arrivalRateTimesWait, 9)
    expect(day.end).toBeGreaterThanOrEqual(script.close)
  })

  it('gives byte-identical engine logs and results for the same seed (CRN sanity)', () => {
    const scenario = loadStandardScenario('S-normal')
    const run = () => {
      const script = generateDay(scenario, { seed: 1, replication: 1 })
      const policy = createEnginePolicy(scenario, script)
      const result = simulateDay(script, policy, simulateOptionsOf(scenario))
      return { log: JSON.stringify(policy.events), tickets: JSON.stringify(result.tickets) }
    }
    const a = run()
    expect(run()).toEqual(a)
    // Golden hash of the engine's event log (design/queueing.md §5.6): a change in engine behaviour
    // must update it deliberately.
    expect(createHash('sha256').update(a.log).digest('hex').slice(0, 16)).toMatchInlineSnapshot(
      `"d9e2ee66413b9686"`,
    )
  })

  it('keeps pooled FIFO ahead of per-counter lines and dedicated queues (pooling sanity)', () => {
    const scenario = loadStandardScenario('M-busy')
    const scripts = generateDays(scenario, { seed: 1, replications: replicationRange(1, 5) })
    const queueTime = (name: 'L1' | 'B0' | 'B2') =>
      summarize(runPolicy(scenario, { spec: { name }, scripts })).meanQueueTime
    expect(queueTime('L1')).toBeLessThan(queueTime('B0'))
    expect(queueTime('L1')).toBeLessThan(queueTime('B2'))
  })

  it("announces the engine's own predicted wait at issue", () => {
    const scenario = loadStandardScenario('M-busy')
    const scripts = generateDays(scenario, { seed: 1, replications: [1] })
    const s = summarize(runPolicy(scenario, { spec: { name: 'T' }, scripts }))
    expect(s.prediction.policy?.count).toBeGreaterThan(50)
    expect(s.prediction.policy?.mae).toBeLessThan(s.prediction.queueLength?.mae ?? 0)
  })
})
