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

/** A printer's paper as the manager sees it: the level and the estimated share left. */
export interface Paper {
  readonly level: 'ok' | 'near-end' | 'out'
  /** 0–100; null when the printer does not estimate it. */
  readonly percent: number | null
}

/** At or below this share left the manager is warned, whatever the near-end sensor says. */
export const PAPER_WARN_PERCENT = 10

const PaperState = z.union([
  z.object({
    paper: z.enum(['ok', 'near-end', 'near_end', 'out']),
    paperRemainingPercent: z.number().min(0).max(100).optional(),
  }),
  z.object({ printer: z.object({ paper: z.enum(['ok', 'near-end', 'near_end', 'out']) }) }),
])

/**
 * The paper of a printer's reported state (`PrinterState` on `dev/{printerId}/state`, or the
 * device list's `printer`); null for anything else.
 */
export function paperOf(state: unknown): Paper | null {
  const parsed = PaperState.safeParse(state)
  if (!parsed.success) return null
  const raw = 'paper' in parsed.data ? parsed.data.paper : parsed.data.printer.paper
  const percent =
    'paperRemainingPercent' in parsed.data && parsed.data.paperRemainingPercent !== undefined
      ? Math.round(parsed.data.paperRemainingPercent)
      : null
  return { level: raw === 'near_end' ? 'near-end' : raw, percent }
}

/** How loudly to show it: out is bad; near the end (or little left) warns. */
export function paperTone(paper: Paper): 'ok' | 'warn' | 'bad' {
  if (paper.level === 'out') return 'bad'
  if (paper.level === 'near-end') return 'warn'
  return paper.percent !== null && paper.percent <= PAPER_WARN_PERCENT ? 'warn' : 'ok'
}
