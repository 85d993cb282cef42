/**
 * `pnpm bench:policy`: the standard scenario set (S/M/L × normal/busy/peak, design/queueing.md
 * §5.2) under every policy on held-out days (seed 1, replications 1001…1030; tuning used
 * replications 1…20), with common random numbers; then the M-busy stress variants (§5.2 a–g).
 * Per scenario: the policy tables, the ETA predictors at issue (engine, QL, HOL, LES and the
 * clairvoyant floor on a sample), capacity at SLA per policy (SL15 ≥ 85%, 100 held-out nested
 * days) with the engine/best-B2 ratio, operator-hours needed at the scenario's demand, and the
 * target checks of §6. Then summaries, and LAST the headline: engine/B2 mean-wait ratio on
 * M-busy, with engine/B0 and engine/L1 (the capacity headline is the line before it).
 *
 * Env: BENCH_DAYS (30), BENCH_FIRST (1001), BENCH_STRESS (1; 0 skips the stress variants),
 * BENCH_CAPACITY_DAYS (100; 0 skips capacity and staffing), BENCH_STAFFING (busy: operator-hours
 * for S/M/L-busy only, to stay within ~10 min on 2 cores; all; 0), BENCH_CLAIRVOYANT
 * (continuations, 30; 0 skips), BENCH_SAMPLE_SHARE (0.05).
 */
import {
  capacityAtSla,
  capacityRatio,
  DEFAULT_MAX_MULTIPLIER,
  DEFAULT_SLA,
  GRID_STEP,
  operatorHoursNeeded,
  operatorHoursOf,
  serviceLevelAt,
  type CapacityInterval,
  type CapacityResult,
  type PolicyRunner,
  type StaffingResult,
} from '../../edge/src/simulation/capacity.js'
import {
  bestDedicatedRunner,
  comparePolicies,
  policyRunner,
  POLICY_NAMES,
  replicationRange,
  type Comparison,
} from '../../edge/src/simulation/experiment.js'
import type { PredictionStats, Summary } from '../../edge/src/simulation/metrics.js'
import { serviceGroups, type Scenario } from '../../edge/src/simulation/scenario.js'
import type { Interval } from '../../edge/src/simulation/statistics.js'
import { checkTargets, formatCheck, type TargetCheck } from '../../edge/src/simulation/targets.js'
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
  summariesOf,
  summaryCsv,
  summaryRow,
  SUMMARY_HEADER,
  writeOutput,
} from '../sim/report.js'

const DAYS = Number(process.env['BENCH_DAYS'] ?? 30)
const FIRST = Number(process.env['BENCH_FIRST'] ?? 1001)
const STRESS = (process.env['BENCH_STRESS'] ?? '1') !== '0'
const CAPACITY_DAYS = Number(process.env['BENCH_CAPACITY_DAYS'] ?? 100)
/** Operator-hours needed: 'busy' (default: S/M/L-busy), 'all' nine scenarios, or '0' none. */
const STAFFING = process.env['BENCH_STAFFING'] ?? 'busy'
const CONTINUATIONS = Number(process.env['BENCH_CLAIRVOYANT'] ?? 30)
const SAMPLE_SHARE = Number(process.env['BENCH_SAMPLE_SHARE'] ?? 0.05)
const SLA_SHARE = DEFAULT_SLA.share
const SEED = 1
const SCENARIOS = ['S', 'M', 'L'].flatMap((size) =>
  ['normal', 'busy', 'peak'].map((day) => `${size}-${day}`),
)

/** Capacity searches: the policies compared (B1 and L1 are one policy with universal operators). */
const CAPACITY_POLICIES = ['T', 'B0', 'L1', 'B2', 'L2'] as const
/** Search order: the cheap baselines first, so the engine and B2 can start near their answer. */
const SEARCH_ORDER = ['L1', 'B0', 'L2', 'T', 'B2'] as const
/** Where a policy's search starts when no other day type of the branch has been searched yet. */
const START_FROM: Partial<Record<CapacityPolicy, CapacityPolicy>> = { T: 'L1', B2: 'B0' }
type CapacityPolicy = (typeof CAPACITY_POLICIES)[number]
const CAPACITY_LABEL: Record<CapacityPolicy, string> = {
  T: 'T',
  B0: 'B0',
  L1: 'B1=L1',
  B2: 'B2*',
  L2: 'L2',
}
/** Operator-hours needed: the engine, best B2 and the FIFO pooling limit. */
const STAFFING_POLICIES = ['T', 'B2', 'L1'] as const

/** B2's capacity search climbs allocations locally (checked exhaustively afterwards). */
const runnerOf = (name: CapacityPolicy, search: 'local' | 'exhaustive'): PolicyRunner =>
  name === 'B2' ? bestDedicatedRunner({ search }) : policyRunner({ name, predict: false })

interface CapacityOutcome {
  readonly days: number
  readonly results: ReadonlyMap<CapacityPolicy, CapacityResult>
  readonly vsB2: CapacityInterval | null
  readonly staffing: ReadonlyMap<(typeof STAFFING_POLICIES)[number], StaffingResult>
  readonly seconds: number
}

interface Outcome {
  readonly scenario: Scenario
  readonly comparison: Comparison
  readonly ratios: { vsB2: Interval; vsB0: Interval; vsL1: Interval }
  readonly engine: Summary
  readonly capacity: CapacityOutcome | null
  readonly checks: TargetCheck[]
}

/**
 * Capacity at SLA for every policy and operator-hours needed. A search starts where the previous
 * day type of the same branch crossed, scaled by the peak utilisations (the three day types of a
 * size differ only in ρ_peak), which saves grid evaluations without changing the answer.
 */
function capacityOf(scenario: Scenario, hints: Map<CapacityPolicy, number>): CapacityOutcome {
  const started = performance.now()
  const options = {
    seed: SEED,
    replications: replicationRange(FIRST, CAPACITY_DAYS),
    window: 1,
  }
  const rho = scenario.arrivals.peakUtilisation
  const results = new Map<CapacityPolicy, CapacityResult>()
  for (const name of SEARCH_ORDER) {
    const from = START_FROM[name]
    const hint = hints.get(name)
    const fallback = from ? (results.get(from)?.multiplier ?? undefined) : undefined
    const start = hint !== undefined ? hint / rho : fallback
    let result = capacityAtSla(scenario, {
      run: runnerOf(name, 'local'),
      options: { ...options, ...(start === undefined ? {} : { start }) },
    })
    // B2 by local search: the first failing grid point must fail for every allocation too
    // (it passes wherever the local search passes), else search again exhaustively.
    if (name === 'B2' && result.multiplier !== null && !result.saturated) {
      const next = serviceLevelAt(scenario, {
        run: runnerOf('B2', 'exhaustive'),
        options,
        multiplier: result.multiplier + GRID_STEP,
      })
      if (next.serviceLevel >= SLA_SHARE)
        result = capacityAtSla(scenario, {
          run: runnerOf('B2', 'exhaustive'),
          options: { ...options, start: next.multiplier },
        })
    }
    results.set(name, result)
    if (result.multiplier !== null) hints.set(name, result.multiplier * rho)
  }
  const staffing = new Map<(typeof STAFFING_POLICIES)[number], StaffingResult>()
  if (STAFFING === 'all' || (STAFFING === 'busy' && scenario.id.endsWith('-busy')))
    for (const name of STAFFING_POLICIES)
      staffing.set(
        name,
        operatorHoursNeeded(scenario, {
          run: runnerOf(name, 'exhaustive'),
          options: {
            ...options,
            nestedUpTo: DEFAULT_MAX_MULTIPLIER,
            screen: { days: 30, margin: 0.02 },
            byRole: name === 'T',
            minStaff: name === 'B2' ? serviceGroups(scenario).length : 1,
          },
        }),
      )
  const t = results.get('T')
  const b2 = results.get('B2')
  return {
    days: CAPACITY_DAYS,
    results,
    vsB2: t && b2 ? capacityRatio(t, b2) : null,
    staffing,
    seconds: (performance.now() - started) / 1000,
  }
}

function run(
  scenario: Scenario,
  input: { hints: Map<CapacityPolicy, number> | null; clairvoyant: boolean },
): Outcome {
  const comparison = comparePolicies(scenario, {
    seed: SEED,
    replications: replicationRange(FIRST, DAYS),
    policies: POLICY_NAMES,
    ...(input.clairvoyant && CONTINUATIONS > 0
      ? {
          engine: {
            clairvoyant: { continuations: CONTINUATIONS, sampleShare: SAMPLE_SHARE },
          },
        }
      : {}),
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
  const capacity = input.hints && CAPACITY_DAYS > 0 ? capacityOf(scenario, input.hints) : null
  const checks = checkTargets(scenario, {
    engine,
    ratios: { vsB2: ratios.vsB2.estimate, vsB0: ratios.vsB0.estimate, vsL1: ratios.vsL1.estimate },
    capacityVsB2: capacity?.vsB2?.estimate ?? null,
  })
  return { scenario, comparison, ratios, engine, capacity, checks }
}

function printScenario(o: Outcome, elapsed: number): void {
  const { scenario, comparison, ratios } = o
  const summaries = summariesOf(comparison.results)
  const tickets = comparison.scripts.reduce((n, s) => n + s.customers.length, 0) / DAYS
  console.log(
    `\n## ${scenario.id}: ${DAYS} days, ${tickets.toFixed(0)} tickets/day, B2 allocation ${comparison.allocation?.join('/') ?? '–'} (${elapsed.toFixed(1)} s${o.capacity ? `, of which capacity and staffing ${o.capacity.seconds.toFixed(1)} s` : ''})\n`,
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
  console.log(`\nETA of the engine at issue, tickets that queued (${DAYS} days)\n`)
  console.log(predictorTable(o.engine))
  const c = o.capacity
  if (c) {
    console.log(
      `\ncapacity at SLA, k (mean daily SL15 ≥ 85%, ${c.days} nested held-out days): ` +
        CAPACITY_POLICIES.map(
          (n) => `${CAPACITY_LABEL[n]} ${formatCapacity(c.results.get(n))}`,
        ).join(' · ') +
        `; engine/B2* ${formatCapacityInterval(c.vsB2)} (target ≥ 1.05, stretch ≥ 1.15)`,
    )
    for (const n of ['T', 'B2'] as const) {
      const r = c.results.get(n)
      if (r) console.log(`  ${CAPACITY_LABEL[n]} evaluated k:SL15% ${capacityTrace(r)}`)
    }
    if (c.staffing.size > 0)
      console.log(
        `operator-hours/day needed for SL15 ≥ 85% at k = 1 (the same ${c.days} days; as given ${operatorHoursOf(scenario).toFixed(0)} h): ` +
          [...c.staffing].map(([n, s]) => `${CAPACITY_LABEL[n]} ${formatStaffing(s)}`).join(' · '),
      )
  }
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
  const hints = new Map<string, Map<CapacityPolicy, number>>()
  for (const id of SCENARIOS) {
    const t = performance.now()
    const size = id.split('-')[0] ?? id
    const sizeHints = hints.get(size) ?? new Map<CapacityPolicy, number>()
    hints.set(size, sizeHints)
    const outcome = run(loadScenario(id), { hints: sizeHints, clairvoyant: true })
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
        const s = o.engine
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

  if (outcomes.some((o) => o.capacity)) {
    console.log(
      `\n## Capacity at SLA (demand multiplier k; mean daily SL15 ≥ 85%, abandoned and ghosts fail; ${CAPACITY_DAYS} nested held-out days; B2* = best allocation at each k)\n`,
    )
    console.log(
      formatTable(
        [
          'scenario',
          ...CAPACITY_POLICIES.map((n) => CAPACITY_LABEL[n]),
          'T/B2* [95% CI]',
          'ρ_peak·k T',
          'ρ_peak·k B2*',
          'op-h T',
          'op-h B2*',
          'op-h L1',
        ],
        outcomes.map((o) => {
          const c = o.capacity
          const rho = o.scenario.arrivals.peakUtilisation
          const absorbed = (n: CapacityPolicy) => {
            const k = c?.results.get(n)?.multiplier
            return k === null || k === undefined ? '–' : (k * rho).toFixed(2)
          }
          return [
            o.scenario.id,
            ...CAPACITY_POLICIES.map((n) => formatCapacity(c?.results.get(n))),
            formatCapacityInterval(c?.vsB2 ?? null),
            absorbed('T'),
            absorbed('B2'),
            ...STAFFING_POLICIES.map((n) => {
              const s = c?.staffing.get(n)
              return s ? `${s.operatorHours.toFixed(0)}${s.meets ? '' : '!'}` : '–'
            }),
          ]
        }),
      ),
    )
  }

  console.log(
    `\n## ETA at issue, engine T, tickets that queued (clairvoyant floor: ${CONTINUATIONS} continuations, ${(SAMPLE_SHARE * 100).toFixed(0)}% sample; "on sample" columns compare on that sample)\n`,
  )
  console.log(
    formatTable(
      [
        'scenario',
        'engine MAE/bias/±5',
        'QL',
        'HOL',
        'LES',
        'on sample: n',
        'engine',
        'clairvoyant mean',
        'clairvoyant median',
      ],
      outcomes.map((o) => {
        const p = o.engine.prediction
        const q = o.engine.predictionOnSample
        return [
          o.scenario.id,
          etaCell(p.policy),
          etaCell(p.queueLength),
          etaCell(p.headOfLine),
          etaCell(p.lastToEnter),
          q?.clairvoyant ? String(q.clairvoyant.count) : '–',
          etaCell(q?.policy ?? null),
          etaCell(q?.clairvoyant ?? null),
          etaCell(q?.clairvoyantMedian ?? null),
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
      const o = run(scenario, { hints: null, clairvoyant: false })
      const s = o.engine
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
  const capacity = mBusy.capacity
  if (capacity)
    console.log(
      `capacity at SLA (M-busy, ${capacity.days} held-out days, SL15 ≥ 85%): engine k ${formatCapacity(capacity.results.get('T'))}, best B2 k ${formatCapacity(capacity.results.get('B2'))}, engine/B2 ${formatCapacityInterval(capacity.vsB2)} (target ≥ 1.05, stretch ≥ 1.15); operator-hours/day engine ${formatStaffing(capacity.staffing.get('T'))}, B2 ${formatStaffing(capacity.staffing.get('B2'))}`,
    )
  console.log(
    `headline (M-busy, ${DAYS} held-out days): engine/B2 mean wait ${formatInterval(mBusy.ratios.vsB2)} (target ≤ 0.75, stretch ≤ 0.60); engine/B0 ${formatInterval(mBusy.ratios.vsB0)} (≤ 1.0); engine/L1 ${formatInterval(mBusy.ratios.vsL1)} (≤ 1.15)`,
  )
}

/** `MAE / bias / ±5` of one predictor. */
function etaCell(s: PredictionStats | null): string {
  if (!s) return '–'
  return `${s.mae.toFixed(2)} / ${s.bias >= 0 ? '+' : ''}${s.bias.toFixed(2)} / ${(s.within5 * 100).toFixed(0)}%`
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
