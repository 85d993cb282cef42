/**
 * `pnpm sim -- --scenario <file|id> --days N --policy <name|all> [--seed S] [--first R]`
 *
 * Simulates N days of a scenario under one or all policies (common random numbers), prints a
 * table and the ETA predictors (engine, QL, HOL, LES and the clairvoyant floor), and writes
 * per-ticket and summary CSV and an SVG chart under `.data/sim/`, and each day's script as JSONL
 * under `.data/sim/scripts/` with its SHA-256. `--capacity` adds capacity at SLA and
 * operator-hours needed per policy.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { PriorityPolicy } from '../../shared/src/domain/index.js'
import {
  capacityAtSla,
  capacityRatio,
  DEFAULT_MAX_MULTIPLIER,
  operatorHoursNeeded,
  type CapacityResult,
} from '../../edge/src/simulation/capacity.js'
import {
  bestDedicatedRunner,
  comparePolicies,
  policyRunner,
  POLICY_NAMES,
  replicationRange,
  type PolicyName,
} from '../../edge/src/simulation/experiment.js'
import { serviceGroups, type Scenario } from '../../edge/src/simulation/scenario.js'
import {
  breakdownTable,
  capacityTrace,
  chartOf,
  differenceReport,
  formatCapacity,
  formatCapacityInterval,
  formatInterval,
  formatStaffing,
  formatTable,
  loadScenario,
  predictorTable,
  ratio,
  readScripts,
  summariesOf,
  SUMMARY_HEADER,
  summaryCsv,
  summaryRow,
  ticketsCsv,
  writeOutput,
  writeScripts,
} from './report.js'

const USAGE = `usage: pnpm sim -- --scenario <file.json|id> [--days N] [--policy T|engine|B0|B1|B2|L1|L2|all]
                       [--seed S] [--first R] [--allocation a/b/c] [--engine-policy policy.json] [--no-predict]
                       [--clairvoyant K] [--sample-share P] [--no-scripts] [--scripts-from DIR]
                       [--capacity] [--capacity-days N]`

function parsePolicies(value: string): PolicyName[] {
  if (value === 'all') return [...POLICY_NAMES]
  return value.split(',').map((v) => {
    const name = v === 'engine' ? 'T' : v.toUpperCase()
    if (!(POLICY_NAMES as readonly string[]).includes(name))
      throw new Error(`unknown policy "${v}"\n${USAGE}`)
    return name as PolicyName
  })
}

function main(argv: readonly string[]): void {
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : [...argv],
    options: {
      scenario: { type: 'string' },
      days: { type: 'string', default: '30' },
      policy: { type: 'string', default: 'all' },
      seed: { type: 'string', default: '1' },
      first: { type: 'string', default: '1001' },
      allocation: { type: 'string' },
      'engine-policy': { type: 'string' },
      'no-predict': { type: 'boolean', default: false },
      clairvoyant: { type: 'string', default: '30' },
      'sample-share': { type: 'string', default: '0.1' },
      'no-scripts': { type: 'boolean', default: false },
      'scripts-from': { type: 'string' },
      capacity: { type: 'boolean', default: false },
      'capacity-days': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  })
  if (values.help || !values.scenario) {
    console.log(USAGE)
    if (!values.help) process.exitCode = 2
    return
  }
  const scenario = loadScenario(values.scenario)
  const days = Number(values.days)
  const policies = parsePolicies(values.policy)
  const seed = Number(values.seed)
  const replications = replicationRange(Number(values.first), days)
  const continuations = Number(values.clairvoyant)
  const predict = !values['no-predict']
  const started = performance.now()
  const comparison = comparePolicies(scenario, {
    seed,
    replications,
    policies,
    ...(values['scripts-from']
      ? {
          scripts: readScripts(values['scripts-from'], {
            scenarioId: scenario.id,
            seed,
            replications,
          }),
        }
      : {}),
    engine: {
      predict,
      ...(predict && continuations > 0
        ? {
            clairvoyant: {
              continuations,
              sampleShare: Number(values['sample-share']),
            },
          }
        : {}),
      ...(values['engine-policy']
        ? {
            enginePolicy: PriorityPolicy.parse(
              JSON.parse(readFileSync(values['engine-policy'], 'utf8')),
            ),
          }
        : {}),
    },
    ...(values.allocation ? { allocation: values.allocation.split('/').map(Number) } : {}),
  })
  const elapsed = (performance.now() - started) / 1000
  const summaries = summariesOf(comparison.results)
  const tickets = comparison.scripts.reduce((n, s) => n + s.customers.length, 0) / days
  console.log(
    `${scenario.id}: ${days} days (seed ${values.seed}, replications ${values.first}…${Number(values.first) + days - 1}), ${tickets.toFixed(0)} tickets/day` +
      (comparison.allocation ? `, B2 allocation ${comparison.allocation.join('/')}` : '') +
      `, ${elapsed.toFixed(1)} s`,
  )
  console.log('waits in minutes; SL and abandonment over all tickets (abandoned and ghosts fail)\n')
  console.log(
    formatTable(
      SUMMARY_HEADER,
      [...summaries].map(([n, s]) => summaryRow(n, s)),
    ),
  )
  console.log()
  console.log(breakdownTable(summaries))
  if (comparison.results.has('T')) {
    console.log()
    for (const base of ['B2', 'B0', 'L1'] as const) {
      const r = ratio(comparison.results, 'T', base)
      if (r) console.log(`engine/${base} mean wait: ${formatInterval(r)} (paired bootstrap 95% CI)`)
    }
    const diff = differenceReport(comparison.results, { a: 'T', b: 'L1' })
    if (diff) console.log(diff)
    const engine = summaries.get('T')
    if (engine) {
      console.log(
        `\nETA of the engine at issue, tickets that queued (clairvoyant floor: ${continuations} continuations for a ${Number(values['sample-share']) * 100}% sample)\n`,
      )
      console.log(predictorTable(engine))
    }
  }
  if (values.capacity)
    printCapacity(scenario, {
      seed,
      policies,
      replications: replicationRange(Number(values.first), Number(values['capacity-days'] ?? days)),
    })
  if (!values['no-scripts']) {
    const written = writeScripts(comparison.scripts, `${scenario.id}-s${seed}.sha256`)
    console.log(`\nday scripts (JSONL, SHA-256):`)
    for (const w of written)
      console.log(
        `  ${w.file}  ${w.script.date}  ${w.script.customers.length} customers  ${w.sha256}`,
      )
  }
  const base = `${scenario.id}-${days}d`
  const files = [
    writeOutput(`${base}-tickets.csv`, ticketsCsv(comparison.results)),
    writeOutput(
      `${base}-summary.csv`,
      summaryCsv(
        [...summaries].map(([policy, summary]) => ({ scenario: scenario.id, policy, summary })),
      ),
    ),
    writeOutput(
      `${base}.svg`,
      chartOf(
        comparison.results,
        `${scenario.id}, ${days} simulated days, policies ${policies.join(', ')}`,
      ),
    ),
  ]
  console.log(`\nwrote ${files.join(', ')}`)
}

/** Capacity at SLA (SL15 ≥ 85%) and operator-hours needed, per policy (design/queueing.md §5.4). */
function printCapacity(
  scenario: Scenario,
  input: { seed: number; policies: readonly PolicyName[]; replications: readonly number[] },
): void {
  const started = performance.now()
  const options = { seed: input.seed, replications: input.replications }
  const rows: string[][] = []
  const results = new Map<PolicyName, CapacityResult>()
  for (const name of input.policies) {
    const run = name === 'B2' ? bestDedicatedRunner() : policyRunner({ name, predict: false })
    const capacity = capacityAtSla(scenario, { run, options })
    results.set(name, capacity)
    const staffing = operatorHoursNeeded(scenario, {
      run,
      options: {
        ...options,
        nestedUpTo: DEFAULT_MAX_MULTIPLIER,
        byRole: name === 'T',
        minStaff: name === 'B2' ? serviceGroups(scenario).length : 1,
      },
    })
    rows.push([
      name === 'B2' ? 'B2 (best allocation at each k)' : name,
      formatCapacity(capacity),
      formatStaffing(staffing),
      capacityTrace(capacity),
    ])
  }
  console.log(
    `\ncapacity at SLA (mean daily SL15 ≥ 85%, abandoned and ghosts fail; ${input.replications.length} days, nested demand, common grid step 0.05) and operator-hours needed at k = 1, ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  )
  console.log(
    formatTable(['policy', 'capacity k', 'operator-hours/day', 'evaluated k:SL15%'], rows),
  )
  const t = results.get('T')
  const b2 = results.get('B2')
  if (t && b2)
    console.log(
      `engine/B2 capacity: ${formatCapacityInterval(capacityRatio(t, b2))} (paired bootstrap 95% CI; target ≥ 1.05, stretch ≥ 1.15)`,
    )
}

try {
  main(process.argv.slice(2))
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
}
