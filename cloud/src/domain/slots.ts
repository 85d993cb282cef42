import { DomainError } from '@kqms/shared/errors'
import { instantOf, isKnownTimeZone, toWallTime } from './zoned-time.js'

const MINUTE_MS = 60_000
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const WALL_TIME = /^(?:([01]\d|2[0-3]):([0-5]\d)|(24):(00))$/

/** One bookable appointment slot; instants are UTC ms. */
export interface Slot {
  startsAt: number
  endsAt: number
  /** Appointments this slot takes: branch capacity minus the share kept for walk-ins. */
  capacity: number
  booked: number
  /** `max(0, capacity - booked)`: overbooking (capacity lowered after booking) never goes negative. */
  available: number
}

export interface SlotsInput {
  /** The branch's local calendar date, `YYYY-MM-DD`. */
  date: string
  /** The branch's IANA time zone. */
  timeZone: string
  /** Opening hours of that date as local wall times `HH:MM` (`24:00` = midnight at the end). */
  hours: readonly { open: string; close: string }[]
  slotMinutes: number
  /** Appointments served in parallel per slot. */
  capacity: number
  /** 24 shares 0…1 per local hour: the part of capacity kept for walk-ins. */
  demandFactor?: readonly number[]
  /** Slot start (UTC ms) → appointments already booked. */
  booked: ReadonlyMap<number, number>
  now: number
  /** Minimum notice: no slot starts before `now + leadMinutes`. */
  leadMinutes: number
}

function invalid(message: string): DomainError {
  return new DomainError('INVALID_CONFIGURATION', message)
}

function parseWallMinutes(text: string, field: string): number {
  const match = WALL_TIME.exec(text)
  if (!match) throw invalid(`${field} must be a wall time HH:MM (00:00…24:00), got "${text}"`)
  const hour = Number(match[1] ?? match[3])
  const minute = Number(match[2] ?? match[4])
  return hour * 60 + minute
}

function parseDate(text: string): { year: number; month: number; day: number } {
  const match = DATE.exec(text)
  const year = Number(match?.[1])
  const month = Number(match?.[2])
  const day = Number(match?.[3])
  const check = new Date(Date.UTC(year, month - 1, day))
  if (
    !match ||
    check.getUTCFullYear() !== year ||
    check.getUTCMonth() !== month - 1 ||
    check.getUTCDate() !== day
  ) {
    throw invalid(`date must be a calendar date YYYY-MM-DD, got "${text}"`)
  }
  return { year, month, day }
}

function validate(input: SlotsInput): void {
  if (!isKnownTimeZone(input.timeZone)) throw invalid(`unknown time zone "${input.timeZone}"`)
  if (!Number.isInteger(input.slotMinutes) || input.slotMinutes < 5 || input.slotMinutes > 480) {
    throw invalid(`slotMinutes must be a whole number of minutes 5…480, got ${input.slotMinutes}`)
  }
  if (!Number.isInteger(input.capacity) || input.capacity < 0) {
    throw invalid(`capacity must be a whole number ≥ 0, got ${input.capacity}`)
  }
  if (!Number.isFinite(input.leadMinutes) || input.leadMinutes < 0) {
    throw invalid(`leadMinutes must be ≥ 0, got ${input.leadMinutes}`)
  }
  const factors = input.demandFactor
  if (factors && (factors.length !== 24 || factors.some((f) => !(f >= 0 && f <= 1)))) {
    throw invalid('demandFactor must hold 24 shares between 0 and 1, one per local hour')
  }
}

/** Appointment capacity left after keeping `share` for walk-ins: floor(capacity × (1 − share)). */
export function appointmentCapacity(capacity: number, share: number): number {
  // The epsilon keeps 10 × (1 − 0.7) = 3.0000000000000004 … and 2.9999999999999996 both at 3.
  return Math.max(0, Math.floor(capacity * (1 - share) + 1e-9))
}

/**
 * The bookable slots of one local date.
 *
 * Rules:
 * - Each opening range `[open, close)` is turned into instants in the branch's zone (a wall time in a
 *   DST gap reads as the time after the gap; in a repeated hour, the first occurrence), then cut into
 *   back-to-back slots of `slotMinutes` of *elapsed* time from `open`; a slot must end by `close`.
 *   So a 02:30 that the zone skips never appears, and a repeated 01:00–02:00 gives two sets of slots
 *   with distinct instants.
 * - Ranges are taken in order of their opening instant; a slot that would overlap an earlier one
 *   (overlapping ranges in the configuration) is dropped.
 * - Slots starting before `now + leadMinutes` are not offered.
 * - Capacity is `floor(capacity × (1 − demandFactor[local hour of the start]))`.
 *
 * Throws `DomainError('INVALID_CONFIGURATION')` for an unknown zone, a malformed date or time, or
 * numbers out of range.
 */
export function computeSlots(input: SlotsInput): Slot[] {
  validate(input)
  const date = parseDate(input.date)
  const slotMs = input.slotMinutes * MINUTE_MS
  const earliestStart = input.now + input.leadMinutes * MINUTE_MS
  const ranges = input.hours
    .map((range, index) => {
      const open = parseWallMinutes(range.open, `hours[${index}].open`)
      const close = parseWallMinutes(range.close, `hours[${index}].close`)
      if (close <= open) {
        throw invalid(`hours[${index}] closes (${range.close}) before it opens (${range.open})`)
      }
      return {
        openAt: instantOf({ ...date, minutes: open }, input.timeZone),
        closeAt: instantOf({ ...date, minutes: close }, input.timeZone),
      }
    })
    .sort((a, b) => a.openAt - b.openAt)

  const slots: Slot[] = []
  let previousEnd = Number.NEGATIVE_INFINITY
  for (const { openAt, closeAt } of ranges) {
    for (let startsAt = openAt; startsAt + slotMs <= closeAt; startsAt += slotMs) {
      if (startsAt < previousEnd || startsAt < earliestStart) continue
      const localHour = Math.floor(toWallTime(startsAt, input.timeZone).minutes / 60)
      const capacity = appointmentCapacity(input.capacity, input.demandFactor?.[localHour] ?? 0)
      const booked = input.booked.get(startsAt) ?? 0
      slots.push({
        startsAt,
        endsAt: startsAt + slotMs,
        capacity,
        booked,
        available: Math.max(0, capacity - booked),
      })
      previousEnd = startsAt + slotMs
    }
  }
  return slots
}

// Arrival rules are shared with the branch appliance (offline check-in at the kiosk).
export { classifyArrival, type ArrivalClass } from '@kqms/shared/domain'
