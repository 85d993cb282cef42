import { PriorityPolicy, PRIORITY_CLASSES, WEEKDAYS, type PriorityClass } from '@kqms/shared/domain'
import { z } from 'zod'

/**
 * A simulated branch: demand, service mix, customers' behaviour and staff (design/queueing.md §4,
 * §5.2). Scenario files are JSON parsed with this schema; `scripts/sim/scenarios/` ships the
 * standard S/M/L × normal/busy/peak set.
 */

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)')
const Slug = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'must be a slug')

export const ScenarioService = z.object({
  id: Slug,
  /** Ticket-number prefix in the engine (`A` → A001). */
  prefix: z.string().regex(/^[A-Z]{1,2}$/),
  /** Share of all tickets. */
  share: z.number().min(0).max(1),
  /** Mean service time, minutes: also the engine's configured expectation. */
  meanMinutes: z.number().positive().max(240),
  cv: z.number().min(0).max(3),
  distribution: z.enum(['lognormal', 'exponential']).default('lognormal'),
})
export type ScenarioService = z.infer<typeof ScenarioService>

export const ScenarioClass = z.object({
  share: z.number().min(0).max(1),
  /** Mean patience in minutes; null: never abandons. */
  patienceMinutes: z.number().positive().nullable(),
  /** Service mix of this class. Classes without one share what is left of the overall mix. */
  serviceMix: z.record(z.string(), z.number().min(0)).optional(),
})
export type ScenarioClass = z.infer<typeof ScenarioClass>

const Shift = z.object({ start: ClockTime, end: ClockTime })

export const ScenarioBreaks = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }),
  /** Back-to-back slots of `minutes` in [from, to); operator i takes slot i mod (number of slots). */
  z.object({
    kind: z.literal('staggered'),
    from: ClockTime,
    to: ClockTime,
    minutes: z.number().positive(),
  }),
  /** Everybody at once. */
  z.object({ kind: z.literal('simultaneous'), at: ClockTime, minutes: z.number().positive() }),
])
export type ScenarioBreaks = z.infer<typeof ScenarioBreaks>

export const ScenarioArrivals = z.object({
  /** Peak-hour utilisation a fully pooled branch with all staff would see (§4.2): sets the rate. */
  peakUtilisation: z.number().positive().max(3),
  /** Scales demand after calibration (capacity-at-SLA searches). */
  demandMultiplier: z.number().positive().max(10).default(1),
  /** Hourly multipliers from opening time, one per started hour. */
  hourlyProfile: z.array(z.number().min(0)).min(1),
  /** Apply the weekday, payday and busyness factors of each replication's date. */
  calendar: z.boolean().default(false),
  weekdayFactors: z.partialRecord(z.enum(WEEKDAYS), z.number().positive()).default({}),
  paydayFactor: z.number().positive().default(1),
  paydayDays: z.array(z.number().int().min(1).max(31)).default([]),
  /** Coefficient of variation of a gamma day-level busyness factor (doubly stochastic arrivals). */
  busynessCv: z.number().min(0).max(1).default(0),
  /** Extra multipliers in local-time windows (e.g. a pre-holiday surge). */
  surges: z
    .array(z.object({ from: ClockTime, to: ClockTime, factor: z.number().positive() }))
    .default([]),
})
export type ScenarioArrivals = z.infer<typeof ScenarioArrivals>

export const Scenario = z
  .object({
    id: Slug,
    description: z.string().default(''),
    timeZone: z.string().min(1).default('Asia/Almaty'),
    /** Replication r runs on startDate + (r − 1) days (Sundays skipped). */
    startDate: z.iso.date(),
    hours: z.object({ open: ClockTime, close: ClockTime }),
    arrivals: ScenarioArrivals,
    services: z.array(ScenarioService).min(1),
    /** Dedicated queues of the B2 baseline; defaults to one group per service. */
    serviceGroups: z.array(z.object({ id: Slug, services: z.array(z.string()).min(1) })).optional(),
    classes: z.object({
      appointment: ScenarioClass,
      vip: ScenarioClass,
      elderly: ScenarioClass,
      regular: ScenarioClass,
    }),
    patience: z
      .object({
        distribution: z.enum(['exponential', 'lognormal']).default('exponential'),
        /** Only for lognormal patience. */
        cv: z.number().min(0).max(3).default(1),
      })
      .default({ distribution: 'exponential', cv: 1 }),
    /** Share of tickets whose holder is gone when called (ghost tickets). */
    ghostShare: z.number().min(0).max(1).default(0),
    /** Operator time lost per ghost ticket before it is marked a no-show. */
    noShowGraceMinutes: z.number().min(0).default(1),
    /** Time from the call to the start of service (customer walks to the counter). */
    walkSeconds: z.number().min(0).default(0),
    appointments: z
      .object({
        /** Booked appointments that never come (no ticket). */
        noShowShare: z.number().min(0).max(1).default(0),
        /** Arrival = slot + N(0, sd), minutes. */
        punctualitySdMinutes: z.number().min(0).default(5),
      })
      .default({ noShowShare: 0, punctualitySdMinutes: 5 }),
    /** Actual work / configured mean (stress: service 20% longer than the engine assumes). */
    workMultiplier: z.number().positive().default(1),
    /** Operator speed factor by skill level (service time multiplier); universal baselines use 1. */
    speedByLevel: z
      .object({
        primary: z.number().positive(),
        secondary: z.number().positive(),
        backup: z.number().positive(),
      })
      .default({ primary: 1, secondary: 1, backup: 1 }),
    roles: z.record(
      Slug,
      z.object({
        skills: z.record(z.string(), z.union([z.literal(1), z.literal(2), z.literal(3)])),
      }),
    ),
    staff: z
      .array(
        z.object({
          role: z.string(),
          count: z.number().int().min(0).max(50),
          shift: Shift.optional(),
        }),
      )
      .min(1),
    breaks: ScenarioBreaks.default({ kind: 'none' }),
    /** Engine routing policy for this branch; the engine's DEFAULT_POLICY when absent. */
    enginePolicy: PriorityPolicy.optional(),
  })
  .superRefine((s, ctx) => {
    for (const problem of scenarioProblems(s)) ctx.addIssue({ code: 'custom', message: problem })
  })
export type Scenario = z.infer<typeof Scenario>
export type ScenarioInput = z.input<typeof Scenario>

const near = (a: number, b: number): boolean => Math.abs(a - b) < 1e-6

function scenarioProblems(s: z.infer<typeof Scenario>): string[] {
  const problems: string[] = []
  const serviceIds = new Set(s.services.map((x) => x.id))
  if (serviceIds.size !== s.services.length) problems.push('service ids must be unique')
  if (new Set(s.services.map((x) => x.prefix)).size !== s.services.length)
    problems.push('service prefixes must be unique')
  const serviceShare = s.services.reduce((sum, x) => sum + x.share, 0)
  if (!near(serviceShare, 1)) problems.push(`service shares sum to ${serviceShare}, not 1`)
  const classShare = PRIORITY_CLASSES.reduce((sum, c) => sum + s.classes[c].share, 0)
  if (!near(classShare, 1)) problems.push(`class shares sum to ${classShare}, not 1`)
  if (toMinutes(s.hours.open) >= toMinutes(s.hours.close))
    problems.push('open must be before close')
  const hours = Math.ceil((toMinutes(s.hours.close) - toMinutes(s.hours.open)) / 60)
  if (s.arrivals.hourlyProfile.length !== hours)
    problems.push(`hourlyProfile needs ${hours} values, one per opening hour`)
  for (const c of PRIORITY_CLASSES)
    for (const id of Object.keys(s.classes[c].serviceMix ?? {}))
      if (!serviceIds.has(id)) problems.push(`class ${c}: unknown service ${id}`)
  for (const [role, { skills }] of Object.entries(s.roles))
    for (const id of Object.keys(skills))
      if (!serviceIds.has(id)) problems.push(`role ${role}: unknown service ${id}`)
  for (const member of s.staff)
    if (!(member.role in s.roles)) problems.push(`staff: unknown role ${member.role}`)
  if (s.staff.reduce((n, m) => n + m.count, 0) === 0) problems.push('staff: nobody at work')
  if (s.serviceGroups) {
    const grouped = s.serviceGroups.flatMap((g) => g.services)
    if (grouped.length !== serviceIds.size || !grouped.every((id) => serviceIds.has(id)))
      problems.push('serviceGroups must list every service exactly once')
  }
  if (problems.length === 0)
    try {
      serviceMixByClass(s)
    } catch (error) {
      problems.push(error instanceof Error ? error.message : String(error))
    }
  return problems
}

/** Parses a scenario file's JSON, listing every problem. */
export function parseScenario(json: unknown): Scenario {
  const parsed = Scenario.safeParse(json)
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${i.path.join('.') || '(scenario)'}: ${i.message}`,
    )
    throw new Error(`Invalid scenario:\n  ${problems.join('\n  ')}`)
  }
  return parsed.data
}

/** `HH:MM` → minutes after midnight. */
export function toMinutes(time: string): number {
  const [h, m] = time.split(':').map(Number)
  return (h ?? 0) * 60 + (m ?? 0)
}

/** Mean configured service time of the mix, minutes. */
export function meanServiceMinutes(s: Pick<Scenario, 'services'>): number {
  return s.services.reduce((sum, x) => sum + x.share * x.meanMinutes, 0)
}

export function staffCount(s: Pick<Scenario, 'staff'>): number {
  return s.staff.reduce((n, m) => n + m.count, 0)
}

/**
 * Arrival rate at the profile's peak (per minute) before day factors: ρ_peak · c / E[S], for the
 * customers who actually come (booked appointments that never come are drawn on top).
 */
export function peakRatePerMinute(s: Scenario): number {
  const showing = 1 - s.classes.appointment.share * s.appointments.noShowShare
  return (
    (s.arrivals.peakUtilisation * staffCount(s) * s.arrivals.demandMultiplier) /
    meanServiceMinutes(s) /
    showing
  )
}

/** Expected tickets on a day with all day factors 1. */
export function expectedArrivalsPerDay(s: Scenario): number {
  const profile = s.arrivals.hourlyProfile
  const peak = Math.max(...profile)
  const open = toMinutes(s.hours.open)
  const close = toMinutes(s.hours.close)
  return (
    profile.reduce((sum, p, h) => {
      const minutes = Math.min(60, close - (open + h * 60))
      return sum + (peakRatePerMinute(s) * minutes * p) / peak
    }, 0) *
    (1 - s.classes.appointment.share * s.appointments.noShowShare)
  )
}

/**
 * Service weights (aligned with `s.services`) for each class. Classes with their own mix use it;
 * the others share the residual, so the overall mix stays exactly `services[].share`.
 */
export function serviceMixByClass(
  s: Pick<Scenario, 'services' | 'classes'>,
): Record<PriorityClass, number[]> {
  const own = PRIORITY_CLASSES.filter((c) => s.classes[c].serviceMix !== undefined)
  const normalised = (c: PriorityClass): number[] => {
    const mix = s.classes[c].serviceMix ?? {}
    const total = Object.values(mix).reduce((a, b) => a + b, 0)
    if (total <= 0) throw new Error(`class ${c}: serviceMix is empty`)
    return s.services.map((x) => (mix[x.id] ?? 0) / total)
  }
  const ownShare = own.reduce((sum, c) => sum + s.classes[c].share, 0)
  const residual = s.services.map(
    (x, i) =>
      x.share - own.reduce((sum, c) => sum + s.classes[c].share * (normalised(c)[i] ?? 0), 0),
  )
  if (residual.some((r) => r < -1e-9))
    throw new Error('class service mixes ask for more of a service than its overall share')
  const restShare = 1 - ownShare
  const rest = residual.map((r) => (restShare > 0 ? Math.max(0, r) / restShare : 0))
  const result = {} as Record<PriorityClass, number[]>
  for (const c of PRIORITY_CLASSES) result[c] = own.includes(c) ? normalised(c) : rest
  return result
}

export interface StaffMember {
  readonly index: number
  readonly id: string
  readonly role: string
  readonly skills: Readonly<Record<string, 1 | 2 | 3>>
  /** Minutes after midnight. */
  readonly shiftStart: number
  readonly shiftEnd: number
}

/** The operators, numbered in `staff` order (`op-01`, `op-02`, …). */
export function staffList(s: Scenario): StaffMember[] {
  const members: StaffMember[] = []
  for (const member of s.staff)
    for (let k = 0; k < member.count; k++) {
      const index = members.length
      members.push({
        index,
        id: `op-${String(index + 1).padStart(2, '0')}`,
        role: member.role,
        skills: s.roles[member.role]?.skills ?? {},
        shiftStart: toMinutes(member.shift?.start ?? s.hours.open),
        shiftEnd: toMinutes(member.shift?.end ?? s.hours.close),
      })
    }
  return members
}

/** Service groups of the dedicated-queue baseline (B2). */
export function serviceGroups(s: Scenario): { id: string; services: string[] }[] {
  return s.serviceGroups ?? s.services.map((x) => ({ id: x.id, services: [x.id] }))
}
