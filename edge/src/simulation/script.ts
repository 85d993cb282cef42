import {
  PRIORITY_CLASSES,
  type PriorityClass,
  type TicketId,
  type Weekday,
} from '@kqms/shared/domain'
import {
  exponential,
  gamma,
  lognormal,
  pickWeighted,
  standardNormal,
  thinnedPoisson,
} from './distributions.js'
import { streamFor, type Rng } from './random.js'
import {
  peakRatePerMinute,
  serviceMixByClass,
  staffList,
  toMinutes,
  type Scenario,
  type StaffMember,
} from './scenario.js'

/**
 * A day's customer and operator "script" (design/queueing.md §5.1 CRN): everything the simulator
 * controls, generated once per (scenario, seed, replication) from per-entity substreams and then
 * replayed unchanged through every policy. All times are integer milliseconds after local midnight.
 */

export interface ScriptedCustomer {
  /** Draw order; identifies the customer across policies. */
  readonly index: number
  readonly ticketId: TicketId
  readonly arrival: number
  readonly serviceId: string
  readonly priorityClass: PriorityClass
  /** Intrinsic service work at speed factor 1, ms. */
  readonly work: number
  /** How long the customer waits before leaving; null: never leaves. */
  readonly patience: number | null
  /** Gone when called: the operator loses the grace period and marks a no-show. */
  readonly isGhost: boolean
  readonly appointmentSlot: number | null
  /** Uniform in [0, 1): tie-breaks the customer's own choices (e.g. equal lines). */
  readonly tieBreak: number
}

export interface ScriptedBreak {
  readonly start: number
  readonly duration: number
}

export interface ScriptedOperator extends StaffMember {
  readonly shiftStartMs: number
  readonly shiftEndMs: number
  readonly breaks: readonly ScriptedBreak[]
}

export interface DayScript {
  readonly scenarioId: string
  readonly seed: number
  readonly replication: number
  /** Local date, `YYYY-MM-DD`. */
  readonly date: string
  readonly weekday: Weekday
  /** UTC epoch ms of local midnight (engine instants are dayStart + script time). */
  readonly dayStart: number
  readonly open: number
  readonly close: number
  /** Product of the day's weekday, payday and busyness factors. */
  readonly dayFactor: number
  readonly customers: readonly ScriptedCustomer[]
  readonly operators: readonly ScriptedOperator[]
  readonly appointmentNoShows: number
}

const MINUTE = 60_000
const DAY_MS = 86_400_000

export interface GenerateOptions {
  readonly seed: number
  readonly replication: number
  /**
   * Nested demand (capacity-at-SLA searches): thin the arrivals from the rate of this demand
   * multiplier (≥ the scenario's) and key customers by candidate number, so a day at a higher
   * multiplier has the same customers plus more (design/queueing.md §5.4 "common grid, under
   * CRN"). Without it (the default) customers are keyed by arrival number.
   */
  readonly nestedUpTo?: number
}

export function generateDay(scenario: Scenario, options: GenerateOptions): DayScript {
  const { seed, replication } = options
  const date = dateOf(scenario.startDate, replication)
  const weekday = weekdayOf(date)
  const open = toMinutes(scenario.hours.open)
  const close = toMinutes(scenario.hours.close)
  const dayFactor = dayFactorOf(scenario, { seed, replication, date, weekday })
  const arrivals = arrivalRateOf(scenario, dayFactor)
  const ceiling = options.nestedUpTo
  if (ceiling !== undefined && ceiling < scenario.arrivals.demandMultiplier)
    throw new RangeError(
      `nestedUpTo ${ceiling} is below the demand multiplier ${scenario.arrivals.demandMultiplier}`,
    )
  const kept = thinnedPoisson(streamFor([seed, replication, 'arrivals']), {
    rate: arrivals.rate,
    // The same bound, bit for bit, at every multiplier up to the ceiling.
    maxRate:
      ceiling === undefined
        ? arrivals.maxRate
        : arrivalRateOf(
            { ...scenario, arrivals: { ...scenario.arrivals, demandMultiplier: ceiling } },
            dayFactor,
          ).maxRate,
    from: open,
    to: close,
  })

  const context = customerContext(scenario)
  const customers: ScriptedCustomer[] = []
  let appointmentNoShows = 0
  kept.forEach(({ time, candidate }, arrivalNumber) => {
    const index = options.nestedUpTo === undefined ? arrivalNumber : candidate
    const drawn = drawCustomer(context, {
      rng: streamFor([seed, replication, 'customer', index]),
      time,
      index,
      ticketId: ticketIdOf({ seed, replication, index }),
    })
    if (drawn === null) appointmentNoShows++
    else customers.push(drawn)
  })
  customers.sort((a, b) => a.arrival - b.arrival || a.index - b.index)

  return {
    scenarioId: scenario.id,
    seed,
    replication,
    date,
    weekday,
    dayStart: localMidnight(date, scenario.timeZone),
    open: open * MINUTE,
    close: close * MINUTE,
    dayFactor,
    customers,
    operators: scriptedOperators(scenario),
    appointmentNoShows,
  }
}

/**
 * The arrival rate of a day with the given day factor (per minute; t in minutes after midnight)
 * and its maximum, the thinning bound.
 */
export function arrivalRateOf(
  scenario: Scenario,
  dayFactor: number,
): { rate: (t: number) => number; maxRate: number } {
  const open = toMinutes(scenario.hours.open)
  const profile = scenario.arrivals.hourlyProfile
  const peak = Math.max(...profile)
  const peakRate = peakRatePerMinute(scenario) * dayFactor
  const surge = (t: number): number =>
    scenario.arrivals.surges
      .filter((s) => toMinutes(s.from) <= t && t < toMinutes(s.to))
      .reduce((f, s) => f * s.factor, 1)
  const maxSurge = scenario.arrivals.surges.reduce((f, s) => f * Math.max(1, s.factor), 1)
  return {
    rate: (t) => ((peakRate * (profile[Math.floor((t - open) / 60)] ?? 0)) / peak) * surge(t),
    maxRate: peakRate * maxSurge,
  }
}

/** What `drawCustomer` needs of the scenario, computed once per day. */
export interface CustomerContext {
  readonly scenario: Scenario
  readonly mix: Record<PriorityClass, number[]>
  readonly classShares: readonly number[]
  /** Opening and closing time, minutes after midnight. */
  readonly open: number
  readonly close: number
}

export function customerContext(scenario: Scenario): CustomerContext {
  return {
    scenario,
    mix: serviceMixByClass(scenario),
    classShares: PRIORITY_CLASSES.map((c) => scenario.classes[c].share),
    open: toMinutes(scenario.hours.open),
    close: toMinutes(scenario.hours.close),
  }
}

/**
 * One customer's attributes from his own substream (always the same number of draws), for an
 * arrival (an appointment's slot) at `time` minutes. Null: a booked appointment that never comes.
 * `punctual` drops the appointment's punctuality noise (arrival = slot).
 */
export function drawCustomer(
  context: CustomerContext,
  input: { rng: Rng; time: number; index: number; ticketId: TicketId; punctual?: boolean },
): ScriptedCustomer | null {
  const { scenario, open, close } = context
  const { rng, time: t } = input
  const priorityClass = PRIORITY_CLASSES[pickWeighted(rng, context.classShares)] ?? 'regular'
  const service = scenario.services[pickWeighted(rng, context.mix[priorityClass])]
  if (!service) throw new Error('no service drawn')
  const mean = service.meanMinutes * scenario.workMultiplier
  const workMinutes =
    service.distribution === 'exponential'
      ? exponential(rng, mean)
      : lognormal(rng, { mean, cv: service.cv })
  const patienceMean = scenario.classes[priorityClass].patienceMinutes
  const patienceMinutes =
    patienceMean === null
      ? null
      : scenario.patience.distribution === 'exponential'
        ? exponential(rng, patienceMean)
        : lognormal(rng, { mean: patienceMean, cv: scenario.patience.cv })
  const isGhost = rng.next() < scenario.ghostShare
  const punctuality = standardNormal(rng) * scenario.appointments.punctualitySdMinutes
  const bookedButAbsent = rng.next() < scenario.appointments.noShowShare
  const tieBreak = rng.next()
  const isAppointment = priorityClass === 'appointment'
  if (isAppointment && bookedButAbsent) return null
  const arrivalMinutes =
    isAppointment && input.punctual !== true
      ? Math.min(close - 1 / MINUTE, Math.max(open, t + punctuality))
      : t
  return {
    index: input.index,
    ticketId: input.ticketId,
    arrival: Math.round(arrivalMinutes * MINUTE),
    serviceId: service.id,
    priorityClass,
    work: Math.max(1000, Math.round(workMinutes * MINUTE)),
    patience: patienceMinutes === null ? null : Math.round(patienceMinutes * MINUTE),
    isGhost,
    appointmentSlot: isAppointment ? Math.round(t * MINUTE) : null,
    tieBreak,
  }
}

/** The scenario's operators with their shifts and breaks (part of every day's script). */
export function scriptedOperators(scenario: Scenario): ScriptedOperator[] {
  const breaks = scenario.breaks
  return staffList(scenario).map((member) => {
    let start: number | null = null
    let minutes = 0
    if (breaks.kind === 'staggered') {
      const slots = Math.max(
        1,
        Math.floor((toMinutes(breaks.to) - toMinutes(breaks.from)) / breaks.minutes),
      )
      start = toMinutes(breaks.from) + (member.index % slots) * breaks.minutes
      minutes = breaks.minutes
    } else if (breaks.kind === 'simultaneous') {
      start = toMinutes(breaks.at)
      minutes = breaks.minutes
    }
    const onShift =
      start !== null && member.shiftStart <= start && start + minutes <= member.shiftEnd
    return {
      ...member,
      shiftStartMs: member.shiftStart * MINUTE,
      shiftEndMs: member.shiftEnd * MINUTE,
      breaks:
        onShift && start !== null ? [{ start: start * MINUTE, duration: minutes * MINUTE }] : [],
    }
  })
}

function dayFactorOf(
  scenario: Scenario,
  input: { seed: number; replication: number; date: string; weekday: Weekday },
): number {
  const a = scenario.arrivals
  if (!a.calendar) return 1
  const dayOfMonth = Number(input.date.slice(8, 10))
  const busyness = gamma(streamFor([input.seed, input.replication, 'busyness']), {
    mean: 1,
    cv: a.busynessCv,
  })
  return (
    (a.weekdayFactors[input.weekday] ?? 1) *
    (a.paydayDays.includes(dayOfMonth) ? a.paydayFactor : 1) *
    busyness
  )
}

/** A valid, deterministic UUID (version 7 layout) per (seed, replication, customer). */
export function ticketIdOf(input: { seed: number; replication: number; index: number }): TicketId {
  const hex = (n: number, width: number) =>
    (n >>> 0).toString(16).padStart(width, '0').slice(-width)
  return `${hex(input.seed, 8)}-${hex(input.replication, 4)}-7000-8000-${hex(input.index, 12)}` as TicketId
}

const WEEKDAY_BY_UTC_DAY: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']

function utcMidnightOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number)
  return Date.UTC(y ?? 1970, (m ?? 1) - 1, d ?? 1)
}

const isoDate = (ms: number): string => new Date(ms).toISOString().slice(0, 10)

export function weekdayOf(date: string): Weekday {
  return WEEKDAY_BY_UTC_DAY[new Date(utcMidnightOf(date)).getUTCDay()] ?? 'mon'
}

/** Replication r (from 1) runs on the (r − 1)-th working day (Mon–Sat) from `startDate`. */
export function dateOf(startDate: string, replication: number): string {
  let ms = utcMidnightOf(startDate)
  if (weekdayOf(isoDate(ms)) === 'sun') ms += DAY_MS
  for (let k = 1; k < replication; k++) {
    ms += DAY_MS
    if (weekdayOf(isoDate(ms)) === 'sun') ms += DAY_MS
  }
  return isoDate(ms)
}

/** UTC epoch ms of 00:00 local time on `date` in `timeZone` (zones without DST at midnight). */
export function localMidnight(date: string, timeZone: string): number {
  const utc = utcMidnightOf(date)
  const parts: Record<string, string> = {}
  const format = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  })
  for (const p of format.formatToParts(utc)) parts[p.type] = p.value
  const asUtc = Date.UTC(
    Number(parts['year']),
    Number(parts['month']) - 1,
    Number(parts['day']),
    Number(parts['hour']),
    Number(parts['minute']),
  )
  return utc - (asUtc - utc)
}
