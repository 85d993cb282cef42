import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { distanceKm, rankAlternatives, travelMinutes } from './geo.js'

const ALMATY_CENTRE = { lat: 43.2389, lon: 76.8897 }
const ASTANA = { lat: 51.1694, lon: 71.4491 }

describe(distanceKm.name, () => {
  it('measures Almaty to Astana as about 970 km', () => {
    expect(distanceKm(ALMATY_CENTRE, ASTANA)).toBeCloseTo(971, -1)
  })

  it('is zero for the same point and symmetric', () => {
    expect(distanceKm(ASTANA, ASTANA)).toBe(0)
    expect(distanceKm(ASTANA, ALMATY_CENTRE)).toBeCloseTo(distanceKm(ALMATY_CENTRE, ASTANA), 9)
  })

  it('stays finite for antipodal points (half the circumference)', () => {
    expect(distanceKm({ lat: 0, lon: 0 }, { lat: 0, lon: 180 })).toBeCloseTo(20015.1, 0)
  })

  // Within 1 m: haversine loses a few centimetres near antipodal points (asin of ~1).
  it('obeys the triangle inequality', () => {
    const point = fc.record({
      lat: fc.double({ min: -90, max: 90, noNaN: true }),
      lon: fc.double({ min: -180, max: 180, noNaN: true }),
    })
    fc.assert(
      fc.property(point, point, point, (a, b, c) => {
        expect(distanceKm(a, c)).toBeLessThanOrEqual(distanceKm(a, b) + distanceKm(b, c) + 1e-3)
      }),
    )
  })
})

describe(rankAlternatives.name, () => {
  // ~0.009° latitude ≈ 1 km.
  const branch = (id: string, kmNorth: number, expectedWaitMinutes: number | null) => ({
    id,
    name: `Branch ${id}`,
    location: { lat: ALMATY_CENTRE.lat + kmNorth / 111.2, lon: ALMATY_CENTRE.lon },
    expectedWaitMinutes,
  })

  it('prefers a farther branch with a short wait over a near branch with a long wait', () => {
    const ranked = rankAlternatives({
      origin: ALMATY_CENTRE,
      candidates: [branch('near-busy', 0.5, 45), branch('far-quiet', 3, 5)],
      limit: 5,
    })
    // far-quiet: 5 + 3 km × 3.9 min ≈ 16.7 min; near-busy: 45 + 1.95 ≈ 47 min.
    expect(ranked.map((b) => b.id)).toEqual(['far-quiet', 'near-busy'])
    expect(ranked[0]?.distanceKm).toBeCloseTo(3, 1)
    expect(ranked[0]?.name).toBe('Branch far-quiet') // candidates keep their own fields
  })

  it('puts branches with unknown waits last, nearest first', () => {
    const ranked = rankAlternatives({
      origin: ALMATY_CENTRE,
      candidates: [
        branch('unknown-far', 9, null),
        branch('slow', 20, 120),
        branch('unknown-near', 1, null),
      ],
      limit: 5,
    })
    expect(ranked.map((b) => b.id)).toEqual(['slow', 'unknown-near', 'unknown-far'])
  })

  it('breaks equal costs by distance, then by id', () => {
    const ranked = rankAlternatives({
      origin: ALMATY_CENTRE,
      candidates: [
        branch('b', 1, 10),
        branch('a', 1, 10),
        branch('c', 0, 10 + travelMinutes(distanceKm(ALMATY_CENTRE, branch('a', 1, 10).location))),
      ],
      limit: 5,
    })
    expect(ranked.map((b) => b.id)).toEqual(['c', 'a', 'b'])
  })

  it('returns at most limit branches and none for a non-positive limit', () => {
    const candidates = [branch('a', 1, 1), branch('b', 2, 2), branch('c', 3, 3)]
    expect(
      rankAlternatives({ origin: ALMATY_CENTRE, candidates, limit: 2 }).map((b) => b.id),
    ).toEqual(['a', 'b'])
    expect(rankAlternatives({ origin: ALMATY_CENTRE, candidates, limit: 0 })).toEqual([])
    expect(rankAlternatives({ origin: ALMATY_CENTRE, candidates, limit: -1 })).toEqual([])
  })
})
