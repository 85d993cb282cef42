import { streamFor } from './random.js'
import type { Scenario } from './scenario.js'
import { generateDay, scriptedOperators, type DayScript } from './script.js'
import type { DayResult } from './simulator.js'
import type { Interval } from './statistics.js'

/**
 * The honest forms of a "+X% throughput" claim (design/queueing.md §0.3, §5.4, §5.8):
 *
 * - **Capacity at SLA**: the largest demand multiplier k on a common grid (step 0.05) at which the
 *   mean over days of the daily SL15 (served within 15 min / tickets; abandoned and ghost tickets
 *   fail) is at least 85%. Every policy sees the same days at every k, and the days are nested in k
 *   (a higher k keeps every customer of a lower one and adds more: `generateDay`'s `nestedUpTo`),
 *   so the comparison is under common random numbers.
 * - **Operator-hours needed**: staff removed from the scenario's roles one at a time, greedily
 *   (the removal that keeps the highest service level), while the SLA holds at the scenario's own
 *   demand; if it does not hold to begin with, staff are added greedily until it does.
 *
 * Pure: a policy is a `PolicyRunner`, so the search works for the engine and every baseline.
 */

/** Simulates a policy over days (the same scripts for every policy: common random numbers). */
export type PolicyRunner = (
  scenario: Scenario,
  scripts: readonly DayScript[],
) => readonly DayResult[]

export interface SlaTarget {
  /** A ticket meets the SLA if served within this many minutes. */
  readonly minutes: number
  /** Required mean over days of the share of tickets meeting it. */
  readonly share: number
}

export const DEFAULT_SLA: SlaTarget = { minutes: 15, share: 0.85 }
export const GRID_STEP = 0.05
/** Top of the default grid and nesting ceiling of the days. */
export const DEFAULT_MAX_MULTIPLIER = 3

/** One day's SL: tickets served within the SLA / all tickets (abandoned and ghosts fail). */
export function dailyServiceLevel(day: DayResult, sla: SlaTarget = DEFAULT_SLA): number {
  if (day.tickets.length === 0) return 1
  const limit = sla.minutes * 60_000
  let ok = 0
  for (const t of day.tickets) if (t.outcome === 'served' && t.wait <= limit) ok++
  return ok / day.tickets.length
}

const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length

/** The scenario with its demand multiplied by k (on top of its own multiplier). */
export function atDemand(scenario: Scenario, k: number): Scenario {
  return {
    ...scenario,
    arrivals: {
      ...scenario.arrivals,
      demandMultiplier: roundToGrid(scenario.arrivals.demandMultiplier * k),
    },
  }
}

const roundToGrid = (x: number): number => Math.round(x * 1e9) / 1e9

export interface CapacityOptions {
  readonly seed: number
  readonly replications: readonly number[]
  readonly sla?: SlaTarget
  /** Grid step of k (default 0.05). */
  readonly step?: number
  /** Top of the grid, and the nesting ceiling of the days (default 3). */
  readonly maxMultiplier?: number
  /** Where the search starts (default 1: the scenario's own demand). */
  readonly start?: number
  /**
   * Grid points also evaluated beyond each side of the crossing (default 1), so that the
   * bootstrap interval (`capacityRatio`) sees where the crossing moves when days are resampled.
   */
  readonly window?: number
}

export interface CapacityPoint {
  readonly multiplier: number
  /** Mean over days of the daily service level. */
  readonly serviceLevel: number
  /** Daily service levels, in replication order. */
  readonly daily: readonly number[]
}

export interface CapacityResult {
  /**
   * Largest grid k with mean SL ≥ target whose next grid point fails; null if the SLA fails even
   * at the lowest grid point.
   */
  readonly multiplier: number | null
  /** The SLA still holds at the top of the grid: capacity is at least `multiplier`. */
  readonly saturated: boolean
  /** Every evaluated grid point, by multiplier. */
  readonly points: readonly CapacityPoint[]
  readonly sla: SlaTarget
}

/**
 * The service level at one demand multiplier, on the nested days a capacity search uses (so a
 * point can be re-checked, e.g. with an exhaustive B2 search).
 */
export function serviceLevelAt(
  scenario: Scenario,
  input: { run: PolicyRunner; options: CapacityOptions; multiplier: number },
): CapacityPoint {
  const { options, multiplier } = input
  const demand = atDemand(scenario, multiplier)
  const scripts = options.replications.map((replication) =>
    generateDay(demand, {
      seed: options.seed,
      replication,
      nestedUpTo:
        scenario.arrivals.demandMultiplier * (options.maxMultiplier ?? DEFAULT_MAX_MULTIPLIER),
    }),
  )
  const daily = input.run(demand, scripts).map((d) => dailyServiceLevel(d, options.sla))
  return { multiplier, serviceLevel: mean(daily), daily }
}

/**
 * Capacity at SLA by galloping from `start` along the grid until the SLA changes, then bisection
 * (a monotone service level in k is assumed; the evaluated points are returned to check it).
 */
export function capacityAtSla(
  scenario: Scenario,
  input: { run: PolicyRunner; options: CapacityOptions },
): CapacityResult {
  const { run, options } = input
  const sla = options.sla ?? DEFAULT_SLA
  const step = options.step ?? GRID_STEP
  const top = Math.floor((options.maxMultiplier ?? DEFAULT_MAX_MULTIPLIER) / step + 1e-9)
  const window = options.window ?? 1
  const ceiling = roundToGrid(top * step)
  const points = new Map<number, CapacityPoint>()
  const evaluate = (i: number): CapacityPoint => {
    const known = points.get(i)
    if (known) return known
    const point = serviceLevelAt(scenario, {
      run,
      options: { ...options, maxMultiplier: ceiling },
      multiplier: roundToGrid(i * step),
    })
    points.set(i, point)
    return point
  }
  const passes = (i: number) => evaluate(i).serviceLevel >= sla.share

  const first = Math.min(top, Math.max(1, Math.round((options.start ?? 1) / step)))
  let lo: number // passes
  let hi: number // fails
  let saturated = false
  let found = true
  if (passes(first)) {
    lo = first
    let stride = 1
    hi = Math.min(top, lo + stride)
    while (hi > lo && passes(hi)) {
      lo = hi
      stride *= 2
      hi = Math.min(top, lo + stride)
    }
    if (hi === lo) saturated = true
  } else {
    hi = first
    let stride = 1
    lo = Math.max(1, hi - stride)
    while (lo < hi && !passes(lo)) {
      hi = lo
      stride *= 2
      lo = Math.max(1, hi - stride)
    }
    if (lo === hi) found = false
  }
  if (found && !saturated)
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2)
      if (passes(mid)) lo = mid
      else hi = mid
    }
  // The neighbours beyond the crossing, for the bootstrap interval.
  if (found)
    for (let w = 1; w <= window; w++) {
      if (lo - w >= 1) evaluate(lo - w)
      if (!saturated && hi + w <= top) evaluate(hi + w)
    }
  return {
    multiplier: found ? roundToGrid(lo * step) : null,
    saturated,
    points: [...points.values()].sort((a, b) => a.multiplier - b.multiplier),
    sla,
  }
}

/**
 * Capacity read off the evaluated points with days reweighted (`weights[d]` = how often day d is
 * drawn): the last point before the first failing one, scanning up. Outside the evaluated points
 * it is clipped: one grid step below the lowest (if that fails) or the highest (if all pass).
 */
function capacityOf(
  result: CapacityResult,
  input: { weights: readonly number[]; step: number },
): { multiplier: number; clipped: boolean } {
  let last: number | null = null
  for (const p of result.points) {
    let sum = 0
    let n = 0
    p.daily.forEach((v, d) => {
      sum += v * (input.weights[d] ?? 0)
      n += input.weights[d] ?? 0
    })
    if (sum / n < result.sla.share)
      return last === null
        ? { multiplier: p.multiplier - input.step, clipped: true }
        : { multiplier: last, clipped: false }
    last = p.multiplier
  }
  return { multiplier: last ?? 0, clipped: !result.saturated }
}

export interface CapacityInterval extends Interval {
  /** Share of bootstrap resamples whose crossing fell outside the evaluated points. */
  readonly clipped: number
}

/**
 * Capacity ratio a/b (e.g. engine / best dedicated) with a paired percentile bootstrap interval:
 * whole days are resampled, the same days for both policies. The interval only sees the evaluated
 * grid points (`clipped` says how often a resample's crossing fell outside them).
 */
export function capacityRatio(
  a: CapacityResult,
  b: CapacityResult,
  options: { resamples?: number; seed?: number; step?: number } = {},
): CapacityInterval | null {
  if (a.multiplier === null || b.multiplier === null) return null
  const days = a.points[0]?.daily.length ?? 0
  if (days !== (b.points[0]?.daily.length ?? -1)) throw new RangeError('unpaired capacity results')
  const estimate = a.multiplier / b.multiplier
  if (days < 2) return { estimate, low: Number.NaN, high: Number.NaN, clipped: 0 }
  const resamples = options.resamples ?? 1000
  const step = options.step ?? GRID_STEP
  const rng = streamFor(['capacity-bootstrap', options.seed ?? 1, days])
  const ratios: number[] = []
  let clipped = 0
  for (let r = 0; r < resamples; r++) {
    const weights = Array.from({ length: days }, () => 0)
    for (let d = 0; d < days; d++) {
      const pick = Math.floor(rng.next() * days)
      weights[pick] = (weights[pick] ?? 0) + 1
    }
    const x = capacityOf(a, { weights, step })
    const y = capacityOf(b, { weights, step })
    if (x.clipped || y.clipped) clipped++
    if (y.multiplier > 0) ratios.push(x.multiplier / y.multiplier)
  }
  ratios.sort((p, q) => p - q)
  const at = (q: number) =>
    ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))] ?? Number.NaN
  return { estimate, low: at(0.025), high: at(0.975), clipped: clipped / resamples }
}

export interface StaffingOptions {
  readonly seed: number
  readonly replications: readonly number[]
  readonly sla?: SlaTarget
  /**
   * Whether roles matter to the policy (the engine: skills). Policies with universal operators
   * (B0, B1, B2, L1, L2) only see a headcount, so one candidate per step is enough: the largest
   * staff group.
   */
  readonly byRole?: boolean
  /** At most this many operators added when the SLA fails with the scenario's staff. */
  readonly maxAdded?: number
  /** Fewest operators the policy can run with (B2: one per service group; default 1). */
  readonly minStaff?: number
  /**
   * Draw the days as `capacityAtSla` does with this `maxMultiplier` (nested demand), so that
   * staffing and capacity are judged on the same days: the staff as given meets the SLA exactly
   * when the capacity is at least 1.
   */
  readonly nestedUpTo?: number
  /**
   * Screening (saves time on the engine): a removal is first simulated on the first `days` days
   * only, and dropped without the full run if its service level there is more than `margin`
   * below the target (the days are paired, so this rarely drops a removal the full run keeps).
   */
  readonly screen?: { readonly days: number; readonly margin: number }
}

export interface StaffingStep {
  /** `-operator`, `+credit`: the change made. */
  readonly change: string
  readonly serviceLevel: number
  readonly operatorHours: number
}

export interface StaffingResult {
  readonly staff: Scenario['staff']
  /** Paid operator-hours per day of the final staff (shift lengths). */
  readonly operatorHours: number
  readonly serviceLevel: number
  /** The SLA holds with the final staff (false: even the added staff were not enough). */
  readonly meets: boolean
  /** The starting point, then each accepted change. */
  readonly steps: readonly StaffingStep[]
  readonly sla: SlaTarget
}

/** Paid operator-hours per day (shift lengths, breaks included). */
export function operatorHoursOf(scenario: Scenario): number {
  return scriptedOperators(scenario).reduce(
    (h, o) => h + (o.shiftEndMs - o.shiftStartMs) / 3_600_000,
    0,
  )
}

/**
 * Operator-hours needed to meet the SLA at the scenario's demand, by greedy removal (or addition)
 * of one operator at a time. The customers are those of the scenario as given, whatever the staff
 * (demand does not follow headcount), so every staffing sees the same days.
 */
export function operatorHoursNeeded(
  scenario: Scenario,
  input: { run: PolicyRunner; options: StaffingOptions },
): StaffingResult {
  const { run, options } = input
  const sla = options.sla ?? DEFAULT_SLA
  const byRole = options.byRole ?? true
  const base = options.replications.map((replication) =>
    generateDay(scenario, {
      seed: options.seed,
      replication,
      ...(options.nestedUpTo === undefined
        ? {}
        : { nestedUpTo: scenario.arrivals.demandMultiplier * options.nestedUpTo }),
    }),
  )
  const cache = new Map<string, number>()
  const serviceLevel = (staff: Scenario['staff'], days = base.length): number => {
    const key = `${staff.map((m) => m.count).join('/')}:${days}`
    const known = cache.get(key)
    if (known !== undefined) return known
    const variant: Scenario = { ...scenario, staff }
    const operators = scriptedOperators(variant)
    const scripts = base.slice(0, days).map((s) => ({ ...s, operators }))
    const level = mean(run(variant, scripts).map((d) => dailyServiceLevel(d, sla)))
    cache.set(key, level)
    return level
  }
  const screen = options.screen
  const screenedOut = (staff: Scenario['staff']): boolean =>
    screen !== undefined &&
    screen.days < base.length &&
    serviceLevel(staff, screen.days) < sla.share - screen.margin
  const hours = (staff: Scenario['staff']) => operatorHoursOf({ ...scenario, staff })
  const change = (staff: Scenario['staff'], input: { entry: number; delta: number }) =>
    staff.map((m, i) => (i === input.entry ? { ...m, count: m.count + input.delta } : m))
  const candidates = (staff: Scenario['staff'], delta: number): number[] => {
    const open = staff.map((_m, i) => i).filter((i) => (staff[i]?.count ?? 0) + delta >= 0)
    if (byRole || open.length === 0) return open
    const largest = open.reduce((best, i) =>
      (staff[i]?.count ?? 0) > (staff[best]?.count ?? 0) ? i : best,
    )
    return [largest]
  }
  const label = (staff: Scenario['staff'], input: { entry: number; delta: number }) =>
    `${input.delta > 0 ? '+' : '-'}${byRole ? (staff[input.entry]?.role ?? '?') : '1'}`

  let staff = scenario.staff
  let level = serviceLevel(staff)
  const steps: StaffingStep[] = [
    { change: 'as given', serviceLevel: level, operatorHours: hours(staff) },
  ]
  /** The best single change by service level, among those `accept` allows. */
  const bestChange = (delta: number, accept: (level: number) => boolean) => {
    let best: { staff: Scenario['staff']; level: number; entry: number } | null = null
    for (const entry of candidates(staff, delta)) {
      const next = change(staff, { entry, delta })
      if (next.reduce((n, m) => n + m.count, 0) < Math.max(1, options.minStaff ?? 1)) continue
      if (delta < 0 && screenedOut(next)) continue
      const l = serviceLevel(next)
      if (accept(l) && (best === null || l > best.level)) best = { staff: next, level: l, entry }
    }
    return best
  }
  const maxAdded = options.maxAdded ?? scenario.staff.reduce((n, m) => n + m.count, 0)
  for (let added = 0; level < sla.share && added < maxAdded; added++) {
    const best = bestChange(+1, () => true)
    if (!best) break
    steps.push({
      change: label(staff, { entry: best.entry, delta: +1 }),
      serviceLevel: best.level,
      operatorHours: hours(best.staff),
    })
    staff = best.staff
    level = best.level
  }
  if (level >= sla.share)
    for (;;) {
      const best = bestChange(-1, (l) => l >= sla.share)
      if (!best) break
      steps.push({
        change: label(staff, { entry: best.entry, delta: -1 }),
        serviceLevel: best.level,
        operatorHours: hours(best.staff),
      })
      staff = best.staff
      level = best.level
    }
  return {
    staff,
    operatorHours: hours(staff),
    serviceLevel: level,
    meets: level >= sla.share,
    steps,
    sla,
  }
}
