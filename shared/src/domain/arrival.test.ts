import { describe, expect, it } from 'vitest'
import { classifyArrival, earliestCheckIn } from './arrival.js'

const START = Date.parse('2026-03-12T05:30:00Z')
const MIN = 60_000
const at = (offsetMinutes: number) =>
  classifyArrival({
    now: START + offsetMinutes * MIN,
    startsAt: START,
    earlyMinutes: 30,
    lateMinutes: 15,
  })

describe(classifyArrival.name, () => {
  it('classifies the boundaries of the arrival window', () => {
    expect(at(-30.01)).toBe('too-early')
    expect(at(-30)).toBe('on-time')
    expect(at(0)).toBe('on-time')
    expect(at(0.01)).toBe('late')
    expect(at(15)).toBe('late')
    expect(at(15.01)).toBe('missed')
  })

  it('tells a too-early customer the first instant they may check in', () => {
    const from = earliestCheckIn({ startsAt: START, earlyMinutes: 30 })
    expect(from).toBe(START - 30 * MIN)
    expect(classifyArrival({ now: from, startsAt: START, earlyMinutes: 30, lateMinutes: 15 })).toBe(
      'on-time',
    )
  })
})
