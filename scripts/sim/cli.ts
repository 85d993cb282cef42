/**
 * `pnpm sim -- --scenario <file|id> --days N --policy <name|all> [--seed S] [--first R]`
 *
 * Simulates N days of a scenario under one or all policies (common random numbers), prints a
 * table, and writes per-ticket and summary CSV and an SVG chart under `.data/sim/`.
 */
import { readFileSync } from 'node:fs'
import { parseArgs } from 'node:util'
import { PriorityPolicy } from '../../shared/src/domain/index.js'
import {
  comparePolicies,
  POLICY_NAMES,
  replicationRange,
  type PolicyName,
} from '../../edge/src/simulation/experiment.js'
import {
  breakdownTable,
  chartOf,
  differenceReport,
  formatInterval,
  formatTable,
  loadScenario,
  ratio,
  summariesOf,
  summaryCsv,
  summaryRow,
  SUMMARY_HEADER,
  ticketsCsv,
  writeOutput,
} from './report.js'

const USAGE = `usage: pnpm sim -- --scenario <file.json|id> [--days N] [--policy T|engine|B0|B1|B2|L1|L2|all]
                       [--seed S] [--first R] [--allocation a/b/c] [--engine-policy policy.json] [--no-predict]`

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
  const started = performance.now()
  const comparison = comparePolicies(scenario, {
    seed: Number(values.seed),
    replications: replicationRange(Number(values.first), days),
    policies,
    engine: {
      predict: !values['no-predict'],
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

try {
  main(process.argv.slice(2))
} catch (error) {
  console.error(error instanceof Error ? error.message : error)
  process.exitCode = 1
}
