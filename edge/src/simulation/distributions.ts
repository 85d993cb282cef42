import type { Rng } from './random.js'
import { normalQuantile } from './statistics.js'

/** Random variates from a seeded `Rng`; each function consumes a fixed number of draws. */

export function exponential(rng: Rng, mean: number): number {
  return -mean * Math.log(rng.nextOpen())
}

/** Standard normal by Box–Muller (two draws, the second variate is discarded on purpose so
 * every call consumes exactly two numbers). */
export function standardNormal(rng: Rng): number {
  const u1 = rng.nextOpen()
  const u2 = rng.next()
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2)
}

/** Lognormal with the given mean and coefficient of variation (cv = 0 gives the mean). */
export function lognormal(rng: Rng, options: { mean: number; cv: number }): number {
  const z = standardNormal(rng)
  if (options.cv === 0) return options.mean
  const sigma2 = Math.log(1 + options.cv * options.cv)
  const mu = Math.log(options.mean) - sigma2 / 2
  return Math.exp(mu + Math.sqrt(sigma2) * z)
}

/** Gamma with the given mean and cv (Marsaglia–Tsang; shape ≥ 1 only, i.e. cv ≤ 1). */
export function gamma(rng: Rng, options: { mean: number; cv: number }): number {
  if (options.cv === 0) return options.mean
  const shape = 1 / (options.cv * options.cv)
  if (shape < 1) throw new RangeError('gamma: cv above 1 is not supported')
  const d = shape - 1 / 3
  const c = 1 / Math.sqrt(9 * d)
  for (;;) {
    const x = standardNormal(rng)
    const v = (1 + c * x) ** 3
    if (v <= 0) continue
    const u = rng.nextOpen()
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v))
      return (d * v * options.mean) / shape
  }
}

/** Index drawn with the given (not necessarily normalised) weights. */
export function pickWeighted(rng: Rng, weights: readonly number[]): number {
  const total = weights.reduce((s, w) => s + w, 0)
  let u = rng.next() * total
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i] ?? 0
    if (u < 0) return i
  }
  // Rounding left u at 0: the last index with a positive weight.
  for (let i = weights.length - 1; i >= 0; i--) if ((weights[i] ?? 0) > 0) return i
  throw new RangeError('pickWeighted: all weights are zero')
}

/**
 * Non-homogeneous Poisson process on [from, to) by thinning (Lewis & Shedler): candidates at the
 * constant rate `maxRate`, each kept with probability rate(t) / maxRate.
 */
export function poissonProcess(
  rng: Rng,
  options: { rate: (t: number) => number; maxRate: number; from: number; to: number },
): number[] {
  return thinnedPoisson(rng, options).map((a) => a.time)
}

/**
 * `poissonProcess` that also returns each kept time's candidate number (0, 1, … over all
 * candidates). The candidates depend only on `rng` and `maxRate`, and a candidate is kept when
 * u · maxRate < rate(t): with a fixed `maxRate`, a higher rate keeps a superset of the times, with
 * the same candidate numbers (nested demand levels under common random numbers).
 */
export function thinnedPoisson(
  rng: Rng,
  options: { rate: (t: number) => number; maxRate: number; from: number; to: number },
): { time: number; candidate: number }[] {
  const { rate, maxRate, from, to } = options
  const kept: { time: number; candidate: number }[] = []
  if (maxRate <= 0) return kept
  let t = from
  for (let candidate = 0; ; candidate++) {
    t += exponential(rng, 1 / maxRate)
    if (t >= to) return kept
    const r = rate(t)
    if (r > maxRate * (1 + 1e-9)) throw new RangeError(`rate ${r} above maxRate ${maxRate}`)
    if (rng.next() * maxRate < r) kept.push({ time: t, candidate })
  }
}

/** Standard normal CDF (Zelen & Severo 26.2.17, absolute error < 7.5e-8). */
export function normalCdf(z: number): number {
  if (z < 0) return 1 - normalCdf(-z)
  const t = 1 / (1 + 0.2316419 * z)
  const poly =
    t * (0.31938153 + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))))
  return 1 - (Math.exp((-z * z) / 2) / Math.sqrt(2 * Math.PI)) * poly
}

/**
 * A draw from the distribution of X given X > `above` (the remaining-work and remaining-patience
 * draws of the clairvoyant floor): lognormal by inversion on the upper tail, exponential by
 * memorylessness. One or two draws from `rng`.
 */
export function drawAbove(
  rng: Rng,
  input: { distribution: 'lognormal' | 'exponential'; mean: number; cv: number; above: number },
): number {
  const { mean, above } = input
  if (input.distribution === 'exponential') return Math.max(0, above) + exponential(rng, mean)
  if (input.cv === 0) return Math.max(mean, above)
  const sigma2 = Math.log(1 + input.cv * input.cv)
  const sigma = Math.sqrt(sigma2)
  const mu = Math.log(mean) - sigma2 / 2
  const lower = above > 0 ? normalCdf((Math.log(above) - mu) / sigma) : 0
  if (lower > 1 - 1e-9) return above * (1 + 1e-6 * rng.nextOpen())
  const u = lower + (1 - lower) * rng.nextOpen()
  return Math.max(above, Math.exp(mu + sigma * normalQuantile(Math.min(u, 1 - 1e-15))))
}
