import type { Operator, OperatorId, ServiceId } from '@kqms/shared/domain'
import { describe, expect, it } from 'vitest'
import { hasChanges, operatorUpdate, paperOf, paperTone, skillsReducer } from './state'

const dana: Operator = {
  id: 'dana' as OperatorId,
  displayName: 'Дана К.',
  skills: { ['card' as ServiceId]: 1, ['cash' as ServiceId]: 2 },
  active: true,
}

describe('skills editing', () => {
  it('moves an operator between services', () => {
    let draft = skillsReducer(null, { type: 'edit', operator: dana })
    expect(draft && hasChanges(draft)).toBe(false)
    draft = skillsReducer(draft, { type: 'level', serviceId: 'loan' as ServiceId, level: 1 })
    draft = skillsReducer(draft, { type: 'level', serviceId: 'cash' as ServiceId, level: 0 })
    expect(draft && operatorUpdate(draft)).toEqual({
      displayName: 'Дана К.',
      skills: { card: 1, loan: 1 },
      active: true,
    })
    expect(draft && hasChanges(draft)).toBe(true)
    expect(skillsReducer(draft, { type: 'close' })).toBeNull()
  })
})

describe('device state', () => {
  it('reads the paper level of a printer or a kiosk', () => {
    expect(paperOf({ paper: 'out', ts: 1 })).toEqual({ level: 'out', percent: null })
    expect(paperOf({ printer: { paper: 'near_end' }, ts: 1 })?.level).toBe('near-end')
    expect(paperOf({ ts: 1 })).toBeNull()
    // A bridge's PrinterState: the paper left is estimated from the paper fed.
    const state = { kind: 'printer', paper: 'ok', paperRemainingPercent: 42.6, ts: 1 }
    expect(paperOf(state)).toEqual({ level: 'ok', percent: 43 })
    expect(paperTone({ level: 'ok', percent: 43 })).toBe('ok')
    expect(paperTone({ level: 'ok', percent: 8 })).toBe('warn')
    expect(paperTone({ level: 'near-end', percent: 30 })).toBe('warn')
    expect(paperTone({ level: 'out', percent: 0 })).toBe('bad')
  })
})
