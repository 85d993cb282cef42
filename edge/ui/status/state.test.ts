import type { StatusView } from '@kqms/shared/api'
import { describe, expect, it } from 'vitest'
import { isNewCall, layoutOf, pollIntervalMs, ticketIdFrom } from './state'

const base = {
  id: '0198c1f0-0000-7000-8000-000000000001',
  number: 'A001',
  day: '2026-03-02',
  serviceId: 'cash',
  service: null,
  language: 'kk',
  status: 'waiting',
  position: 3,
  wait: null,
  counter: null,
  message: '',
  issuedAt: '2026-03-02T04:00:00.000Z',
  calledAt: null,
  finishedAt: null,
} as unknown as StatusView

const called = {
  ...base,
  status: 'called',
  position: null,
  counter: { id: 'c3', label: '3', name: { kk: '3-терезе', ru: 'Окно 3', en: 'Counter 3' } },
  calledAt: '2026-03-02T04:10:00.000Z',
} as StatusView

describe('status page', () => {
  it('lays out each status', () => {
    expect(layoutOf(base)).toEqual({ kind: 'waiting', position: 3 })
    expect(layoutOf(called)).toEqual({ kind: 'called', counterLabel: '3' })
    expect(layoutOf({ ...called, status: 'serving' })).toEqual({
      kind: 'serving',
      counterLabel: '3',
    })
    expect(layoutOf({ ...base, status: 'finished' })).toEqual({ kind: 'closed' })
  })

  it('notices a call and a recall, not a repeat of the same call', () => {
    expect(isNewCall(base, called)).toBe(true)
    expect(isNewCall(called, called)).toBe(false)
    expect(isNewCall(called, { ...called, calledAt: '2026-03-02T04:11:00.000Z' })).toBe(true)
    expect(isNewCall(null, called)).toBe(false)
  })

  it('polls faster near the call', () => {
    expect(pollIntervalMs({ ...base, position: 12 })).toBe(10_000)
    expect(pollIntervalMs(base)).toBe(4_000)
    expect(pollIntervalMs({ ...base, status: 'expired' })).toBe(60_000)
  })

  it('reads the ticket id from the path or the query', () => {
    expect(ticketIdFrom({ pathname: '/status/abc', search: '' })).toBe('abc')
    expect(ticketIdFrom({ pathname: '/status/', search: '?ticket=xyz' })).toBe('xyz')
    expect(ticketIdFrom({ pathname: '/status/', search: '' })).toBeNull()
  })
})
