import { PRIORITY_CLASSES, type PriorityClass } from '@kqms/shared/domain'
import type { DayResult, TicketRecord } from './simulator.js'

/**
 * Metrics of design/queueing.md §5.4. Waits are in minutes. "Served" waits are call time − ticket
 * time of served customers; SL10/SL15 divide by all tickets, so abandoned and ghost tickets fail.
 */

const MINUTE = 60_000

export interface WaitStats {
  readonly tickets: number
  readonly served: number
  readonly meanWait: number
  readonly p50: number
  readonly p90: number
  readonly p95: number
  readonly max: number
  readonly sl10: number
  readonly sl15: number
  /** Abandoned / tickets (customers who left, not ghosts). */
  readonly abandonment: number
  /** Ghost tickets marked no-show / tickets. */
  readonly noShows: number
}

export interface PredictionStats {
  /** Tickets that queued (called after issue) and have a prediction. */
  readonly count: number
  readonly mae: number
  /** Mean of predicted − actual: positive means the announcement was too long. */
  readonly bias: number
  readonly rmse: number
  readonly within5: number
}

export interface Summary extends WaitStats {
  /** Mean time in queue over all tickets (abandoners until they left), Erlang-A style. */
  readonly meanQueueTime: number
  readonly servedPerOperatorHour: number
  readonly byClass: Readonly<Partial<Record<PriorityClass, WaitStats>>>
  readonly byService: Readonly<Record<string, WaitStats>>
  /** Highest per-service mean wait / overall mean wait (fairness target: ≤ 3). */
  readonly worstServiceRatio: number
  /** ETA predictors over the tickets that queued (design/queueing.md §2.2, §5.4). */
  readonly prediction: PredictionSet
  /**
   * The same predictors over the clairvoyant sample only (null without one): the like-for-like
   * comparison with the floor.
   */
  readonly predictionOnSample: PredictionSet | null
  /** Share of appointments called within 5 minutes of their slot (or arrival, if late). */
  readonly appointmentPunctuality: number | null
  /** Operator minutes lost on ghost tickets per day. */
  readonly ghostMinutesPerDay: number
  /** Minutes past closing until the last customer was done, mean per day. */
  readonly overtime: number
  /** Little's law over the whole day: time-average queue length and λ · mean queue time. */
  readonly little: { readonly queueLength: number; readonly arrivalRateTimesWait: number }
  readonly days: number
}

export const PREDICTORS = [
  'policy',
  'queueLength',
  'headOfLine',
  'lastToEnter',
  'clairvoyant',
  'clairvoyantMedian',
] as const
export type Predictor = (typeof PREDICTORS)[number]
export type PredictionSet = Readonly<Record<Predictor, PredictionStats | null>>

/** Display names: the engine's forward replay, QL, HOL, LES and the clairvoyant floor. */
export const PREDICTOR_LABELS: Readonly<Record<Predictor, string>> = {
  policy: 'engine (predictWaits)',
  queueLength: 'QL',
  headOfLine: 'HOL',
  lastToEnter: 'LES',
  clairvoyant: 'clairvoyant mean',
  clairvoyantMedian: 'clairvoyant median',
}

const PREDICTED: Readonly<Record<Predictor, (t: TicketRecord) => number | null>> = {
  policy: (t) => t.predictedByPolicy,
  queueLength: (t) => t.predictedByQueueLength,
  headOfLine: (t) => t.predictedByHeadOfLine,
  lastToEnter: (t) => t.predictedByLastToEnter,
  clairvoyant: (t) => t.predictedByClairvoyant,
  clairvoyantMedian: (t) => t.predictedByClairvoyantMedian,
}

/** Every predictor's errors over the tickets that queued. */
export function predictionSet(tickets: readonly TicketRecord[]): PredictionSet {
  const set = {} as Record<Predictor, PredictionStats | null>
  for (const p of PREDICTORS) set[p] = predictionStats(tickets, PREDICTED[p])
  return set
}

/** Percentile by the nearest-rank method on a sorted array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index] ?? Number.NaN
}

const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length

export function waitStats(tickets: readonly TicketRecord[]): WaitStats {
  const served = tickets.filter((t) => t.outcome === 'served')
  const waits = served.map((t) => t.wait / MINUTE).sort((a, b) => a - b)
  const within = (limit: number) =>
    tickets.length === 0
      ? Number.NaN
      : served.filter((t) => t.wait <= limit * MINUTE).length / tickets.length
  const share = (outcome: TicketRecord['outcome']) =>
    tickets.length === 0
      ? Number.NaN
      : tickets.filter((t) => t.outcome === outcome).length / tickets.length
  return {
    tickets: tickets.length,
    served: served.length,
    meanWait: mean(waits),
    p50: percentile(waits, 50),
    p90: percentile(waits, 90),
    p95: percentile(waits, 95),
    max: waits.at(-1) ?? Number.NaN,
    sl10: within(10),
    sl15: within(15),
    abandonment: share('abandoned'),
    noShows: share('no_show'),
  }
}

/** Prediction error over tickets that queued and were called (abandoners are censored). */
export function predictionStats(
  tickets: readonly TicketRecord[],
  predicted: (t: TicketRecord) => number | null,
): PredictionStats | null {
  const errors: number[] = []
  for (const t of tickets) {
    const p = predicted(t)
    if (t.outcome === 'abandoned' || t.wait <= 0 || p === null) continue
    errors.push((p - t.wait) / MINUTE)
  }
  if (errors.length === 0) return null
  return {
    count: errors.length,
    mae: mean(errors.map(Math.abs)),
    bias: mean(errors),
    rmse: Math.sqrt(mean(errors.map((e) => e * e))),
    within5: errors.filter((e) => Math.abs(e) <= 5).length / errors.length,
  }
}

function groupBy<TKey extends string>(
  tickets: readonly TicketRecord[],
  key: (t: TicketRecord) => TKey,
): Map<TKey, TicketRecord[]> {
  const groups = new Map<TKey, TicketRecord[]>()
  for (const t of tickets) {
    const k = key(t)
    const list = groups.get(k)
    if (list) list.push(t)
    else groups.set(k, [t])
  }
  return groups
}

/** Time-average of the waiting count over [from, to). */
export function averageQueueLength(
  trace: readonly (readonly [number, number])[],
  window: { from: number; to: number },
): number {
  let area = 0
  for (let i = 0; i < trace.length; i++) {
    const [t, n] = trace[i] ?? [0, 0]
    const next = trace[i + 1]?.[0] ?? window.to
    const a = Math.max(t, window.from)
    const b = Math.min(next, window.to)
    if (b > a) area += n * (b - a)
  }
  return window.to > window.from ? area / (window.to - window.from) : Number.NaN
}

/** Pools the tickets of several days (percentiles over all tickets, rates per day). */
export function summarize(days: readonly DayResult[]): Summary {
  const tickets = days.flatMap((d) => d.tickets)
  const overall = waitStats(tickets)
  const byService: Record<string, WaitStats> = {}
  for (const [id, list] of [...groupBy(tickets, (t) => t.serviceId)].sort(([a], [b]) =>
    a < b ? -1 : 1,
  ))
    byService[id] = waitStats(list)
  const byClass: Partial<Record<PriorityClass, WaitStats>> = {}
  const classes = groupBy(tickets, (t) => t.priorityClass)
  for (const c of PRIORITY_CLASSES) {
    const list = classes.get(c)
    if (list) byClass[c] = waitStats(list)
  }
  const serviceMeans = Object.values(byService)
    .map((s) => s.meanWait)
    .filter((m) => Number.isFinite(m))
  const appointments = tickets.filter(
    (t) => t.appointmentSlot !== null && t.outcome !== 'abandoned',
  )
  const operatorHours = days.reduce(
    (sum, d) =>
      sum + d.script.operators.reduce((h, o) => h + (o.shiftEndMs - o.shiftStartMs) / 3_600_000, 0),
    0,
  )
  let queueArea = 0
  let horizon = 0
  for (const d of days) {
    const from = d.script.open
    const to = Math.max(d.end, d.script.close)
    queueArea += averageQueueLength(d.queueTrace, { from, to }) * (to - from)
    horizon += to - from
  }
  const queueTimes = tickets.map((t) => t.wait)
  return {
    ...overall,
    meanQueueTime: mean(queueTimes) / MINUTE,
    servedPerOperatorHour: operatorHours > 0 ? overall.served / operatorHours : Number.NaN,
    byClass,
    byService,
    worstServiceRatio:
      serviceMeans.length > 0 ? Math.max(...serviceMeans) / overall.meanWait : Number.NaN,
    prediction: predictionSet(tickets),
    predictionOnSample: tickets.some((t) => t.predictedByClairvoyant !== null)
      ? predictionSet(tickets.filter((t) => t.predictedByClairvoyant !== null))
      : null,
    appointmentPunctuality:
      appointments.length === 0
        ? null
        : appointments.filter(
            (t) => t.leftQueue <= Math.max(t.appointmentSlot ?? 0, t.arrival) + 5 * MINUTE,
          ).length / appointments.length,
    ghostMinutesPerDay:
      days.length === 0 ? 0 : days.reduce((s, d) => s + d.ghostTime, 0) / MINUTE / days.length,
    overtime:
      days.length === 0
        ? 0
        : days.reduce((s, d) => s + Math.max(0, d.end - d.script.close), 0) / MINUTE / days.length,
    little: {
      queueLength: horizon > 0 ? queueArea / horizon : Number.NaN,
      arrivalRateTimesWait:
        horizon > 0 ? queueTimes.reduce((a, b) => a + b, 0) / horizon : Number.NaN,
    },
    days: days.length,
  }
}

/** Mean wait of served tickets by hour of arrival (local hour → minutes), for charts. */
export function meanWaitByHour(days: readonly DayResult[]): Map<number, number> {
  const byHour = groupBy(
    days.flatMap((d) => d.tickets.filter((t) => t.outcome === 'served')),
    (t) => String(Math.floor(t.arrival / 3_600_000)),
  )
  return new Map(
    [...byHour]
      .map(([h, list]): [number, number] => [Number(h), mean(list.map((t) => t.wait / MINUTE))])
      .sort(([a], [b]) => a - b),
  )
}

/** Sum of served waits (minutes) and served count of one day: the unit of paired comparisons. */
export function servedWaitTotal(day: DayResult): { sum: number; count: number } {
  let sum = 0
  let count = 0
  for (const t of day.tickets)
    if (t.outcome === 'served') {
      sum += t.wait / MINUTE
      count++
    }
  return { sum, count }
}
