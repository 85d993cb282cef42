/** Tables, CSV and charts for `pnpm sim` and `pnpm bench:policy`. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Comparison, PolicyName } from '../../edge/src/simulation/experiment.js'
import {
  meanWaitByHour,
  servedWaitTotal,
  summarize,
  type Summary,
} from '../../edge/src/simulation/metrics.js'
import { parseScenario, type Scenario } from '../../edge/src/simulation/scenario.js'
import type { DayResult } from '../../edge/src/simulation/simulator.js'
import {
  pairedDifference,
  pairedRatio,
  type Interval,
} from '../../edge/src/simulation/statistics.js'
import { waitCharts, type Series } from './svg.js'

export const OUTPUT_DIR = path.resolve(import.meta.dirname, '../../.data/sim')
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

export function ticketsCsv(results: Comparison['results']): string {
  const header =
    'policy,replication,date,ticket,service,class,arrival_min,outcome,wait_min,operator,predicted_engine_min,predicted_ql_min,waiting_at_issue'
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
            t.predictedByPolicy === null ? '' : (t.predictedByPolicy / 60_000).toFixed(3),
            t.predictedByQueueLength === null ? '' : (t.predictedByQueueLength / 60_000).toFixed(3),
            t.waitingAtIssue,
          ].join(','),
        )
  return lines.join('\n') + '\n'
}

export function summaryCsv(
  rows: readonly { scenario: string; policy: string; summary: Summary }[],
): string {
  const header =
    'scenario,policy,days,tickets,served,mean_wait,p50,p90,p95,max,sl10,sl15,abandonment,ghosts,served_per_operator_hour,worst_service_ratio,eta_mae,eta_bias,eta_within5,ql_mae,ql_bias,ql_within5'
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
