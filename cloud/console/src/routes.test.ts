import { describe, expect, it } from 'vitest'
import { appointmentsHash, canOpen, NAVIGATION, parseRoute } from './routes'

describe(parseRoute.name, () => {
  it('opens the branch list for an empty hash', () => {
    expect(parseRoute('')).toEqual({ page: 'branches' })
    expect(parseRoute('#/')).toEqual({ page: 'branches' })
  })

  it('reads a branch id, decoded', () => {
    expect(parseRoute('#/branches/almaty%2Ddemo')).toEqual({
      page: 'branch',
      branchId: 'almaty-demo',
    })
  })

  it('round-trips the calendar state through the hash', () => {
    const hash = appointmentsHash({
      branchId: 'almaty-demo',
      serviceId: 'card',
      date: '2026-11-23',
      view: 'week',
    })
    expect(parseRoute(hash)).toEqual({
      page: 'appointments',
      branchId: 'almaty-demo',
      serviceId: 'card',
      date: '2026-11-23',
      view: 'week',
    })
    expect(parseRoute('#/appointments')).toMatchObject({ page: 'appointments', view: 'day' })
  })

  it('answers not-found for an unknown page', () => {
    expect(parseRoute('#/nope')).toEqual({ page: 'not-found' })
  })
})

describe(canOpen.name, () => {
  it('keeps users and the audit log for administrators', () => {
    for (const page of ['users', 'audit'] as const) {
      expect(canOpen('central-admin', page)).toBe(true)
      expect(canOpen('branch-manager', page)).toBe(false)
      expect(canOpen('analyst', page)).toBe(false)
    }
  })

  it('lets a branch manager configure (their own branches) but not an analyst', () => {
    expect(canOpen('branch-manager', 'configuration')).toBe(true)
    expect(canOpen('analyst', 'configuration')).toBe(false)
  })

  it('offers every navigation entry to an administrator', () => {
    expect(NAVIGATION.every((entry) => canOpen('central-admin', entry.page))).toBe(true)
  })
})
