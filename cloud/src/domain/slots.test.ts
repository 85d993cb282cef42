import { isDomainError } from '@kqms/shared/errors'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { appointmentCapacity, classifyArrival, computeSlots, type SlotsInput } from './slots.js'
import { instantsOf, toWallTime } from './zoned-time.js'

const MINUTE = 60_000
const utc = (iso: string) => Date.parse(iso)

const slotsOf = (overrides: Partial<SlotsInput> = {}) =>
  computeSlots({
    date: '2026-03-12',
    timeZone: 'Asia/Almaty',
    hours: [{ open: '09:00', close: '18:00' }],
    slotMinutes: 30,
    capacity: 2,
    booked: new Map(),
    now: 0,
    leadMinutes: 0,
    ...overrides,
  })

/** Local `HH:MM` of each slot start, for readable DST assertions. */
const wallTimes = (starts: number[], timeZone: string) =>
  starts.map((s) => {
    const { minutes } = toWallTime(s, timeZone)
    return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
  })

describe(computeSlots.name, () => {
  it('cuts opening hours into back-to-back slots in the branch time zone', () => {
    const slots = slotsOf({ hours: [{ open: '09:00', close: '11:00' }] })
    // Almaty is UTC+5 since 2024-03-01.
    expect(slots.map((s) => new Date(s.startsAt).toISOString())).toEqual([
      '2026-03-12T04:00:00.000Z',
      '2026-03-12T04:30:00.000Z',
      '2026-03-12T05:00:00.000Z',
      '2026-03-12T05:30:00.000Z',
    ])
    expect(slots[0]).toEqual({
      startsAt: utc('2026-03-12T04:00Z'),
      endsAt: utc('2026-03-12T04:30Z'),
      capacity: 2,
      booked: 0,
      available: 2,
    })
  })

  it('drops a slot that would run past closing time', () => {
    const slots = slotsOf({ hours: [{ open: '09:00', close: '10:40' }], slotMinutes: 30 })
    expect(
      wallTimes(
        slots.map((s) => s.startsAt),
        'Asia/Almaty',
      ),
    ).toEqual(['09:00', '09:30', '10:00'])
  })

  it('keeps a lunch break between two opening ranges given in any order', () => {
    const slots = slotsOf({
      hours: [
        { open: '14:00', close: '15:00' },
        { open: '09:00', close: '10:00' },
      ],
      slotMinutes: 60,
    })
    expect(
      wallTimes(
        slots.map((s) => s.startsAt),
        'Asia/Almaty',
      ),
    ).toEqual(['09:00', '14:00'])
  })

  it('never offers overlapping slots when configured ranges overlap', () => {
    const slots = slotsOf({
      hours: [
        { open: '09:00', close: '11:00' },
        { open: '10:15', close: '12:00' },
      ],
      slotMinutes: 30,
    })
    expect(
      wallTimes(
        slots.map((s) => s.startsAt),
        'Asia/Almaty',
      ),
    ).toEqual(['09:00', '09:30', '10:00', '10:30', '11:15'])
  })

  it('accepts 24:00 as closing time at midnight', () => {
    const slots = slotsOf({ hours: [{ open: '23:00', close: '24:00' }], slotMinutes: 60 })
    expect(slots.map((s) => s.endsAt)).toEqual([utc('2026-03-12T19:00Z')])
  })

  it('skips the 02:00–03:00 wall times that do not exist on Berlin spring-forward day', () => {
    const slots = slotsOf({
      date: '2024-03-31',
      timeZone: 'Europe/Berlin',
      hours: [{ open: '01:00', close: '05:00' }],
    })
    const walls = wallTimes(
      slots.map((s) => s.startsAt),
      'Europe/Berlin',
    )
    expect(walls).toEqual(['01:00', '01:30', '03:00', '03:30', '04:00', '04:30'])
    expect(walls).not.toContain('02:30')
    expect(slots[1]?.endsAt).toBe(slots[2]?.startsAt) // 01:30 CET + 30 min = 03:00 CEST
  })

  it('offers the repeated hour twice with distinct instants on Berlin fall-back day', () => {
    const slots = slotsOf({
      date: '2024-10-27',
      timeZone: 'Europe/Berlin',
      hours: [{ open: '01:00', close: '04:00' }],
    })
    expect(
      wallTimes(
        slots.map((s) => s.startsAt),
        'Europe/Berlin',
      ),
    ).toEqual(['01:00', '01:30', '02:00', '02:30', '02:00', '02:30', '03:00', '03:30'])
    expect(new Set(slots.map((s) => s.startsAt)).size).toBe(slots.length)
    expect(slots[2]?.startsAt).toBe(utc('2024-10-27T00:00Z')) // 02:00 CEST
    expect(slots[4]?.startsAt).toBe(utc('2024-10-27T01:00Z')) // 02:00 CET
  })

  it('skips 02:30 on New York spring-forward day and repeats 01:xx on fall-back day', () => {
    const spring = slotsOf({
      date: '2024-03-10',
      timeZone: 'America/New_York',
      hours: [{ open: '01:00', close: '04:00' }],
    })
    expect(
      wallTimes(
        spring.map((s) => s.startsAt),
        'America/New_York',
      ),
    ).toEqual(['01:00', '01:30', '03:00', '03:30'])
    const fall = slotsOf({
      date: '2024-11-03',
      timeZone: 'America/New_York',
      hours: [{ open: '00:00', close: '03:00' }],
      slotMinutes: 60,
    })
    expect(fall.map((s) => new Date(s.startsAt).toISOString())).toEqual([
      '2024-11-03T04:00:00.000Z', // 00:00 EDT
      '2024-11-03T05:00:00.000Z', // 01:00 EDT
      '2024-11-03T06:00:00.000Z', // 01:00 EST
      '2024-11-03T07:00:00.000Z', // 02:00 EST
    ])
  })

  it('reads an opening time inside a DST gap as the time after the gap', () => {
    const slots = slotsOf({
      date: '2024-03-10',
      timeZone: 'America/New_York',
      hours: [{ open: '02:30', close: '05:00' }],
      slotMinutes: 30,
    })
    expect(
      wallTimes(
        slots.map((s) => s.startsAt),
        'America/New_York',
      ),
    ).toEqual(['03:30', '04:00', '04:30'])
  })

  it('follows Asia/Almaty from UTC+6 to UTC+5 on 2024-03-01 (the 23:00 hour repeats)', () => {
    // Node's tz data must know the change; if this fails the ICU data is older than 2024a.
    expect(
      instantsOf({ year: 2024, month: 2, day: 29, minutes: 23 * 60 + 30 }, 'Asia/Almaty'),
    ).toEqual([utc('2024-02-29T17:30Z'), utc('2024-02-29T18:30Z')])
    const before = slotsOf({ date: '2024-02-28', hours: [{ open: '09:00', close: '10:00' }] })
    const after = slotsOf({ date: '2024-03-01', hours: [{ open: '09:00', close: '10:00' }] })
    expect(before[0]?.startsAt).toBe(utc('2024-02-28T03:00Z'))
    expect(after[0]?.startsAt).toBe(utc('2024-03-01T04:00Z'))

    const night = slotsOf({
      date: '2024-02-29',
      hours: [{ open: '21:00', close: '24:00' }],
      slotMinutes: 60,
    })
    expect(
      wallTimes(
        night.map((s) => s.startsAt),
        'Asia/Almaty',
      ),
    ).toEqual(['21:00', '22:00', '23:00', '23:00'])
    expect(night.map((s) => s.startsAt)).toEqual([
      utc('2024-02-29T15:00Z'),
      utc('2024-02-29T16:00Z'),
      utc('2024-02-29T17:00Z'),
      utc('2024-02-29T18:00Z'),
    ])
  })

  it('offers no slot starting before now plus the lead time', () => {
    const slots = slotsOf({
      hours: [{ open: '09:00', close: '12:00' }],
      now: utc('2026-03-12T04:10Z'), // 09:10 local
      leadMinutes: 60,
    })
    expect(
      wallTimes(
        slots.map((s) => s.startsAt),
        'Asia/Almaty',
      ),
    ).toEqual(['10:30', '11:00', '11:30'])
  })

  it('keeps the walk-in share of each local hour out of appointment capacity (rounded down)', () => {
    const demandFactor = Array.from({ length: 24 }, (_, hour) =>
      hour === 10 ? 0.5 : hour === 11 ? 1 : 0.1,
    )
    const slots = slotsOf({
      hours: [{ open: '09:00', close: '12:00' }],
      slotMinutes: 60,
      capacity: 3,
      demandFactor,
    })
    // 09:00 → floor(3 × 0.9) = 2; 10:00 → floor(1.5) = 1; 11:00 → 0.
    expect(slots.map((s) => s.capacity)).toEqual([2, 1, 0])
  })

  it('subtracts bookings and never reports negative availability', () => {
    const start = utc('2026-03-12T04:00Z')
    const slots = slotsOf({
      hours: [{ open: '09:00', close: '10:00' }],
      capacity: 2,
      booked: new Map([
        [start, 1],
        [start + 30 * MINUTE, 5],
        [start + 7 * MINUTE, 9], // not a slot start: ignored
      ]),
    })
    expect(slots.map((s) => [s.booked, s.available])).toEqual([
      [1, 1],
      [5, 0],
    ])
  })

  it.each([
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }],
    ['a malformed date', { date: '2026-02-30' }],
    ['a malformed wall time', { hours: [{ open: '9:00', close: '18:00' }] }],
    ['a range that closes before it opens', { hours: [{ open: '18:00', close: '09:00' }] }],
    ['a zero slot length', { slotMinutes: 0 }],
    ['a negative capacity', { capacity: -1 }],
    ['a negative lead time', { leadMinutes: -5 }],
    ['a short demand profile', { demandFactor: [0.5] }],
    ['a share above 1', { demandFactor: Array.from({ length: 24 }, () => 1.5) }],
  ] as const)('refuses %s with INVALID_CONFIGURATION', (_name, overrides) => {
    let caught: unknown
    try {
      slotsOf(overrides)
    } catch (error) {
      caught = error
    }
    expect(isDomainError(caught) && caught.code).toBe('INVALID_CONFIGURATION')
  })

  it('yields ordered, non-overlapping slots inside opening hours, after the lead, within capacity', () => {
    const zones = ['Asia/Almaty', 'Europe/Berlin', 'America/New_York', 'Australia/Lord_Howe', 'UTC']
    const hhmm = (m: number) =>
      `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`
    const arbitraryInput = fc
      .record({
        day: fc.integer({ min: 0, max: 730 }),
        timeZone: fc.constantFrom(...zones),
        cuts: fc.uniqueArray(fc.integer({ min: 0, max: 96 }), { minLength: 2, maxLength: 6 }),
        slotMinutes: fc.constantFrom(10, 15, 20, 30, 45, 60, 90),
        capacity: fc.integer({ min: 0, max: 6 }),
        demandFactor: fc.option(
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 24, maxLength: 24 }),
        ),
        bookedCounts: fc.array(fc.integer({ min: 0, max: 8 }), { maxLength: 40 }),
        nowOffsetHours: fc.integer({ min: -30, max: 30 }),
        leadMinutes: fc.integer({ min: 0, max: 600 }),
      })
      .map((r) => {
        const date = new Date(utc('2024-01-01T00:00Z') + r.day * 86_400_000)
          .toISOString()
          .slice(0, 10)
        const sortedCuts = r.cuts.toSorted((a, b) => a - b).map((c) => c * 15)
        const hours = []
        for (let i = 0; i + 1 < sortedCuts.length; i += 2) {
          hours.push({ open: hhmm(sortedCuts[i]!), close: hhmm(sortedCuts[i + 1]!) })
        }
        return { ...r, date, hours }
      })

    let runsWithSlots = 0
    fc.assert(
      fc.property(arbitraryInput, (r) => {
        const noon = utc(`${r.date}T12:00Z`)
        const firstPass = slotsOf({
          date: r.date,
          timeZone: r.timeZone,
          hours: r.hours,
          slotMinutes: r.slotMinutes,
        })
        const booked = new Map(firstPass.map((s, i) => [s.startsAt, r.bookedCounts[i] ?? 0]))
        const now = noon + r.nowOffsetHours * 3_600_000
        const slots = slotsOf({
          date: r.date,
          timeZone: r.timeZone,
          hours: r.hours,
          slotMinutes: r.slotMinutes,
          capacity: r.capacity,
          demandFactor: r.demandFactor ?? undefined,
          booked,
          now,
          leadMinutes: r.leadMinutes,
        })
        if (slots.length > 0) runsWithSlots++
        const [year, month, day] = r.date.split('-').map(Number)
        slots.forEach((slot, i) => {
          const next = slots[i + 1]
          if (next) expect(slot.endsAt).toBeLessThanOrEqual(next.startsAt)
          expect(slot.endsAt - slot.startsAt).toBe(r.slotMinutes * MINUTE)
          expect(slot.startsAt).toBeGreaterThanOrEqual(now + r.leadMinutes * MINUTE)
          expect(slot.available).toBeLessThanOrEqual(slot.capacity)
          expect(slot.available).toBeGreaterThanOrEqual(0)
          expect(slot.capacity).toBeLessThanOrEqual(r.capacity)
          const wall = toWallTime(slot.startsAt, r.timeZone)
          expect([wall.year, wall.month, wall.day]).toEqual([year, month, day])
          const inside = r.hours.some((h) => {
            const [oh, om] = h.open.split(':').map(Number)
            const [ch, cm] = h.close.split(':').map(Number)
            return wall.minutes >= oh! * 60 + om! && wall.minutes < ch! * 60 + cm!
          })
          expect(inside).toBe(true)
        })
      }),
      { numRuns: 300 },
    )
    expect(runsWithSlots).toBeGreaterThan(50) // the property was not checked on empty days only
  })
})

describe(appointmentCapacity.name, () => {
  it('rounds down without floating-point drift', () => {
    expect(appointmentCapacity(10, 0.7)).toBe(3)
    expect(appointmentCapacity(10, 0.3)).toBe(7)
    expect(appointmentCapacity(3, 0.5)).toBe(1)
    expect(appointmentCapacity(5, 1)).toBe(0)
  })
})

describe(classifyArrival.name, () => {
  const startsAt = utc('2026-03-12T05:00Z')
  const at = (minutes: number) =>
    classifyArrival({
      now: startsAt + minutes * MINUTE,
      startsAt,
      earlyMinutes: 15,
      lateMinutes: 10,
    })

  it('is too early before the early window', () => expect(at(-16)).toBe('too-early'))
  it('is on time from the start of the early window', () => expect(at(-15)).toBe('on-time'))
  it('is on time exactly at the start', () => expect(at(0)).toBe('on-time'))
  it('is late just after the start', () => expect(at(0.5)).toBe('late'))
  it('is late up to the end of the late window', () => expect(at(10)).toBe('late'))
  it('is missed after the late window', () => expect(at(10.01)).toBe('missed'))
})
