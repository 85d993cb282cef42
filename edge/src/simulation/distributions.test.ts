import { describe, expect, it } from 'vitest'
import { exponential, gamma, lognormal, pickWeighted, poissonProcess } from './distributions.js'
import { streamFor } from './random.js'

const moments = (xs: readonly number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - mean) ** 2, 0) / (xs.length - 1))
  return { mean, cv: sd / mean }
}

describe(lognormal.name, () => {
  it('has the requested mean and coefficient of variation', () => {
    const rng = streamFor(['lognormal'])
    const m = moments(Array.from({ length: 100_000 }, () => lognormal(rng, { mean: 9, cv: 0.6 })))
    expect(m.mean).toBeCloseTo(9, 0)
    expect(Math.abs(m.cv - 0.6)).toBeLessThan(0.02)
  })
})

describe(exponential.name, () => {
  it('has cv 1', () => {
    const rng = streamFor(['exponential'])
    const m = moments(Array.from({ length: 100_000 }, () => exponential(rng, 4)))
    expect(Math.abs(m.mean - 4)).toBeLessThan(0.05)
    expect(Math.abs(m.cv - 1)).toBeLessThan(0.02)
  })
})

describe(gamma.name, () => {
  it('has the requested mean and cv', () => {
    const rng = streamFor(['gamma'])
    const m = moments(Array.from({ length: 50_000 }, () => gamma(rng, { mean: 1, cv: 0.1 })))
    expect(m.mean).toBeCloseTo(1, 2)
    expect(Math.abs(m.cv - 0.1)).toBeLessThan(0.005)
  })
})

describe(pickWeighted.name, () => {
  it('picks indices in proportion to the weights', () => {
    const rng = streamFor(['pick'])
    const counts = [0, 0, 0]
    for (let i = 0; i < 30_000; i++) counts[pickWeighted(rng, [1, 0, 3])]!++
    expect(counts[1]).toBe(0)
    expect(counts[2]! / 30_000).toBeCloseTo(0.75, 1)
  })
})

describe(poissonProcess.name, () => {
  it('produces on average the integral of the rate, in order, within the window', () => {
    const rng = streamFor(['nhpp'])
    const rate = (t: number) => (t < 60 ? 0.5 : 1.5)
    let total = 0
    for (let r = 0; r < 200; r++) {
      const times = poissonProcess(rng, { rate, maxRate: 1.5, from: 0, to: 120 })
      expect(times).toEqual([...times].sort((a, b) => a - b))
      expect(times.every((t) => t >= 0 && t < 120)).toBe(true)
      total += times.length
    }
    expect(total / 200).toBeGreaterThan(117)
    expect(total / 200).toBeLessThan(123) // 30 + 90
  })
})
