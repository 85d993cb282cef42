import type { CounterView } from '@kqms/shared/api'
import type { ServiceId } from '@kqms/shared/domain'
import { describe, expect, it } from 'vitest'
import {
  availableActions,
  INITIAL_TERMINAL,
  shortcutFor,
  terminalReducer,
  type TerminalAction,
} from './state'

const run = (...actions: TerminalAction[]) => actions.reduce(terminalReducer, INITIAL_TERMINAL)

const operator = {
  operatorId: 'aigerim',
  displayName: 'Айгерім Б.',
  status: 'available',
  pauseReason: null,
  since: '2026-03-02T04:00:00.000Z',
}
const view = (over: Partial<CounterView>): CounterView =>
  ({
    counter: { id: 'c1', label: '1', name: { kk: '1', ru: '1', en: '1' }, active: true },
    operator,
    current: null,
    waiting: [],
    parked: [],
    ...over,
  }) as unknown as CounterView
const ticket = (status: 'called' | 'serving') =>
  ({ id: 't', number: 'A001', status }) as unknown as CounterView['current']

describe('operator terminal state', () => {
  it('opens the transfer dialog, picks a service and the place, and closes on success', () => {
    const state = run(
      { type: 'open', dialog: 'transfer' },
      { type: 'transferTo', serviceId: 'fx' as ServiceId },
      { type: 'keepPlace', keepPlace: false },
    )
    expect(state.dialog).toEqual({ kind: 'transfer', toServiceId: 'fx', keepPlace: false })
    const done = terminalReducer(terminalReducer(state, { type: 'started', action: 'transfer' }), {
      type: 'succeeded',
    })
    expect(done).toEqual(INITIAL_TERMINAL)
  })

  it('runs one action at a time and keeps the dialog open on failure', () => {
    const busy = run({ type: 'open', dialog: 'finish' }, { type: 'started', action: 'finish' })
    expect(terminalReducer(busy, { type: 'started', action: 'callNext' })).toBe(busy)
    const failed = terminalReducer(busy, { type: 'failed', message: 'nope' })
    expect(failed.pending).toBeNull()
    expect(failed.dialog).toEqual({ kind: 'finish' })
    expect(failed.notice).toEqual({ tone: 'error', text: 'nope' })
  })
})

describe('available actions and shortcuts', () => {
  it('follows the counter: closed, idle, called, serving, paused', () => {
    expect([...availableActions(view({ operator: null }))]).toEqual(['signIn'])
    expect(availableActions(view({})).has('callNext')).toBe(true)
    const called = availableActions(view({ current: ticket('called') }))
    expect([...called].sort()).toEqual(['noShow', 'recall', 'signOut', 'start'])
    const serving = availableActions(view({ current: ticket('serving') }))
    expect([...serving].sort()).toEqual(['finish', 'park', 'signOut', 'transfer'])
    const paused = availableActions(view({ operator: { ...operator, status: 'paused' } as never }))
    expect([...paused].sort()).toEqual(['resume', 'signOut'])
  })

  it('maps keys to allowed actions only', () => {
    const idle = availableActions(view({}))
    expect(shortcutFor('n', idle)).toBe('callNext')
    expect(shortcutFor('N', idle)).toBe('callNext')
    expect(shortcutFor('f', idle)).toBeNull()
    const paused = availableActions(view({ operator: { ...operator, status: 'paused' } as never }))
    expect(shortcutFor('p', paused)).toBe('resume')
  })
})
