import type { SlaState } from '@kqms/shared/api'
import type { Operator, ServiceId, SkillLevel } from '@kqms/shared/domain'
import { z } from 'zod'

/**
 * Manager dashboard view state (pure, tested without a DOM): the skills being edited for an
 * operator ("move between services") and how device and service states are shown.
 */

export interface SkillsDraft {
  readonly operator: Operator
  readonly skills: Readonly<Partial<Record<ServiceId, SkillLevel>>>
}

export type SkillsAction =
  | { readonly type: 'edit'; readonly operator: Operator }
  | { readonly type: 'level'; readonly serviceId: ServiceId; readonly level: SkillLevel | 0 }
  | { readonly type: 'close' }

export function skillsReducer(draft: SkillsDraft | null, action: SkillsAction): SkillsDraft | null {
  switch (action.type) {
    case 'edit':
      return { operator: action.operator, skills: { ...action.operator.skills } }
    case 'level': {
      if (draft === null) return null
      const skills: Partial<Record<ServiceId, SkillLevel>> = { ...draft.skills }
      if (action.level === 0) delete skills[action.serviceId]
      else skills[action.serviceId] = action.level
      return { ...draft, skills }
    }
    case 'close':
      return null
  }
}

/** The body of `PUT /api/admin/operators/{id}` for a draft. */
export function operatorUpdate(draft: SkillsDraft) {
  const { operator } = draft
  return { displayName: operator.displayName, skills: draft.skills, active: operator.active }
}

export const hasChanges = (draft: SkillsDraft): boolean =>
  JSON.stringify(Object.entries(draft.skills).sort()) !==
  JSON.stringify(Object.entries(draft.operator.skills).sort())

export const SLA_TONE: Readonly<Record<SlaState, string>> = {
  ok: 'pill-ok',
  at_risk: 'pill-warn',
  breached: 'pill-bad',
}

export type Paper = 'ok' | 'near_end' | 'out' | null

const PaperState = z.union([
  z.object({ paper: z.enum(['ok', 'near_end', 'out']) }),
  z.object({ printer: z.object({ paper: z.enum(['ok', 'near_end', 'out']) }) }),
])

/** The paper level in a device's reported state (a printer, or a kiosk reporting its printer). */
export function paperOf(state: unknown): Paper {
  const parsed = PaperState.safeParse(state)
  if (!parsed.success) return null
  return 'paper' in parsed.data ? parsed.data.paper : parsed.data.printer.paper
}
