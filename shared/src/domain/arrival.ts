const MINUTE_MS = 60_000

export type ArrivalClass = 'too-early' | 'on-time' | 'late' | 'missed'

/**
 * How an appointment holder's arrival (check-in at the kiosk) relates to the booked start.
 *
 * - `too-early`: before `startsAt − earlyMinutes`. Not checked in; the kiosk says when to come back
 *   (or offers a regular ticket).
 * - `on-time`: within `[startsAt − earlyMinutes, startsAt]`. Checked in with appointment priority.
 * - `late`: within `(startsAt, startsAt + lateMinutes]`. Still served, but as a regular ticket of the
 *   booked service: the appointment priority is lost, so a late customer never overtakes walk-ins
 *   who arrived on time (Qmatic's "late → other queue" rule, design/features.md #19).
 * - `missed`: after `startsAt + lateMinutes`. The appointment is a no-show; the customer may take a
 *   regular ticket like anyone else.
 *
 * Shared by the cloud (booking views) and the branch appliance (offline check-in).
 */
export function classifyArrival(input: {
  now: number
  startsAt: number
  earlyMinutes: number
  lateMinutes: number
}): ArrivalClass {
  const { now, startsAt } = input
  if (now < startsAt - input.earlyMinutes * MINUTE_MS) return 'too-early'
  if (now <= startsAt) return 'on-time'
  if (now <= startsAt + input.lateMinutes * MINUTE_MS) return 'late'
  return 'missed'
}

/** The first instant a `too-early` customer may check in. */
export function earliestCheckIn(input: { startsAt: number; earlyMinutes: number }): number {
  return input.startsAt - input.earlyMinutes * MINUTE_MS
}
