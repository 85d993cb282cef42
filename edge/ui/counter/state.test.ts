import type { CounterState } from '@kqms/shared/mqtt'
import { describe, expect, it } from 'vitest'
import { counterFace, counterIdFrom } from './state'

const base = {
  counterId: 'c3',
  label: '3',
  name: { kk: '3-терезе', ru: 'Окно 3', en: 'Counter 3' },
  active: true,
  current: null,
  operator: { operatorId: 'dana', displayName: 'Дана К.', status: 'available', pauseReason: null },
  ts: 0,
} as unknown as CounterState

describe('counter display', () => {
  it('shows the ticket and blinks again on a recall', () => {
    const current = {
      ticketId: 't1',
      number: 'A012',
      status: 'called',
      language: 'kk',
      calledAt: 1,
      recallCount: 0,
    } as unknown as NonNullable<CounterState['current']>
    const first = counterFace({ ...base, current })
    const recalled = counterFace({ ...base, current: { ...current, recallCount: 1 } })
    expect(first).toEqual({ kind: 'ticket', number: 'A012', blinkKey: 't1:0' })
    expect(recalled).toMatchObject({ blinkKey: 't1:1' })
  })

  it('says free, paused or closed without a ticket', () => {
    expect(counterFace(base)).toEqual({ kind: 'free' })
    expect(
      counterFace({
        ...base,
        operator: { ...base.operator!, status: 'paused', pauseReason: 'lunch' },
      }),
    ).toEqual({ kind: 'paused' })
    expect(counterFace({ ...base, operator: null })).toEqual({ kind: 'closed' })
  })

  it('takes the counter from the pairing, else the query', () => {
    expect(counterIdFrom({ paired: 'c1', search: '?counter=c2' })).toBe('c1')
    expect(counterIdFrom({ paired: null, search: '?counter=c2' })).toBe('c2')
    expect(counterIdFrom({ paired: null, search: '' })).toBeNull()
  })
})
