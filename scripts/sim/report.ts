/** Tables, CSV and charts for `pnpm sim` and `pnpm bench:policy`. */
import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type {
  CapacityInterval,
  CapacityResult,
  StaffingResult,
} from '../../edge/src/simulation/capacity.js'
import type { Comparison, PolicyName } from '../../edge/src/simulation/experiment.js'
import {
  meanWaitByHour,
  PREDICTOR_LABELS,
  PREDICTORS,
  servedWaitTotal,
  summarize,
  type PredictionSet,
  type Summary,
} from '../../edge/src/simulation/metrics.js'
import { parseScenario, type Scenario } from '../../edge/src/simulation/scenario.js'
import { parseScriptJsonl, scriptToJsonl } from '../../edge/src/simulation/script-io.js'
import type { DayScript } from '../../edge/src/simulation/script.js'
import type { DayResult } from '../../edge/src/simulation/simulator.js'
import {
  pairedDifference,
  pairedRatio,
  type Interval,
} from '../../edge/src/simulation/statistics.js'
import { waitCharts, type Series } from './svg.js'

export const OUTPUT_DIR = path.resolve(import.meta.dirname, '../../.data/sim')
export const SCRIPT_DIR = path.join(OUTPUT_DIR, 'scripts')
export const SCENARIO_DIR = path.resolve(import.meta.dirname, 'scenarios')

export function loadScenario(file: string): Scenario {
  const resolved = file.endsWith('.json') ? file : path.join(SCENARIO_DIR, `${file}.json`)
  return parseScenario(JSON.parse(readFileSync(resolved, 'utf8')))
}

const f = (n: number | null | undefined, digits = 2): string =>
  n === null || n === undefined || !Number.isFinite(n) ? '–' : n.toFixed(digits)
const pct = (n: number | null | undefined): string =>
  n === null || n === undefined || !Number.isFinite(n) ? '–' : `${(n * 100).toFixed(1)}%`

export function formatTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join('  ')
  return [line(header), ...rows.map(line)].join('\n')
}

export const SUMMARY_HEADER = [
  'policy',
  'mean',
  'p50',
  'p90',
  'p95',
  'max',
  'SL10',
  'SL15',
  'aband',
  'ghost',
  'srv/op-h',
  'worst/mean',
  'ETA MAE',
  'ETA ±5',
  'ETA bias',
  'QL MAE',
  'QL ±5',
]

export function summaryRow(name: string, s: Summary): string[] {
  return [
    name,
    f(s.meanWait),
    f(s.p50, 1),
    f(s.p90, 1),
    f(s.p95, 1),
    f(s.max, 1),
    pct(s.sl10),
    pct(s.sl15),
    pct(s.abandonment),
    pct(s.noShows),
    f(s.servedPerOperatorHour),
    f(s.worstServiceRatio),
    f(s.prediction.policy?.mae),
    pct(s.prediction.policy?.within5),
    f(s.prediction.policy?.bias),
    f(s.prediction.queueLength?.mae),
    pct(s.prediction.queueLength?.within5),
  ]
}

export function breakdownTable(summaries: ReadonlyMap<string, Summary>): string {
  const names = [...summaries.keys()]
  const first = summaries.values().next().value
  if (!first) return ''
  const rows: string[][] = []
  for (const service of Object.keys(first.byService))
    rows.push([
      `service ${service}`,
      ...names.map((n) => {
        const s = summaries.get(n)?.byService[service]
        return `${f(s?.meanWait)} / ${f(s?.p95, 1)}`
      }),
    ])
  for (const c of ['appointment', 'vip', 'elderly', 'regular'] as const)
    rows.push([
      `class ${c}`,
      ...names.map((n) => {
        const s = summaries.get(n)?.byClass[c]
        return `${f(s?.meanWait)} / ${f(s?.p95, 1)}`
      }),
    ])
  return formatTable(['mean / p95 wait (min)', ...names], rows)
}

export const formatInterval = (i: Interval, digits = 2): string =>
  `${f(i.estimate, digits)} [${f(i.low, digits)}, ${f(i.high, digits)}]`

/** Mean-wait ratio a/b over paired days (bootstrap CI). */
export function ratio(
  results: Comparison['results'],
  a: PolicyName,
  b: PolicyName,
): Interval | null {
  const x = results.get(a)
  const y = results.get(b)
  if (!x || !y) return null
  return pairedRatio(x.map(servedWaitTotal), y.map(servedWaitTotal))
}

/** Paired and unpaired standard errors of the per-day mean-wait difference (CRN's variance cut). */
export function differenceReport(
  results: Comparison['results'],
  input: { a: PolicyName; b: PolicyName },
): string | null {
  const x = results.get(input.a)?.map((d) => dayMean(d))
  const y = results.get(input.b)?.map((d) => dayMean(d))
  if (!x || !y || x.length < 2) return null
  const paired = pairedDifference(x, y)
  const n = x.length
  const variance = (v: readonly number[]) => {
    const m = v.reduce((s, z) => s + z, 0) / v.length
    return v.reduce((s, z) => s + (z - m) ** 2, 0) / (v.length - 1)
  }
  const unpairedSe = Math.sqrt(variance(x) / n + variance(y) / n)
  const pairedSe = (paired.high - paired.estimate) / 1.96
  return `${input.a} − ${input.b} per-day mean wait: ${formatInterval(paired)} min; SE paired ${f(pairedSe, 3)} vs unpaired ${f(unpairedSe, 3)}`
}

const dayMean = (d: DayResult): number => {
  const t = servedWaitTotal(d)
  return t.count > 0 ? t.sum / t.count : 0
}

export function summariesOf(results: Comparison['results']): Map<string, Summary> {
  return new Map([...results].map(([name, days]) => [name, summarize(days)]))
}

const minutes = (ms: number | null): string => (ms === null ? '' : (ms / 60_000).toFixed(3))

export function ticketsCsv(results: Comparison['results']): string {
  const header =
    'policy,replication,date,ticket,service,class,arrival_min,outcome,wait_min,operator,predicted_engine_min,predicted_ql_min,predicted_hol_min,predicted_les_min,predicted_clairvoyant_min,predicted_clairvoyant_median_min,waiting_at_issue'
  const lines = [header]
  for (const [name, days] of results)
    for (const d of days)
      for (const t of d.tickets)
        lines.push(
          [
            name,
            d.script.replication,
            d.script.date,
            t.index,
            t.serviceId,
            t.priorityClass,
            (t.arrival / 60_000).toFixed(3),
            t.outcome,
            (t.wait / 60_000).toFixed(3),
            t.operatorIndex ?? '',
            minutes(t.predictedByPolicy),
            minutes(t.predictedByQueueLength),
            minutes(t.predictedByHeadOfLine),
            minutes(t.predictedByLastToEnter),
            minutes(t.predictedByClairvoyant),
            minutes(t.predictedByClairvoyantMedian),
            t.waitingAtIssue,
          ].join(','),
        )
  return lines.join('\n') + '\n'
}

export function summaryCsv(
  rows: readonly { scenario: string; policy: string; summary: Summary }[],
): string {
  const header =
    'scenario,policy,days,tickets,served,mean_wait,p50,p90,p95,max,sl10,sl15,abandonment,ghosts,served_per_operator_hour,worst_service_ratio,eta_mae,eta_bias,eta_within5,ql_mae,ql_bias,ql_within5,hol_mae,hol_bias,hol_within5,les_mae,les_bias,les_within5,clairvoyant_n,clairvoyant_mae,clairvoyant_bias,clairvoyant_within5,engine_on_sample_mae'
  const lines = rows.map(({ scenario, policy, summary: s }) =>
    [
      scenario,
      policy,
      s.days,
      s.tickets,
      s.served,
      s.meanWait,
      s.p50,
      s.p90,
      s.p95,
      s.max,
      s.sl10,
      s.sl15,
      s.abandonment,
      s.noShows,
      s.servedPerOperatorHour,
      s.worstServiceRatio,
      s.prediction.policy?.mae ?? '',
      s.prediction.policy?.bias ?? '',
      s.prediction.policy?.within5 ?? '',
      s.prediction.queueLength?.mae ?? '',
      s.prediction.queueLength?.bias ?? '',
      s.prediction.queueLength?.within5 ?? '',
      s.prediction.headOfLine?.mae ?? '',
      s.prediction.headOfLine?.bias ?? '',
      s.prediction.headOfLine?.within5 ?? '',
      s.prediction.lastToEnter?.mae ?? '',
      s.prediction.lastToEnter?.bias ?? '',
      s.prediction.lastToEnter?.within5 ?? '',
      s.prediction.clairvoyant?.count ?? '',
      s.prediction.clairvoyant?.mae ?? '',
      s.prediction.clairvoyant?.bias ?? '',
      s.prediction.clairvoyant?.within5 ?? '',
      s.predictionOnSample?.policy?.mae ?? '',
    ]
      .map((v) => (typeof v === 'number' ? String(Math.round(v * 10_000) / 10_000) : v))
      .join(','),
  )
  return [header, ...lines].join('\n') + '\n'
}

export function chartOf(results: Comparison['results'], title: string): string {
  const distribution: Series[] = []
  const overTheDay: Series[] = []
  for (const [name, days] of results) {
    const waits = days
      .flatMap((d) => d.tickets.filter((t) => t.outcome === 'served').map((t) => t.wait / 60_000))
      .sort((a, b) => a - b)
    const points: [number, number][] = [[0, 0]]
    for (let x = 0; x <= 30; x += 0.25) {
      let lo = 0
      let hi = waits.length
      while (lo < hi) {
        const mid = (lo + hi) >> 1
        if ((waits[mid] ?? 0) <= x) lo = mid + 1
        else hi = mid
      }
      points.push([x, waits.length === 0 ? 0 : lo / waits.length])
    }
    distribution.push({ name, points })
    overTheDay.push({
      name,
      points: [...meanWaitByHour(days)].map(([hour, m]): [number, number] => [hour + 0.5, m]),
    })
  }
  return waitCharts({ title, distribution, overTheDay })
}

export function writeOutput(name: string, content: string): string {
  mkdirSync(OUTPUT_DIR, { recursive: true })
  const file = path.join(OUTPUT_DIR, name)
  writeFileSync(file, content)
  return path.relative(process.cwd(), file)
}

/**
 * ETA predictors of one policy (design/queueing.md §2.2, §5.4) over the tickets that queued, and
 * over the clairvoyant sample (the like-for-like comparison with the floor) when there is one.
 */
export function predictorTable(summary: Summary): string {
  const cells = (p: PredictionSet | null, key: (typeof PREDICTORS)[number]) => {
    const s = p?.[key]
    return [f(s?.mae), f(s?.bias), f(s?.rmse), pct(s?.within5), s ? String(s.count) : '–']
  }
  const sample = summary.predictionOnSample
  const header = ['ETA predictor (min)', 'MAE', 'bias', 'RMSE', '±5 min', 'n']
  const rows = PREDICTORS.filter((p) => summary.prediction[p] !== null).map((p) => [
    PREDICTOR_LABELS[p],
    ...(p.startsWith('clairvoyant') ? ['', '', '', '', ''] : cells(summary.prediction, p)),
    ...(sample ? cells(sample, p) : []),
  ])
  return formatTable(
    sample ? [...header, 'sample MAE', 'bias', 'RMSE', '±5 min', 'n'] : header,
    rows,
  )
}

/** `1.15` / `≥ 3.00` (saturated) / `< 0.05` (fails everywhere). */
export function formatCapacity(c: CapacityResult | undefined): string {
  if (!c) return '–'
  if (c.multiplier === null) return '< 0.05'
  return `${c.saturated ? '≥ ' : ''}${c.multiplier.toFixed(2)}`
}

export const formatCapacityInterval = (i: CapacityInterval | null): string =>
  i === null
    ? '–'
    : `${formatInterval(i)}${i.clipped > 0.05 ? ` (${(i.clipped * 100).toFixed(0)}% clipped)` : ''}`

/** `80 h (-operator, -cashier)` */
export function formatStaffing(s: StaffingResult | undefined): string {
  if (!s) return '–'
  const changes = s.steps.slice(1).map((x) => x.change)
  return (
    `${s.operatorHours.toFixed(0)} h${s.meets ? '' : ' (SLA missed)'}` +
    (changes.length > 0 ? ` (${changes.join(', ')})` : '')
  )
}

/** The evaluated grid points of a capacity search: `1.00:89.8 1.05:88.9 …` (SL in %). */
export const capacityTrace = (c: CapacityResult): string =>
  c.points.map((p) => `${p.multiplier.toFixed(2)}:${(p.serviceLevel * 100).toFixed(1)}`).join(' ')

export const scriptFileName = (script: Pick<DayScript, 'scenarioId' | 'seed' | 'replication'>) =>
  `${script.scenarioId}-s${script.seed}-r${script.replication}.jsonl`

/**
 * Writes each day's script as JSONL under `.data/sim/scripts/` and a `sha256sum -c` manifest
 * next to them; returns each file with its SHA-256.
 */
export function writeScripts(
  scripts: readonly DayScript[],
  manifestName: string,
): { file: string; sha256: string; script: DayScript }[] {
  mkdirSync(SCRIPT_DIR, { recursive: true })
  const written = scripts.map((script) => {
    const text = scriptToJsonl(script)
    const name = scriptFileName(script)
    writeFileSync(path.join(SCRIPT_DIR, name), text)
    return {
      file: path.relative(process.cwd(), path.join(SCRIPT_DIR, name)),
      sha256: createHash('sha256').update(text).digest('hex'),
      script,
    }
  })
  writeFileSync(
    path.join(SCRIPT_DIR, manifestName),
    written.map((w) => `${w.sha256}  ${path.basename(w.file)}`).join('\n') + '\n',
  )
  return written
}

/** Reads the scripts `writeScripts` wrote (replaying stored inputs instead of drawing them). */
export function readScripts(
  dir: string,
  input: { scenarioId: string; seed: number; replications: readonly number[] },
): DayScript[] {
  return input.replications.map((replication) =>
    parseScriptJsonl(
      readFileSync(
        path.join(
          dir,
          scriptFileName({ scenarioId: input.scenarioId, seed: input.seed, replication }),
        ),
        'utf8',
      ),
    ),
  )
}
