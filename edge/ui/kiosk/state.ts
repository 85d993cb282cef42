import type { TicketView } from '@kqms/shared/api'
import type { Language, PriorityClass, ServiceId } from '@kqms/shared/domain'
import { z } from 'zod'

/**
 * The kiosk's flow as a pure reducer: language → service → identification → priority (where the
 * branch allows customers to declare one) → ticket. The screens only render a step and dispatch.
 */

export type Identity =
  | { readonly kind: 'none' }
  | { readonly kind: 'phone'; readonly phone: string }
  /** A keyed hash of a card from the card reader (issue 4); never the card number. */
  | { readonly kind: 'card'; readonly token: string }

export type Step =
  | { readonly name: 'welcome' }
  | { readonly name: 'services' }
  | { readonly name: 'identify'; readonly serviceId: ServiceId }
  | { readonly name: 'phone'; readonly serviceId: ServiceId; readonly digits: string }
  | { readonly name: 'card'; readonly serviceId: ServiceId }
  | { readonly name: 'appointment'; readonly serviceId: ServiceId }
  | { readonly name: 'priority'; readonly serviceId: ServiceId; readonly identity: Identity }
  | {
      readonly name: 'issuing'
      readonly serviceId: ServiceId
      readonly identity: Identity
      readonly priorityClass: PriorityClass
      /** Sent as the Idempotency-Key: a retry after a timeout gets the same ticket. */
      readonly requestKey: string
    }
  | { readonly name: 'ticket'; readonly ticket: TicketView }
  | { readonly name: 'error'; readonly message: string }

export interface KioskState {
  readonly language: Language
  readonly highContrast: boolean
  /** Priority classes the branch lets customers declare (from the branch view). */
  readonly selfDeclarable: readonly PriorityClass[]
  readonly step: Step
}

export type KioskAction =
  | { readonly type: 'language'; readonly language: Language }
  | { readonly type: 'contrast' }
  | { readonly type: 'branch'; readonly selfDeclarable: readonly PriorityClass[] }
  | { readonly type: 'service'; readonly serviceId: ServiceId }
  | {
      readonly type: 'identify'
      readonly method: 'phone' | 'card' | 'appointment' | 'none'
      /** Used when the ticket is issued straight away ('none' without a priority question). */
      readonly requestKey: string
    }
  | { readonly type: 'key'; readonly key: string }
  | { readonly type: 'submitPhone'; readonly requestKey: string }
  | { readonly type: 'card'; readonly token: string; readonly requestKey: string }
  | {
      readonly type: 'priority'
      readonly priorityClass: PriorityClass
      readonly requestKey: string
    }
  | { readonly type: 'issued'; readonly ticket: TicketView }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'back' }
  | { readonly type: 'reset' }

export const DEFAULT_LANGUAGE: Language = 'kk'

export const initialKiosk = (
  input: { language?: Language; highContrast?: boolean } = {},
): KioskState => ({
  language: input.language ?? DEFAULT_LANGUAGE,
  highContrast: input.highContrast ?? false,
  selfDeclarable: [],
  step: { name: 'welcome' },
})

/** Digits after +7 in a Kazakh mobile number. */
export const PHONE_DIGITS = 10

export const isCompletePhone = (digits: string): boolean =>
  digits.length === PHONE_DIGITS && /^[0-9]+$/.test(digits)

/**
 * The phone as shown while typing: only the first digit (the operator code's 7) and the last two
 * are visible, so nobody reads the number over the customer's shoulder.
 */
export function maskTypedPhone(digits: string): string {
  const shown = [...digits].map((d, i) => (i === 0 || i >= digits.length - 2 ? d : '•'))
  const slots = [...shown, ...Array<string>(Math.max(0, PHONE_DIGITS - shown.length)).fill('_')]
  const s = slots.join('')
  return `+7 ${s.slice(0, 3)} ${s.slice(3, 6)} ${s.slice(6, 8)} ${s.slice(8, 10)}`
}

/** After identification: ask for priority if the branch allows declaring one, else issue. */
function afterIdentify(
  state: KioskState,
  input: { serviceId: ServiceId; identity: Identity; requestKey: string },
): KioskState {
  if (state.selfDeclarable.length > 0)
    return {
      ...state,
      step: { name: 'priority', serviceId: input.serviceId, identity: input.identity },
    }
  return {
    ...state,
    step: {
      name: 'issuing',
      serviceId: input.serviceId,
      identity: input.identity,
      priorityClass: 'regular',
      requestKey: input.requestKey,
    },
  }
}

export function kioskReducer(state: KioskState, action: KioskAction): KioskState {
  const step = state.step
  switch (action.type) {
    case 'language':
      return {
        ...state,
        language: action.language,
        step: step.name === 'welcome' ? { name: 'services' } : step,
      }
    case 'contrast':
      return { ...state, highContrast: !state.highContrast }
    case 'branch':
      return { ...state, selfDeclarable: action.selfDeclarable }
    case 'service':
      if (step.name !== 'services') return state
      return { ...state, step: { name: 'identify', serviceId: action.serviceId } }
    case 'identify': {
      if (step.name !== 'identify') return state
      const { serviceId } = step
      switch (action.method) {
        case 'phone':
          return { ...state, step: { name: 'phone', serviceId, digits: '' } }
        case 'card':
          return { ...state, step: { name: 'card', serviceId } }
        case 'appointment':
          return { ...state, step: { name: 'appointment', serviceId } }
        case 'none':
          return afterIdentify(state, {
            serviceId,
            identity: { kind: 'none' },
            requestKey: action.requestKey,
          })
      }
      break
    }
    case 'key': {
      if (step.name !== 'phone') return state
      if (action.key === 'back')
        return { ...state, step: { ...step, digits: step.digits.slice(0, -1) } }
      if (action.key === 'clear') return { ...state, step: { ...step, digits: '' } }
      if (!/^[0-9]$/.test(action.key) || step.digits.length >= PHONE_DIGITS) return state
      return { ...state, step: { ...step, digits: step.digits + action.key } }
    }
    case 'submitPhone':
      if (step.name !== 'phone' || !isCompletePhone(step.digits)) return state
      return afterIdentify(state, {
        serviceId: step.serviceId,
        identity: { kind: 'phone', phone: `+7${step.digits}` },
        requestKey: action.requestKey,
      })
    case 'card':
      if (step.name !== 'card') return state
      return afterIdentify(state, {
        serviceId: step.serviceId,
        identity: { kind: 'card', token: action.token },
        requestKey: action.requestKey,
      })
    case 'priority':
      if (step.name !== 'priority') return state
      return {
        ...state,
        step: {
          name: 'issuing',
          serviceId: step.serviceId,
          identity: step.identity,
          priorityClass: action.priorityClass,
          requestKey: action.requestKey,
        },
      }
    case 'issued':
      if (step.name !== 'issuing') return state
      return { ...state, step: { name: 'ticket', ticket: action.ticket } }
    case 'failed':
      return { ...state, step: { name: 'error', message: action.message } }
    case 'back':
      switch (step.name) {
        case 'services':
          return { ...state, step: { name: 'welcome' } }
        case 'identify':
          return { ...state, step: { name: 'services' } }
        case 'phone':
        case 'card':
        case 'appointment':
          return { ...state, step: { name: 'identify', serviceId: step.serviceId } }
        case 'priority':
          return { ...state, step: { name: 'identify', serviceId: step.serviceId } }
        case 'error':
          return { ...state, step: { name: 'services' } }
        case 'welcome':
        case 'issuing':
        case 'ticket':
          return state
      }
      break
    case 'reset':
      // The next customer starts afresh; the branch's rules stay.
      return { ...initialKiosk(), selfDeclarable: state.selfDeclarable }
  }
  return state
}

/** Seconds without a touch before the kiosk returns to the start (shorter on the ticket). */
export function idleTimeoutSeconds(step: Step): number | null {
  switch (step.name) {
    case 'welcome':
      return null
    case 'issuing':
      return null
    case 'ticket':
      return 25
    default:
      return 45
  }
}

/** The register request for an issuing step (the card token is not sent until issue 4's API). */
export function registerBody(
  state: KioskState,
  step: Extract<Step, { name: 'issuing' }>,
): { serviceId: ServiceId; language: Language; priorityClass: PriorityClass; phone?: string } {
  return {
    serviceId: step.serviceId,
    language: state.language,
    priorityClass: step.priorityClass,
    ...(step.identity.kind === 'phone' ? { phone: step.identity.phone } : {}),
  }
}

// ── printer state ──────────────────────────────────────────────────────────────────────────────

export type PrinterState = 'ok' | 'out' | 'offline' | 'unknown'

const PrinterHint = z.object({
  printer: z
    .object({
      paper: z.enum(['ok', 'near_end', 'out']).optional(),
      online: z.boolean().optional(),
      state: z.enum(['ok', 'near_end', 'out', 'offline', 'unknown']).optional(),
    })
    .optional(),
})

/**
 * The kiosk printer's state from the kiosk's retained `desired` (issue 4 puts the printer there):
 * `{ printer: { paper: 'ok' | 'near_end' | 'out', online } }` or `{ printer: { state } }`.
 * Anything missing or unreadable is `unknown`, which the kiosk treats as available.
 */
export function printerStateOf(desired: unknown): PrinterState {
  const parsed = PrinterHint.safeParse(desired)
  const printer = parsed.success ? parsed.data.printer : undefined
  if (!printer) return 'unknown'
  if (printer.online === false || printer.state === 'offline') return 'offline'
  if (printer.paper === 'out' || printer.state === 'out') return 'out'
  if (printer.paper !== undefined || printer.state !== undefined)
    return printer.state === 'unknown' ? 'unknown' : 'ok'
  return printer.online === true ? 'ok' : 'unknown'
}

/** `?printer=out` (demo and test switch) wins over what the device reports. */
export function printerOverride(search: string): PrinterState | null {
  const value = new URLSearchParams(search).get('printer')
  return value === 'ok' || value === 'out' || value === 'offline' || value === 'unknown'
    ? value
    : null
}

/** Whether the ticket can be expected from the printer: unknown counts as available. */
export const printerAvailable = (state: PrinterState): boolean =>
  state === 'ok' || state === 'unknown'
