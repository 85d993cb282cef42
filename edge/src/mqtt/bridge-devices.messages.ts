import type { CounterState, PrinterState } from '@kqms/shared/mqtt'
import type { PrinterStatus } from '../usecases/print-jobs.js'

/** Desired states of bridge-driven devices and kiosks, rendered from what the core knows (pure). */

/** `dev/{counterDisplayId}/desired` of an LED counter display, without version and ts. */
export interface LedDesired extends Record<string, unknown> {
  readonly text: string
  /** True while the called customer has not arrived: after a call or a recall. */
  readonly blink: boolean
  /** 0–100. */
  readonly brightness: number
  /** The call shown (`<ticketId>:<recallCount>`): a recall changes it, so the display blinks again. */
  readonly call: string | null
}

/** Shown by an LED display of a closed counter. */
export const LED_CLOSED_TEXT = '—'

export function toLedDesired(counter: CounterState | null, brightness = 100): LedDesired {
  if (counter === null || !counter.active || counter.operator === null)
    return { text: LED_CLOSED_TEXT, blink: false, brightness, call: null }
  const current = counter.current
  if (current === null) return { text: '', blink: false, brightness, call: null }
  return {
    text: current.number,
    blink: current.status === 'called',
    brightness,
    call: `${current.ticketId}:${current.recallCount}`,
  }
}

/** What a kiosk shows about its printer: `ok`, `near-end` (still prints), `out`, `offline`, `none`. */
export type KioskPrinterState = 'ok' | 'near-end' | 'out' | 'offline' | 'none'

export interface KioskDesired extends Record<string, unknown> {
  readonly printer: {
    readonly printerId: string | null
    readonly state: KioskPrinterState
    readonly blockedBy: PrinterState['blockedBy']
    readonly paperRemainingPercent: number | null
  }
  readonly cardReader: { readonly readerId: string; readonly online: boolean } | null
}

export function toKioskPrinter(status: PrinterStatus | null): KioskDesired['printer'] {
  if (status === null)
    return { printerId: null, state: 'none', blockedBy: null, paperRemainingPercent: null }
  const reported = status.state
  const paperRemainingPercent =
    reported === null ? null : Math.round(reported.paperRemainingPercent)
  const blockedBy = reported?.blockedBy ?? null
  const base = { printerId: status.printerId, blockedBy, paperRemainingPercent }
  if (status.availability !== 'online') return { ...base, state: 'offline' }
  if (blockedBy === 'paper-out' || reported?.paper === 'out') return { ...base, state: 'out' }
  if (blockedBy !== null || reported?.online === false) return { ...base, state: 'offline' }
  return { ...base, state: reported?.paper === 'near-end' ? 'near-end' : 'ok' }
}
