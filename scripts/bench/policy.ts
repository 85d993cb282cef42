/**
 * `pnpm bench:policy`: the standard scenario set (S/M/L × normal/busy/peak, design/queueing.md
 * §5.2) under every policy on held-out days (seed 1, replications 1001…1030; tuning used
 * replications 1…20), with common random numbers; then the M-busy stress variants (§5.2 a–g).
 * Prints per-scenario tables, the target checks of §6, and LAST the headline: engine/B2 mean-wait
 * ratio on M-busy, with engine/B0 and engine/L1.
 *
 * Env: BENCH_DAYS (30), BENCH_FIRST (1001), BENCH_STRESS (1; 0 skips the stress variants).
 */
import {
  comparePolicies,
  POLICY_NAMES,
  replicationRange,
  type Comparison,
} from '../../edge/src/simulation/experiment.js'
import type { Scenario } from '../../edge/src/simulation/scenario.js'
import { checkTargets, formatCheck, type TargetCheck } from '../../edge/src/simulation/targets.js'
import type { Interval } from '../../edge/src/simulation/statistics.js'
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
  writeOutput,
} from '../sim/report.js'

const DAYS = Number(process.env['BENCH_DAYS'] ?? 30)
const FIRST = Number(process.env['BENCH_FIRST'] ?? 1001)
const STRESS = (process.env['BENCH_STRESS'] ?? '1') !== '0'
const SEED = 1
const SCENARIOS = ['S', 'M', 'L'].flatMap((size) =>
  ['normal', 'busy', 'peak'].map((day) => `${size}-${day}`),
)

interface Outcome {
  readonly scenario: Scenario
  readonly comparison: Comparison
  readonly ratios: { vsB2: Interval; vsB0: Interval; vsL1: Interval }
  readonly checks: TargetCheck[]
}

function run(scenario: Scenario): Outcome {
  const comparison = comparePolicies(scenario, {
    seed: SEED,
    replications: replicationRange(FIRST, DAYS),
    policies: POLICY_NAMES,
  })
  const need = (i: Interval | null): Interval => {
    if (!i) throw new Error('missing policy result')
    return i
  }
  const ratios = {
    vsB2: need(ratio(comparison.results, 'T', 'B2')),
    vsB0: need(ratio(comparison.results, 'T', 'B0')),
    vsL1: need(ratio(comparison.results, 'T', 'L1')),
  }
  const engine = summariesOf(new Map([['T', comparison.results.get('T') ?? []]])).get('T')
  if (!engine) throw new Error('no engine summary')
  const checks = checkTargets(scenario, {
    engine,
    ratios: { vsB2: ratios.vsB2.estimate, vsB0: ratios.vsB0.estimate, vsL1: ratios.vsL1.estimate },
  })
  return { scenario, comparison, ratios, checks }
}

function printScenario(o: Outcome, elapsed: number): void {
  const { scenario, comparison, ratios } = o
  const summaries = summariesOf(comparison.results)
  const tickets = comparison.scripts.reduce((n, s) => n + s.customers.length, 0) / DAYS
  console.log(
    `\n## ${scenario.id}: ${DAYS} days, ${tickets.toFixed(0)} tickets/day, B2 allocation ${comparison.allocation?.join('/') ?? '–'} (${elapsed.toFixed(1)} s)\n`,
  )
  console.log(
    formatTable(
      SUMMARY_HEADER,
      [...summaries].map(([n, s]) => summaryRow(n, s)),
    ),
  )
  console.log()
  console.log(breakdownTable(summaries))
  console.log(
    `\nengine/B2 ${formatInterval(ratios.vsB2)}  engine/B0 ${formatInterval(ratios.vsB0)}  engine/L1 ${formatInterval(ratios.vsL1)}  (mean wait, paired bootstrap 95% CI)`,
  )
  const misses = o.checks.filter((c) => !c.pass)
  console.log(
    `targets: ${o.checks.length - misses.length}/${o.checks.length} pass` +
      (misses.length > 0 ? `; missed: ${misses.map(formatCheck).join('; ')}` : ''),
  )
}

function main(): void {
  const started = performance.now()
  console.log(
    `# Policy benchmark: ${SCENARIOS.length} scenarios × ${POLICY_NAMES.length} policies × ${DAYS} held-out days (seed ${SEED}, replications ${FIRST}…${FIRST + DAYS - 1})`,
  )
  console.log(
    'T = engine (edge/src/domain, DEFAULT_POLICY); B0 per-counter lines (JSQ); B1 one FIFO queue; B2 dedicated queues (best allocation by search on the same days);',
  )
  console.log(
    'L1 pooled FIFO, fully cross-trained (identical to B1 when operators are universal); L2 pooled shortest-expected-service-first + aging. Waits in minutes.',
  )
  const outcomes: Outcome[] = []
  const csvRows: Parameters<typeof summaryCsv>[0][number][] = []
  for (const id of SCENARIOS) {
    const t = performance.now()
    const outcome = run(loadScenario(id))
    outcomes.push(outcome)
    printScenario(outcome, (performance.now() - t) / 1000)
    for (const [policy, summary] of summariesOf(outcome.comparison.results))
      csvRows.push({ scenario: id, policy, summary })
    writeOutput(
      `bench-${id}.svg`,
      chartOf(outcome.comparison.results, `${id}, ${DAYS} held-out days`),
    )
  }

  console.log('\n## Summary (engine T on held-out days)\n')
  console.log(
    formatTable(
      [
        'scenario',
        'T/B2',
        'T/B0',
        'T/L1',
        'mean',
        'p95',
        'max',
        'SL15',
        'aband',
        'ETA MAE',
        'ETA ±5',
        'targets',
        'missed',
      ],
      outcomes.map((o) => {
        const s = summariesOf(new Map([['T', o.comparison.results.get('T') ?? []]])).get('T')
        const misses = o.checks.filter((c) => !c.pass)
        return [
          o.scenario.id,
          o.ratios.vsB2.estimate.toFixed(2),
          o.ratios.vsB0.estimate.toFixed(2),
          o.ratios.vsL1.estimate.toFixed(2),
          s?.meanWait.toFixed(2) ?? '–',
          s?.p95.toFixed(1) ?? '–',
          s?.max.toFixed(1) ?? '–',
          `${((s?.sl15 ?? 0) * 100).toFixed(1)}%`,
          `${((s?.abandonment ?? 0) * 100).toFixed(1)}%`,
          s?.prediction.policy?.mae.toFixed(2) ?? '–',
          `${((s?.prediction.policy?.within5 ?? 0) * 100).toFixed(1)}%`,
          `${o.checks.length - misses.length}/${o.checks.length}`,
          misses.map((c) => c.name).join(', '),
        ]
      }),
    ),
  )

  if (STRESS) {
    const base = loadScenario('M-busy')
    const variants = stressVariants(base)
    console.log('\n## Stress variants of M-busy (design/queueing.md §5.2)\n')
    const rows: string[][] = []
    for (const [name, scenario] of variants) {
      const o = run(scenario)
      const s = summariesOf(new Map([['T', o.comparison.results.get('T') ?? []]])).get('T')
      const l1 = summariesOf(new Map([['L1', o.comparison.results.get('L1') ?? []]])).get('L1')
      rows.push([
        name,
        formatInterval(o.ratios.vsB2),
        formatInterval(o.ratios.vsB0),
        formatInterval(o.ratios.vsL1),
        s?.meanWait.toFixed(2) ?? '–',
        l1?.meanWait.toFixed(2) ?? '–',
        s?.p95.toFixed(1) ?? '–',
        `${((s?.sl15 ?? 0) * 100).toFixed(1)}%`,
        `${((s?.abandonment ?? 0) * 100).toFixed(1)}%`,
        s?.prediction.policy?.mae.toFixed(2) ?? '–',
      ])
    }
    console.log(
      formatTable(
        [
          'variant',
          'T/B2',
          'T/B0',
          'T/L1',
          'T mean',
          'L1 mean',
          'T p95',
          'T SL15',
          'T aband',
          'ETA MAE',
        ],
        rows,
      ),
    )
  }

  const summaryFile = writeOutput('bench-policy-summary.csv', summaryCsv(csvRows))
  const passed = outcomes.reduce((n, o) => n + o.checks.filter((c) => c.pass).length, 0)
  const total = outcomes.reduce((n, o) => n + o.checks.length, 0)
  const mBusy = outcomes.find((o) => o.scenario.id === 'M-busy')
  if (!mBusy) throw new Error('M-busy missing')
  const diff = differenceReport(mBusy.comparison.results, { a: 'T', b: 'B2' })
  if (diff) console.log(`\nCRN on M-busy: ${diff}`)
  console.log(
    `\nwrote ${summaryFile} and .data/sim/bench-*.svg; ${((performance.now() - started) / 1000).toFixed(0)} s; targets passed ${passed}/${total} over ${SCENARIOS.length} scenarios`,
  )
  console.log(
    `headline (M-busy, ${DAYS} held-out days): engine/B2 mean wait ${formatInterval(mBusy.ratios.vsB2)} (target ≤ 0.75, stretch ≤ 0.60); engine/B0 ${formatInterval(mBusy.ratios.vsB0)} (≤ 1.0); engine/L1 ${formatInterval(mBusy.ratios.vsL1)} (≤ 1.15)`,
  )
}

/** Stress variants (a)–(g) of §5.2, derived from M-busy. */
function stressVariants(base: Scenario): [string, Scenario][] {
  const withClasses = (appointment: number, vip: number): Scenario['classes'] => ({
    ...base.classes,
    appointment: { ...base.classes.appointment, share: appointment },
    vip: { ...base.classes.vip, share: vip },
    regular: {
      ...base.classes.regular,
      share: 1 - appointment - vip - base.classes.elderly.share,
    },
  })
  const loanShare = 0.25
  const otherShare =
    1 - base.services.filter((s) => s.id === 'loan').reduce((a, s) => a + s.share, 0)
  return [
    [
      '(a) one operator absent',
      {
        ...base,
        staff: base.staff.map((m) => (m.role === 'operator' ? { ...m, count: m.count - 1 } : m)),
      },
    ],
    [
      '(b) lunch staggered 12–14',
      { ...base, breaks: { kind: 'staggered', from: '12:00', to: '14:00', minutes: 30 } },
    ],
    [
      '(b) lunch simultaneous 12:30',
      { ...base, breaks: { kind: 'simultaneous', at: '12:30', minutes: 30 } },
    ],
    [
      '(c) appointments 20%, 15% no-show',
      {
        ...base,
        classes: withClasses(0.2, base.classes.vip.share),
        appointments: { ...base.appointments, noShowShare: 0.15 },
      },
    ],
    ['(d) VIP 15%', { ...base, classes: withClasses(base.classes.appointment.share, 0.15) }],
    ['(e) service 20% longer than configured', { ...base, workMultiplier: 1.2 }],
    [
      '(f) loan-heavy (25% loans)',
      {
        ...base,
        services: base.services.map((s) =>
          s.id === 'loan'
            ? { ...s, share: loanShare }
            : { ...s, share: (s.share * (1 - loanShare)) / otherShare },
        ),
      },
    ],
    [
      '(g) surge ×1.3 16:00–18:00',
      {
        ...base,
        arrivals: { ...base.arrivals, surges: [{ from: '16:00', to: '18:00', factor: 1.3 }] },
      },
    ],
    [
      '(h) lever: operators back up loans (level 3)',
      {
        ...base,
        roles: {
          ...base.roles,
          operator: { skills: { ...base.roles['operator']?.skills, loan: 3 } },
        },
      },
    ],
    [
      '(i) lever: everybody fully cross-trained',
      {
        ...base,
        roles: Object.fromEntries(
          Object.keys(base.roles).map((role) => [
            role,
            { skills: Object.fromEntries(base.services.map((x) => [x.id, 1 as const])) },
          ]),
        ),
      },
    ],
  ]
}

main()
