import type { Rng } from './random.js'

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
  const { rate, maxRate, from, to } = options
  const times: number[] = []
  if (maxRate <= 0) return times
  let t = from
  for (;;) {
    t += exponential(rng, 1 / maxRate)
    if (t >= to) return times
    const r = rate(t)
    if (r > maxRate * (1 + 1e-9)) throw new RangeError(`rate ${r} above maxRate ${maxRate}`)
    if (rng.next() * maxRate < r) times.push(t)
  }
}
