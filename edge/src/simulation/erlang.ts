/**
 * Exact queueing formulas used to validate the simulator (design/queueing.md §1.2, §1.3, §1.7).
 * Rates are per the same time unit (e.g. per minute); waits come out in that unit.
 */

/** Erlang B by the stable recursion B₀ = 1, B_k = a·B_{k−1} / (k + a·B_{k−1}). */
export function erlangB(servers: number, offeredLoad: number): number {
  let b = 1
  for (let k = 1; k <= servers; k++) b = (offeredLoad * b) / (k + offeredLoad * b)
  return b
}

export interface ErlangC {
  /** P(wait > 0). */
  readonly pWait: number
  readonly meanWait: number
  readonly meanQueue: number
}

/** M/M/c FCFS: C = B / (1 − ρ(1 − B)), E[Wq] = C / (cμ − λ). */
export function erlangC(input: {
  arrivalRate: number
  serviceRate: number
  servers: number
}): ErlangC {
  const { arrivalRate: lambda, serviceRate: mu, servers: c } = input
  const a = lambda / mu
  const rho = a / c
  if (rho >= 1) return { pWait: 1, meanWait: Infinity, meanQueue: Infinity }
  const b = erlangB(c, a)
  const pWait = b / (1 - rho * (1 - b))
  const meanWait = pWait / (c * mu - lambda)
  return { pWait, meanWait, meanQueue: lambda * meanWait }
}

export interface ErlangA {
  readonly pWait: number
  readonly pAbandon: number
  /** Mean time in queue over all arrivals (abandoners until they leave). */
  readonly meanWait: number
  readonly meanQueue: number
}

/**
 * M/M/c+M (Erlang A), exactly, from the birth–death chain with birth rate λ and death rate
 * min(k, c)·μ + max(k − c, 0)·θ, truncated where the stationary probabilities are negligible.
 */
export function erlangA(input: {
  arrivalRate: number
  serviceRate: number
  servers: number
  abandonmentRate: number
}): ErlangA {
  const { arrivalRate: lambda, serviceRate: mu, servers: c, abandonmentRate: theta } = input
  const weights = [1]
  let w = 1
  for (let k = 1; k < 100_000; k++) {
    w *= lambda / (Math.min(k, c) * mu + Math.max(k - c, 0) * theta)
    weights.push(w)
    if (k > c && w < 1e-16 * weights.reduce((s, x) => s + x, 0)) break
  }
  const total = weights.reduce((s, x) => s + x, 0)
  let pWait = 0
  let meanQueue = 0
  weights.forEach((x, k) => {
    const p = x / total
    if (k >= c) pWait += p
    meanQueue += Math.max(k - c, 0) * p
  })
  const meanWait = meanQueue / lambda
  return { pWait, pAbandon: theta * meanWait, meanWait, meanQueue }
}

/**
 * Non-preemptive priorities in M/M/c with equal service rates (Cobham 1954; Davis 1966; Larson
 * §4.9.3): W_k = W₀ / ((1 − σ_{k−1})(1 − σ_k)), W₀ = C(c, a) / (cμ), σ_k = Σ_{i≤k} λ_i / (cμ).
 * Classes in priority order, highest first.
 */
export function priorityWaits(input: {
  arrivalRates: readonly number[]
  serviceRate: number
  servers: number
}): number[] {
  const { arrivalRates, serviceRate: mu, servers: c } = input
  const lambda = arrivalRates.reduce((s, x) => s + x, 0)
  const { pWait } = erlangC({ arrivalRate: lambda, serviceRate: mu, servers: c })
  const w0 = pWait / (c * mu)
  let sigma = 0
  return arrivalRates.map((rate) => {
    const before = sigma
    sigma += rate / (c * mu)
    return w0 / ((1 - before) * (1 - sigma))
  })
}
