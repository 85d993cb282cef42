/**
 * `pnpm exec tsx scripts/sim/what-if.ts --events <events.json> [--policy <policy.json>]
 *   [--remove op-03,op-05] [--add '<json array of {id, skills, from, to}>'] [--replications K]`
 *
 * Replays a recorded branch day (a JSON array of QueueEvents, e.g. the SQLite `events.payload`
 * column) through a candidate routing policy and/or staffing and prints the predicted change.
 * `--demo` first records a simulated M-busy day through the engine and replays that.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { PriorityPolicy, type QueueEvent } from '../../shared/src/domain/index.js'
import { createEnginePolicy } from '../../edge/src/simulation/engine-policy.js'
import { simulateOptionsOf } from '../../edge/src/simulation/experiment.js'
import { generateDay } from '../../edge/src/simulation/script.js'
import { simulateDay } from '../../edge/src/simulation/simulator.js'
import { parseEventLog, whatIf, type StaffingChange } from '../../edge/src/simulation/what-if.js'
import { formatInterval, formatTable, loadScenario, writeOutput } from './report.js'

function demoEvents(): QueueEvent[] {
  const scenario = loadScenario('M-busy')
  const script = generateDay(scenario, { seed: 1, replication: 2001 })
  const engine = createEnginePolicy(scenario, script, { predict: false })
  simulateDay(script, engine, simulateOptionsOf(scenario))
  const file = writeOutput('what-if-demo-events.json', JSON.stringify(engine.events))
  console.log(`recorded a simulated M-busy day (${engine.events.length} events) in ${file}`)
  return [...engine.events]
}

function main(argv: readonly string[]): void {
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : [...argv],
    options: {
      events: { type: 'string' },
      demo: { type: 'boolean', default: false },
      policy: { type: 'string' },
      remove: { type: 'string' },
      add: { type: 'string' },
      replications: { type: 'string', default: '10' },
    },
  })
  if (!values.events && !values.demo) {
    console.log(
      'usage: what-if.ts --events <events.json> | --demo  [--policy p.json] [--remove ids] [--add json]',
    )
    process.exitCode = 2
    return
  }
  const events = values.events
    ? parseEventLog(JSON.parse(readFileSync(values.events, 'utf8')))
    : demoEvents()
  const staffing: StaffingChange = {
    ...(values.remove ? { remove: values.remove.split(',') } : {}),
    ...(values.add ? { add: JSON.parse(values.add) as StaffingChange['add'] } : {}),
  }
  const policy = values.policy
    ? PriorityPolicy.parse(JSON.parse(readFileSync(values.policy, 'utf8')))
    : undefined
  const report = whatIf(events, {
    change: { ...(policy ? { policy } : {}), staffing },
    replications: Number(values.replications),
  })
  const pct = (n: number) => `${(n * 100).toFixed(1)}%`
  console.log(
    `\nwhat-if for ${report.date} (${report.replications} replications of unobserved quantities)\n`,
  )
  console.log(
    formatTable(
      ['', 'tickets/day', 'mean wait', 'p95', 'max', 'SL15', 'abandoned', 'no-show'],
      (
        [
          ['recorded', report.recorded, 1],
          ['replayed as recorded', report.baseline, report.baseline.days],
          ['candidate', report.candidate, report.candidate.days],
        ] as const
      ).map(([name, w, days]) => {
        return [
          name,
          (w.tickets / days).toFixed(0),
          w.meanWait.toFixed(2),
          w.p95.toFixed(1),
          w.max.toFixed(1),
          pct(w.sl15),
          pct(w.abandonment),
          pct(w.noShows),
        ]
      }),
    ),
  )
  console.log(
    `\npredicted change (candidate − replayed, paired 95% CI): mean wait ${formatInterval(report.change.meanWait)} min; SL15 ${formatInterval(report.change.sl15, 3)}; abandonment ${formatInterval(report.change.abandonment, 3)}`,
  )
}

try {
  main(process.argv.slice(2))
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
}
