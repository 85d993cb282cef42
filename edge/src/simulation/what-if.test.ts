import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { createEnginePolicy } from './engine-policy.js'
import { simulateOptionsOf } from './experiment.js'
import { parseScenario } from './scenario.js'
import { generateDay } from './script.js'
import { simulateDay } from './simulator.js'
import { parseEventLog, readRecordedDay, whatIf } from './what-if.js'

const scenario = parseScenario(
  JSON.parse(
    readFileSync(
      path.resolve(import.meta.dirname, '../../../scripts/sim/scenarios/M-busy.json'),
      'utf8',
    ),
  ),
)

/** A branch day recorded by the engine itself: what the appliance's event table would hold. */
function recordedDay() {
  const script = generateDay(scenario, { seed: 9, replication: 1 })
  const policy = createEnginePolicy(scenario, script, { predict: false })
  const result = simulateDay(script, policy, simulateOptionsOf(scenario))
  // Through JSON, as an export of the `events` table's payload column would be.
  return { events: parseEventLog(JSON.parse(JSON.stringify(policy.events))), result }
}

describe(whatIf.name, () => {
  const { events, result } = recordedDay()

  it('reads arrivals, outcomes, staff and pauses from the event log', () => {
    const day = readRecordedDay(events)
    expect(day.tickets).toHaveLength(result.tickets.length)
    expect(day.tickets.filter((t) => t.outcome === 'abandoned')).toHaveLength(
      result.tickets.filter((t) => t.outcome === 'abandoned').length,
    )
    expect(day.operators).toHaveLength(8)
    expect(day.operators.every((o) => o.pauses.length === 1)).toBe(true)
    expect(day.walkMs).toBe(15_000)
  })

  it('reproduces the recorded waits when nothing changes', () => {
    const report = whatIf(events, { change: {}, replications: 2 })
    expect(report.baseline.meanWait).toBeCloseTo(report.recorded.meanWait, 9)
    expect(report.baseline.abandonment).toBeCloseTo(report.recorded.abandonment, 9)
    expect(report.candidate.meanWait).toBeCloseTo(report.baseline.meanWait, 9)
    expect(report.change.meanWait.estimate).toBe(0)
  })

  it('predicts longer waits without an operator and shorter ones with an extra cashier', () => {
    const fewer = whatIf(events, { change: { staffing: { remove: ['op-03'] } }, replications: 3 })
    expect(fewer.change.meanWait.estimate).toBeGreaterThan(0.2)
    expect(fewer.change.meanWait.low).toBeGreaterThan(0)
    const more = whatIf(events, {
      change: {
        staffing: {
          add: [
            { id: 'op-09', skills: { cash: 1, fx: 1, transfer: 1 }, from: '11:00', to: '19:00' },
          ],
        },
      },
      replications: 3,
    })
    expect(more.change.meanWait.estimate).toBeLessThan(0)
  })

  it('evaluates a candidate routing policy', () => {
    const report = whatIf(events, {
      change: { policy: { ...readRecordedDay(events).policy, shortServiceBonusPerMinute: 2 } },
      replications: 2,
    })
    expect(report.candidate.byService['cash']!.meanWait).toBeLessThan(
      report.baseline.byService['cash']!.meanWait,
    )
  })
})
