import type { CounterView } from '@kqms/shared/api'
import type { FinishOutcome, PauseReason, ServiceId } from '@kqms/shared/domain'

/**
 * The operator terminal's view state as a pure reducer: which dialog is open, which action is in
 * flight, the last notice. What the operator may do comes from the counter view the API returns.
 */

export type ActionName =
  | 'signIn'
  | 'signOut'
  | 'callNext'
  | 'call'
  | 'recall'
  | 'start'
  | 'finish'
  | 'noShow'
  | 'transfer'
  | 'park'
  | 'resumeParked'
  | 'pause'
  | 'resume'

export type Dialog =
  | { readonly kind: 'finish' }
  | {
      readonly kind: 'transfer'
      readonly toServiceId: ServiceId | null
      readonly keepPlace: boolean
    }
  | { readonly kind: 'pause' }

export interface Notice {
  readonly tone: 'error' | 'info'
  readonly text: string
}

export interface TerminalState {
  readonly dialog: Dialog | null
  readonly pending: ActionName | null
  readonly notice: Notice | null
}

export type TerminalAction =
  | { readonly type: 'open'; readonly dialog: 'finish' | 'transfer' | 'pause' }
  | { readonly type: 'close' }
  | { readonly type: 'transferTo'; readonly serviceId: ServiceId }
  | { readonly type: 'keepPlace'; readonly keepPlace: boolean }
  | { readonly type: 'started'; readonly action: ActionName }
  | { readonly type: 'succeeded'; readonly notice?: Notice }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'dismiss' }

export const INITIAL_TERMINAL: TerminalState = { dialog: null, pending: null, notice: null }

export function terminalReducer(state: TerminalState, action: TerminalAction): TerminalState {
  switch (action.type) {
    case 'open':
      return {
        ...state,
        notice: null,
        dialog:
          action.dialog === 'transfer'
            ? { kind: 'transfer', toServiceId: null, keepPlace: true }
            : { kind: action.dialog },
      }
    case 'close':
      return { ...state, dialog: null }
    case 'transferTo':
      return state.dialog?.kind === 'transfer'
        ? { ...state, dialog: { ...state.dialog, toServiceId: action.serviceId } }
        : state
    case 'keepPlace':
      return state.dialog?.kind === 'transfer'
        ? { ...state, dialog: { ...state.dialog, keepPlace: action.keepPlace } }
        : state
    case 'started':
      // One action at a time: a double key press must not call two tickets.
      if (state.pending !== null) return state
      return { ...state, pending: action.action, notice: null }
    case 'succeeded':
      return { dialog: null, pending: null, notice: action.notice ?? null }
    case 'failed':
      return { ...state, pending: null, notice: { tone: 'error', text: action.message } }
    case 'dismiss':
      return { ...state, notice: null }
  }
}

/** The actions the counter's situation allows; the API still has the last word. */
export function availableActions(view: CounterView | null): ReadonlySet<ActionName> {
  const can = new Set<ActionName>()
  if (view === null) return can
  const operator = view.operator
  if (operator === null || operator.status === 'offline') {
    can.add('signIn')
    return can
  }
  can.add('signOut')
  if (operator.status === 'paused') {
    can.add('resume')
    return can
  }
  const current = view.current
  if (current === null) {
    can.add('callNext')
    can.add('call')
    can.add('pause')
    if (view.parked.length > 0) can.add('resumeParked')
    return can
  }
  if (current.status === 'called') {
    can.add('recall')
    can.add('start')
    can.add('noShow')
  }
  if (current.status === 'serving') {
    can.add('finish')
    can.add('transfer')
    can.add('park')
  }
  return can
}

/** Keyboard shortcuts: the key's action if it is allowed now. */
export const SHORTCUTS: Readonly<Record<string, ActionName>> = {
  n: 'callNext',
  r: 'recall',
  s: 'start',
  f: 'finish',
  x: 'noShow',
  t: 'transfer',
  h: 'park',
  p: 'pause',
}

export function shortcutFor(key: string, allowed: ReadonlySet<ActionName>): ActionName | null {
  const lower = key.toLowerCase()
  const action = SHORTCUTS[lower]
  if (action !== undefined && allowed.has(action)) return action
  // P also resumes from a pause.
  if (lower === 'p' && allowed.has('resume')) return 'resume'
  return null
}

export const FINISH_OUTCOMES: readonly FinishOutcome[] = [
  'served',
  'served_partially',
  'documents_missing',
  'referred_elsewhere',
  'customer_declined',
  'system_unavailable',
]

export const PAUSE_REASONS: readonly PauseReason[] = [
  'break',
  'lunch',
  'meeting',
  'paperwork',
  'technical',
  'other',
]
