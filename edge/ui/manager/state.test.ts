import type { Operator, OperatorId, ServiceId } from '@kqms/shared/domain'
import { describe, expect, it } from 'vitest'
import { hasChanges, operatorUpdate, paperOf, skillsReducer } from './state'

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
    expect(paperOf({ paper: 'out', ts: 1 })).toBe('out')
    expect(paperOf({ printer: { paper: 'near_end' }, ts: 1 })).toBe('near_end')
    expect(paperOf({ ts: 1 })).toBeNull()
  })
})
