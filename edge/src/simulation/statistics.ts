import { streamFor } from './random.js'

/** Confidence intervals for replicated runs (design/queueing.md §5.5). */

export interface Interval {
  readonly estimate: number
  readonly low: number
  readonly high: number
}

export const mean = (xs: readonly number[]): number =>
  xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length

export function sampleVariance(xs: readonly number[]): number {
  if (xs.length < 2) return Number.NaN
  const m = mean(xs)
  return xs.reduce((s, x) => s + (x - m) * (x - m), 0) / (xs.length - 1)
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0 || p >= 1) throw new RangeError('p must be in (0, 1)')
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ]
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
    -13.28068155288572,
  ]
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
    4.374664141464968, 2.938163982698783,
  ]
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416]
  const [a0, a1, a2, a3, a4, a5] = a as [number, number, number, number, number, number]
  const [b0, b1, b2, b3, b4] = b as [number, number, number, number, number]
  const [c0, c1, c2, c3, c4, c5] = c as [number, number, number, number, number, number]
  const [d0, d1, d2, d3] = d as [number, number, number, number]
  const low = 0.02425
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p))
    return (
      (((((c0 * q + c1) * q + c2) * q + c3) * q + c4) * q + c5) /
      ((((d0 * q + d1) * q + d2) * q + d3) * q + 1)
    )
  }
  if (p > 1 - low) return -normalQuantile(1 - p)
  const q = p - 0.5
  const r = q * q
  return (
    ((((((a0 * r + a1) * r + a2) * r + a3) * r + a4) * r + a5) * q) /
    (((((b0 * r + b1) * r + b2) * r + b3) * r + b4) * r + 1)
  )
}

/** Student-t quantile by the Cornish–Fisher expansion (good to ~1e-3 for df ≥ 3). */
export function tQuantile(p: number, df: number): number {
  const z = normalQuantile(p)
  const z3 = z ** 3
  const z5 = z ** 5
  const z7 = z ** 7
  return (
    z +
    (z3 + z) / (4 * df) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * df * df) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * df ** 3)
  )
}

/** Mean with a two-sided t confidence interval. */
export function meanInterval(xs: readonly number[], confidence = 0.95): Interval {
  const m = mean(xs)
  if (xs.length < 2) return { estimate: m, low: Number.NaN, high: Number.NaN }
  const half =
    tQuantile(1 - (1 - confidence) / 2, xs.length - 1) * Math.sqrt(sampleVariance(xs) / xs.length)
  return { estimate: m, low: m - half, high: m + half }
}

/** Paired difference mean(x − y) with a t interval (common random numbers: same day, two policies). */
export function pairedDifference(
  x: readonly number[],
  y: readonly number[],
  confidence = 0.95,
): Interval {
  if (x.length !== y.length) throw new RangeError('paired samples must have the same length')
  return meanInterval(
    x.map((v, i) => v - (y[i] ?? Number.NaN)),
    confidence,
  )
}

/** One replication's total and count of a metric (e.g. sum of waits and served tickets). */
export interface DayTotal {
  readonly sum: number
  readonly count: number
}

const ratioOf = (x: readonly DayTotal[], y: readonly DayTotal[], pick: (i: number) => number) => {
  let sx = 0
  let nx = 0
  let sy = 0
  let ny = 0
  for (let k = 0; k < x.length; k++) {
    const i = pick(k)
    sx += x[i]?.sum ?? 0
    nx += x[i]?.count ?? 0
    sy += y[i]?.sum ?? 0
    ny += y[i]?.count ?? 0
  }
  return sx / nx / (sy / ny)
}

/**
 * Ratio of pooled means (Σsum/Σcount of x over that of y) with a percentile bootstrap interval
 * that keeps the pairing: whole days are resampled, each with both policies' results (common
 * random numbers). Seeded, so the same inputs give the same interval.
 */
export function pairedRatio(
  x: readonly DayTotal[],
  y: readonly DayTotal[],
  options: { resamples?: number; confidence?: number; seed?: number } = {},
): Interval {
  if (x.length !== y.length) throw new RangeError('paired samples must have the same length')
  const n = x.length
  const estimate = ratioOf(x, y, (k) => k)
  if (n < 2) return { estimate, low: Number.NaN, high: Number.NaN }
  const resamples = options.resamples ?? 2000
  const confidence = options.confidence ?? 0.95
  const rng = streamFor(['bootstrap', options.seed ?? 1, n])
  const ratios: number[] = []
  for (let b = 0; b < resamples; b++) ratios.push(ratioOf(x, y, () => Math.floor(rng.next() * n)))
  ratios.sort((a, b) => a - b)
  const at = (q: number) =>
    ratios[Math.min(resamples - 1, Math.max(0, Math.floor(q * resamples)))] ?? Number.NaN
  return { estimate, low: at((1 - confidence) / 2), high: at(1 - (1 - confidence) / 2) }
}
