import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import {
  expectedArrivalsPerDay,
  meanServiceMinutes,
  parseScenario,
  serviceMixByClass,
  staffList,
  type Scenario,
} from './scenario.js'

const DIR = path.resolve(import.meta.dirname, '../../../scripts/sim/scenarios')
const loadStandardScenario = (id: string): Scenario =>
  parseScenario(JSON.parse(readFileSync(path.join(DIR, `${id}.json`), 'utf8')))

describe(parseScenario.name, () => {
  it('accepts every shipped scenario file', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.json'))
    expect(files).toHaveLength(9)
    for (const f of files)
      expect(loadStandardScenario(f.replace('.json', '')).id).toBe(f.replace('.json', ''))
  })

  it('lists every problem of an invalid scenario', () => {
    const bad = JSON.parse(readFileSync(path.join(DIR, 'M-busy.json'), 'utf8')) as Record<
      string,
      unknown
    >
    bad['services'] = [{ id: 'cash', prefix: 'A', share: 0.5, meanMinutes: 4, cv: 0.6 }]
    bad['staff'] = [{ role: 'teller', count: 2 }]
    expect(() => parseScenario(bad)).toThrow(/service shares sum to 0.5[\s\S]*unknown role teller/)
  })
})

describe(expectedArrivalsPerDay.name, () => {
  it('matches the expected arrivals of design/queueing.md §5.2 (rounded there)', () => {
    const expected: Record<string, number> = {
      'S-normal': 161,
      'S-busy': 184,
      'S-peak': 210,
      'M-normal': 322,
      'M-busy': 367,
      'M-peak': 419,
      'L-normal': 484,
      'L-busy': 552,
      'L-peak': 629,
    }
    for (const [id, n] of Object.entries(expected))
      expect(Math.abs(expectedArrivalsPerDay(loadStandardScenario(id)) / n - 1)).toBeLessThan(0.01)
  })

  it('uses the §4.1 service mix (mean 9.36 min)', () => {
    expect(meanServiceMinutes(loadStandardScenario('M-busy'))).toBeCloseTo(9.36, 6)
  })
})

describe(serviceMixByClass.name, () => {
  it('keeps the overall mix when one class has its own', () => {
    const s = loadStandardScenario('M-busy')
    const mix = serviceMixByClass(s)
    s.services.forEach((service, i) => {
      const overall =
        s.classes.appointment.share * mix.appointment[i]! +
        s.classes.vip.share * mix.vip[i]! +
        s.classes.elderly.share * mix.elderly[i]! +
        s.classes.regular.share * mix.regular[i]!
      expect(overall).toBeCloseTo(service.share, 12)
    })
  })
})

describe(staffList.name, () => {
  it('numbers the §5.2 roles in staff order', () => {
    const staff = staffList(loadStandardScenario('M-normal'))
    expect(staff.map((o) => o.role)).toEqual([
      'cashier',
      'cashier',
      'operator',
      'operator',
      'operator',
      'credit',
      'credit',
      'manager',
    ])
    expect(staff[7]).toMatchObject({ id: 'op-08', skills: { loan: 1, consultation: 1, card: 2 } })
  })
})
