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
  /**
   * A card read by the kiosk's card reader, relayed by the appliance: its id (sent with the
   * registration) and the masked number shown to the customer; never the card number.
   */
  | { readonly kind: 'card'; readonly readId: string; readonly masked: string }

export type Step =
  | { readonly name: 'welcome' }
  | { readonly name: 'services' }
  | { readonly name: 'identify'; readonly serviceId: ServiceId }
  | { readonly name: 'phone'; readonly serviceId: ServiceId; readonly digits: string }
  | { readonly name: 'card'; readonly serviceId: ServiceId }
  | {
      readonly name: 'appointment'
      readonly serviceId: ServiceId
      /** Why the last code was refused, in the customer's language; null before a scan. */
      readonly refusal: string | null
    }
  /** The scanned appointment code is being checked by the appliance. */
  | { readonly name: 'checking-in'; readonly serviceId: ServiceId; readonly token: string }
  | { readonly name: 'priority'; readonly serviceId: ServiceId; readonly identity: Identity }
  | {
      readonly name: 'issuing'
      readonly serviceId: ServiceId
      readonly identity: Identity
      readonly priorityClass: PriorityClass
      /** Sent as the Idempotency-Key: a retry after a timeout gets the same ticket. */
      readonly requestKey: string
    }
  | {
      readonly name: 'ticket'
      readonly ticket: TicketView
      /** A ticket of an appointment check-in: on time or late, and what the customer is told. */
      readonly checkIn?: CheckIn
    }
  | { readonly name: 'error'; readonly message: string }

export interface CheckIn {
  readonly outcome: 'checked-in' | 'late'
  readonly message: string
}

export interface KioskState {
  readonly language: Language
  readonly highContrast: boolean
  /** Priority classes the branch lets customers declare (from the branch view). */
  readonly selfDeclarable: readonly PriorityClass[]
  /** Whether the appliance checks in appointment QR codes (it holds the cloud's keys). */
  readonly appointmentCheckIn: boolean
  readonly step: Step
}

export type KioskAction =
  | { readonly type: 'language'; readonly language: Language }
  | { readonly type: 'contrast' }
  | {
      readonly type: 'branch'
      readonly selfDeclarable: readonly PriorityClass[]
      readonly appointmentCheckIn?: boolean
    }
  | { readonly type: 'service'; readonly serviceId: ServiceId }
  | {
      readonly type: 'identify'
      readonly method: 'phone' | 'card' | 'appointment' | 'none'
      /** Used when the ticket is issued straight away ('none' without a priority question). */
      readonly requestKey: string
    }
  | { readonly type: 'key'; readonly key: string }
  | { readonly type: 'submitPhone'; readonly requestKey: string }
  | {
      readonly type: 'card'
      readonly readId: string
      readonly masked: string
      readonly requestKey: string
    }
  | {
      readonly type: 'priority'
      readonly priorityClass: PriorityClass
      readonly requestKey: string
    }
  | { readonly type: 'issued'; readonly ticket: TicketView }
  /** The scanner typed a code and Enter (or a code was pasted). */
  | { readonly type: 'scan'; readonly text: string }
  | { readonly type: 'checkedIn'; readonly ticket: TicketView; readonly checkIn: CheckIn }
  | { readonly type: 'checkInRefused'; readonly message: string }
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
  appointmentCheckIn: false,
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
      return {
        ...state,
        selfDeclarable: action.selfDeclarable,
        appointmentCheckIn: action.appointmentCheckIn ?? false,
      }
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
          if (!state.appointmentCheckIn) return state
          return { ...state, step: { name: 'appointment', serviceId, refusal: null } }
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
        identity: { kind: 'card', readId: action.readId, masked: action.masked },
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
    case 'scan': {
      if (step.name !== 'appointment') return state
      const token = scannedToken(action.text)
      if (token === null) return state
      return { ...state, step: { name: 'checking-in', serviceId: step.serviceId, token } }
    }
    case 'checkedIn':
      if (step.name !== 'checking-in') return state
      return {
        ...state,
        step: { name: 'ticket', ticket: action.ticket, checkIn: action.checkIn },
      }
    case 'checkInRefused':
      if (step.name !== 'checking-in') return state
      return {
        ...state,
        step: { name: 'appointment', serviceId: step.serviceId, refusal: action.message },
      }
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
        case 'checking-in':
          return state
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
      return {
        ...initialKiosk(),
        selfDeclarable: state.selfDeclarable,
        appointmentCheckIn: state.appointmentCheckIn,
      }
  }
  return state
}

/** Seconds without a touch before the kiosk returns to the start (shorter on the ticket). */
export function idleTimeoutSeconds(step: Step): number | null {
  switch (step.name) {
    case 'welcome':
      return null
    case 'issuing':
    case 'checking-in':
      return null
    case 'ticket':
      return 25
    default:
      return 45
  }
}

/** The register request for an issuing step (a card is named by its read id, never its number). */
export function registerBody(
  state: KioskState,
  step: Extract<Step, { name: 'issuing' }>,
): {
  serviceId: ServiceId
  language: Language
  priorityClass: PriorityClass
  phone?: string
  cardReadId?: string
} {
  return {
    serviceId: step.serviceId,
    language: state.language,
    priorityClass: step.priorityClass,
    ...(step.identity.kind === 'phone' ? { phone: step.identity.phone } : {}),
    ...(step.identity.kind === 'card' ? { cardReadId: step.identity.readId } : {}),
  }
}

// ── appointment codes ─────────────────────────────────────────────────────────────────────────────

/** The longest code the kiosk sends (the appliance refuses longer ones anyway). */
export const MAX_SCANNED_TOKEN = 2048

/**
 * The appointment code a barcode scanner typed (or the customer pasted): whitespace the scanner
 * adds (line ends, tabs) removed; null when nothing is left or it cannot be a code (a JWS in
 * compact form has only base64url letters and dots).
 */
export function scannedToken(text: string): string | null {
  const token = text.replace(/\s+/g, '')
  if (token === '' || token.length > MAX_SCANNED_TOKEN) return null
  return /^[A-Za-z0-9_.-]+$/.test(token) ? token : null
}

// ── card reads ─────────────────────────────────────────────────────────────────────────────────

const CardReadArgs = z.object({
  readId: z.string().regex(/^card-[A-Za-z0-9-]{8,80}$/),
  masked: z.string().regex(/^\d{6}\*{2,9}\d{4}$/),
})

/**
 * A `dev/{kioskId}/cmd/card-read` command from the appliance: the read's id and masked number,
 * or null when it is malformed or expired (a card read a while ago is not the customer's now).
 */
export function cardReadOf(
  envelope: { name: string; expiresAt: number; args: unknown },
  now: number,
): { readId: string; masked: string } | null {
  if (envelope.name !== 'card-read' || envelope.expiresAt <= now) return null
  return CardReadArgs.safeParse(envelope.args).data ?? null
}

// ── printer state ──────────────────────────────────────────────────────────────────────────────

/** The printer as the kiosk's retained `desired` says (the appliance follows the real printer). */
export type PrinterState = 'ok' | 'out' | 'offline' | 'unknown'

const PrinterHint = z.object({
  printer: z
    .object({
      /** Published by the appliance from the printer's state and availability. */
      state: z.enum(['ok', 'near-end', 'out', 'offline', 'none']).optional(),
      paper: z.enum(['ok', 'near-end', 'near_end', 'out']).optional(),
      online: z.boolean().optional(),
    })
    .optional(),
})

const CardReaderHint = z.object({
  cardReader: z.object({ readerId: z.string(), online: z.boolean() }).nullable(),
})

/** Whether the kiosk's card reader is there (`desired.cardReader`); null when not said. */
export function cardReaderOnline(desired: unknown): boolean | null {
  const parsed = CardReaderHint.safeParse(desired)
  if (!parsed.success) return null
  return parsed.data.cardReader?.online ?? false
}

/**
 * The kiosk printer's state from the kiosk's retained `desired`:
 * `{ printer: { state: 'ok' | 'near-end' | 'out' | 'offline' | 'none', … } }` (a kiosk without a
 * printer is `offline`). Anything missing or unreadable is `unknown`.
 */
export function printerStateOf(desired: unknown): PrinterState {
  const parsed = PrinterHint.safeParse(desired)
  const printer = parsed.success ? parsed.data.printer : undefined
  if (!printer) return 'unknown'
  switch (printer.state) {
    case 'ok':
    case 'near-end':
      return 'ok'
    case 'out':
      return 'out'
    case 'offline':
    case 'none':
      return 'offline'
    case undefined:
      break
  }
  if (printer.online === false) return 'offline'
  if (printer.paper === 'out') return 'out'
  if (printer.paper !== undefined) return 'ok'
  return printer.online === true ? 'ok' : 'unknown'
}

/** `?printer=out` (demo and test switch) wins over what the device reports; no print is asked. */
export function printerOverride(search: string): PrinterState | null {
  const value = new URLSearchParams(search).get('printer')
  return value === 'ok' || value === 'out' || value === 'offline' || value === 'unknown'
    ? value
    : null
}

/** Whether the ticket can be expected from the printer: unknown counts as available. */
export const printerAvailable = (state: PrinterState): boolean =>
  state === 'ok' || state === 'unknown'

/** What became of the ticket's print, as the ticket screen shows it. */
export type PrintStatus =
  | { readonly kind: 'printing' }
  | { readonly kind: 'printed' }
  /** Not printed: `code` from the appliance (`PRINTER_PAPER_OUT`, `PRINT_TIMEOUT`…). */
  | { readonly kind: 'not-printed'; readonly code: string }

/** The ticket screen's banner and `data-printer`, from the print's answer. */
export function printFace(status: PrintStatus): {
  printer: 'printing' | 'ok' | 'out' | 'slow' | 'offline'
  message:
    | 'kiosk.printing'
    | 'kiosk.takePrinted'
    | 'kiosk.printerOut'
    | 'kiosk.printerSlow'
    | 'kiosk.printerOffline'
} {
  switch (status.kind) {
    case 'printing':
      return { printer: 'printing', message: 'kiosk.printing' }
    case 'printed':
      return { printer: 'ok', message: 'kiosk.takePrinted' }
    case 'not-printed':
      if (status.code === 'PRINTER_PAPER_OUT')
        return { printer: 'out', message: 'kiosk.printerOut' }
      if (status.code === 'PRINT_TIMEOUT') return { printer: 'slow', message: 'kiosk.printerSlow' }
      return { printer: 'offline', message: 'kiosk.printerOffline' }
  }
}

/** The print status a kiosk without a print request assumes from its printer's state. */
export function assumedPrint(state: PrinterState): PrintStatus {
  if (printerAvailable(state)) return { kind: 'printed' }
  return {
    kind: 'not-printed',
    code: state === 'out' ? 'PRINTER_PAPER_OUT' : 'PRINTER_OFFLINE',
  }
}
