import { describe, expect, it } from 'vitest'
import {
  meanInterval,
  normalQuantile,
  pairedDifference,
  pairedRatio,
  tQuantile,
} from './statistics.js'

describe(tQuantile.name, () => {
  it('matches tables', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5)
    expect(tQuantile(0.975, 29)).toBeCloseTo(2.0452, 3)
    expect(tQuantile(0.975, 9)).toBeCloseTo(2.2622, 2)
    expect(tQuantile(0.995, 39)).toBeCloseTo(2.7079, 2)
  })
})

describe(meanInterval.name, () => {
  it('centres the interval on the mean', () => {
    const i = meanInterval([1, 2, 3, 4, 5])
    expect(i.estimate).toBe(3)
    expect(i.high - i.estimate).toBeCloseTo(i.estimate - i.low, 12)
  })
})

describe(pairedDifference.name, () => {
  it('removes the day-to-day noise shared by both policies', () => {
    const days = [1, 5, 2, 8, 3, 9, 4]
    const x = days.map((d) => d + 1)
    const i = pairedDifference(x, days)
    expect(i.estimate).toBe(1)
    expect(i.high - i.low).toBeCloseTo(0, 12)
  })
})

describe(pairedRatio.name, () => {
  it('is deterministic and brackets the ratio of pooled means', () => {
    const x = [2, 3, 4, 5, 6, 7].map((v, i) => ({ sum: v * (10 + i), count: 10 + i }))
    const y = [4, 5, 7, 9, 11, 15].map((v, i) => ({ sum: v * (10 + i), count: 10 + i }))
    const a = pairedRatio(x, y)
    expect(pairedRatio(x, y)).toEqual(a)
    const pooled = x.reduce((s, d) => s + d.sum, 0) / y.reduce((s, d) => s + d.sum, 0)
    expect(a.estimate).toBeCloseTo(pooled, 12)
    expect(a.low).toBeLessThanOrEqual(a.estimate)
    expect(a.high).toBeGreaterThanOrEqual(a.estimate)
  })
})
