import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { parseScenario } from './scenario.js'
import { dateOf, generateDay, localMidnight } from './script.js'

const loadStandardScenario = (id: string) =>
  parseScenario(
    JSON.parse(
      readFileSync(
        path.resolve(import.meta.dirname, `../../../scripts/sim/scenarios/${id}.json`),
        'utf8',
      ),
    ),
  )

describe(generateDay.name, () => {
  const scenario = loadStandardScenario('M-busy')

  it('is a pure function of (scenario, seed, replication)', () => {
    expect(generateDay(scenario, { seed: 1, replication: 3 })).toEqual(
      generateDay(scenario, { seed: 1, replication: 3 }),
    )
    expect(generateDay(scenario, { seed: 1, replication: 4 }).customers).not.toEqual(
      generateDay(scenario, { seed: 1, replication: 3 }).customers,
    )
  })

  it("keeps a customer's attributes when other customers change (per-entity substreams)", () => {
    const busier = { ...scenario, workMultiplier: 1.2 }
    const a = generateDay(scenario, { seed: 1, replication: 1 }).customers
    const b = generateDay(busier, { seed: 1, replication: 1 }).customers
    expect(b.map((c) => c.arrival)).toEqual(a.map((c) => c.arrival))
    expect(b.map((c) => c.serviceId)).toEqual(a.map((c) => c.serviceId))
    expect(b[10]!.work / a[10]!.work).toBeCloseTo(1.2, 3)
  })

  it('draws arrivals inside opening hours, in order, with the configured mix', () => {
    const days = [1, 2, 3, 4, 5, 6].map((replication) =>
      generateDay(scenario, { seed: 2, replication }),
    )
    const customers = days.flatMap((d) => d.customers)
    for (const d of days) {
      expect(d.customers.every((c) => c.arrival >= d.open && c.arrival < d.close)).toBe(true)
      expect(d.customers.map((c) => c.arrival)).toEqual(
        d.customers.map((c) => c.arrival).sort((x, y) => x - y),
      )
    }
    expect(customers.length / 6).toBeGreaterThan(330)
    expect(customers.length / 6).toBeLessThan(400)
    const cash = customers.filter((c) => c.serviceId === 'cash').length / customers.length
    expect(cash).toBeGreaterThan(0.26)
    expect(cash).toBeLessThan(0.34)
    expect(customers.filter((c) => c.isGhost).length / customers.length).toBeCloseTo(0.05, 1)
  })

  it('staggers the lunch breaks in 30-minute slots from 14:00', () => {
    const { operators } = generateDay(scenario, { seed: 1, replication: 1 })
    expect(operators.map((o) => o.breaks[0]!.start / 60_000 / 60)).toEqual([
      14, 14.5, 15, 15.5, 16, 16.5, 14, 14.5,
    ])
  })
})

describe(dateOf.name, () => {
  it('skips Sundays', () => {
    // 2026-11-24 is a Tuesday; the 6th working day after it is Monday 2026-11-30.
    expect([1, 2, 5, 6].map((r) => dateOf('2026-11-24', r))).toEqual([
      '2026-11-24',
      '2026-11-25',
      '2026-11-28',
      '2026-11-30',
    ])
  })
})

describe(localMidnight.name, () => {
  it('is 19:00 UTC of the previous day in Almaty (UTC+5)', () => {
    expect(new Date(localMidnight('2026-11-24', 'Asia/Almaty')).toISOString()).toBe(
      '2026-11-23T19:00:00.000Z',
    )
  })
})

describe('calendar demand', () => {
  it('multiplies the weekday, payday and busyness factors of each date', () => {
    const base = loadStandardScenario('M-normal')
    const scenario = {
      ...base,
      arrivals: {
        ...base.arrivals,
        calendar: true,
        weekdayFactors: { mon: 1.15, sat: 0.85 },
        paydayFactor: 1.25,
        paydayDays: [25],
        busynessCv: 0,
      },
    }
    // 2026-11-24 (Tue) + working days: r = 2 → Wed 25th (payday), r = 5 → Sat 28th, r = 6 → Mon 30th
    const factor = (replication: number) =>
      generateDay(scenario, { seed: 1, replication }).dayFactor
    expect([1, 2, 5, 6].map(factor)).toEqual([1, 1.25, 0.85, 1.15])
    const noisy = { ...scenario, arrivals: { ...scenario.arrivals, busynessCv: 0.1 } }
    const factors = Array.from({ length: 200 }, (_x, r) =>
      generateDay(noisy, { seed: 1, replication: 7 + 6 * r }),
    )
      .filter((d) => d.weekday === 'tue' && d.date.slice(8) !== '25')
      .map((d) => d.dayFactor)
    const mean = factors.reduce((a, b) => a + b, 0) / factors.length
    expect(factors.length).toBeGreaterThan(100)
    expect(mean).toBeGreaterThan(0.97)
    expect(mean).toBeLessThan(1.03)
  })
})
