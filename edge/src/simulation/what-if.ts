import {
  QueueEvent,
  type PriorityClass,
  type PriorityPolicy,
  type Service,
  type TicketId,
} from '@kqms/shared/domain'
import { z } from 'zod'
import { toLocalTime } from '../domain/calendar.js'
import { DEFAULT_POLICY } from '../domain/state.js'
import { exponential, lognormal } from './distributions.js'
import { createEnginePolicy } from './engine-policy.js'
import { summarize, waitStats, type Summary, type WaitStats } from './metrics.js'
import { streamFor } from './random.js'
import type { Scenario } from './scenario.js'
import type { DayScript, ScriptedBreak, ScriptedCustomer, ScriptedOperator } from './script.js'
import { localMidnight } from './script.js'
import { simulateDay, type DayResult, type TicketRecord } from './simulator.js'
import { pairedDifference, type Interval } from './statistics.js'

/**
 * What-if replay (design/features.md "digital-twin replay"): a recorded branch day, as the
 * appliance's `QueueEvent`s (e.g. the `payload` column of the SQLite `events` table), is turned
 * into a customer and operator script and simulated twice through the engine: once with the
 * recorded policy and staff (the model of the day) and once with a candidate policy or staffing.
 * The difference between the two runs is the predicted change.
 *
 * From the log: arrivals, service, class; service work = finish − start of served tickets;
 * ghosts = tickets marked no-show; patience = time to cancellation for customers who left. What
 * the log cannot show is drawn from seeded streams: the service work of customers never served
 * (lognormal with the service's configured mean and cv) and the patience of customers who did
 * not leave, censored at their wait (exponential with the day's maximum-likelihood abandonment
 * rate, which is memoryless, so the remaining patience is again exponential). Several draws
 * (replications) are averaged and paired between the two runs.
 *
 * Limits: a visit's first service only (transfers and redirects are not followed); operators keep
 * their recorded sign-in, sign-out and pause times; the same day's walk and no-show grace times.
 */

const MINUTE = 60_000

/** Parses an exported event log (anything crossing a boundary is parsed, never cast). */
export function parseEventLog(json: unknown): QueueEvent[] {
  return z.array(QueueEvent).parse(json)
}

export interface StaffingChange {
  /** Operators who would not work that day. */
  readonly remove?: readonly string[]
  /** Extra operators with their skills and hours (`HH:MM`, local). */
  readonly add?: readonly {
    readonly id: string
    readonly skills: Readonly<Record<string, 1 | 2 | 3>>
    readonly from: string
    readonly to: string
  }[]
  /** New skills for existing operators. */
  readonly skills?: Readonly<Record<string, Readonly<Record<string, 1 | 2 | 3>>>>
}

export interface WhatIfChange {
  readonly policy?: PriorityPolicy
  readonly staffing?: StaffingChange
}

export interface WhatIfReport {
  readonly date: string
  /** As recorded in the log (waits to the call; tickets still open at close count as unserved). */
  readonly recorded: WaitStats
  /** The recorded policy and staff, simulated: compare with `recorded` to judge the model. */
  readonly baseline: Summary
  readonly candidate: Summary
  /** Candidate − baseline, paired over replications. */
  readonly change: {
    readonly meanWait: Interval
    readonly sl15: Interval
    readonly abandonment: Interval
  }
  readonly replications: number
}

interface RecordedTicket {
  readonly ticketId: TicketId
  readonly serviceId: string
  readonly priorityClass: PriorityClass
  readonly issuedAt: number
  calledAt: number | null
  startedAt: number | null
  finishedAt: number | null
  leftAt: number | null
  outcome: 'served' | 'abandoned' | 'no_show' | 'open'
}

interface RecordedDay {
  readonly date: string
  readonly dayStart: number
  readonly timeZone: string
  readonly services: ReadonlyMap<string, Service>
  readonly policy: PriorityPolicy
  readonly tickets: readonly RecordedTicket[]
  readonly operators: readonly {
    readonly id: string
    readonly skills: Readonly<Record<string, 1 | 2 | 3>>
    readonly intervals: readonly { start: number; end: number | null }[]
    readonly pauses: readonly { start: number; end: number | null }[]
  }[]
  readonly walkMs: number
  readonly graceMs: number
}

/** Reads the first business day in the log (or `date`) out of the events. */
export function readRecordedDay(events: readonly QueueEvent[], date?: string): RecordedDay {
  let timeZone = 'UTC'
  let policy = DEFAULT_POLICY
  const services = new Map<string, Service>()
  const skills = new Map<string, Readonly<Record<string, 1 | 2 | 3>>>()
  const day =
    date ??
    events.find(
      (e): e is Extract<QueueEvent, { type: 'TicketIssuedV1' }> => e.type === 'TicketIssuedV1',
    )?.day
  if (!day) throw new Error('the event log has no ticket')
  const tickets = new Map<string, RecordedTicket>()
  const intervals = new Map<string, { start: number; end: number | null }[]>()
  const pauses = new Map<string, { start: number; end: number | null }[]>()
  const inDay = (at: number) => toLocalTime(at as QueueEvent['at'], timeZone).day === day
  for (const e of events) {
    switch (e.type) {
      case 'BranchConfiguredV1':
        timeZone = e.branch.timeZone
        break
      case 'ServiceConfiguredV1':
        services.set(e.service.id, e.service)
        break
      case 'PriorityPolicyConfiguredV1':
        policy = e.policy
        break
      case 'OperatorConfiguredV1':
        skills.set(e.operator.id, e.operator.skills as Record<string, 1 | 2 | 3>)
        break
      default:
        if (!inDay(e.at)) break
        recordEvent(e, { tickets, intervals, pauses })
    }
  }
  const all = [...tickets.values()]
  const served = all.filter(
    (t) => t.outcome === 'served' && t.calledAt !== null && t.startedAt !== null,
  )
  const noShows = all.filter(
    (t) => t.outcome === 'no_show' && t.calledAt !== null && t.leftAt !== null,
  )
  return {
    date: day,
    dayStart: localMidnight(day, timeZone),
    timeZone,
    services,
    policy,
    tickets: all.sort((a, b) => a.issuedAt - b.issuedAt),
    operators: [...intervals.keys()].sort().map((id) => ({
      id,
      skills: skills.get(id) ?? {},
      intervals: intervals.get(id) ?? [],
      pauses: pauses.get(id) ?? [],
    })),
    walkMs: median(served.map((t) => (t.startedAt ?? 0) - (t.calledAt ?? 0))),
    graceMs: median(noShows.map((t) => (t.leftAt ?? 0) - (t.calledAt ?? 0))) || MINUTE,
  }
}

function recordEvent(
  e: QueueEvent,
  into: {
    tickets: Map<string, RecordedTicket>
    intervals: Map<string, { start: number; end: number | null }[]>
    pauses: Map<string, { start: number; end: number | null }[]>
  },
): void {
  const { tickets, intervals, pauses } = into
  const open = (map: typeof intervals, id: string, at: number) => {
    const list = map.get(id) ?? []
    list.push({ start: at, end: null })
    map.set(id, list)
  }
  const close = (map: typeof intervals, id: string, at: number) => {
    const last = map.get(id)?.at(-1)
    if (last?.end === null) last.end = at
  }
  switch (e.type) {
    case 'OperatorSignedInV1':
      open(intervals, e.operatorId, e.at)
      break
    case 'OperatorSignedOutV1':
      close(intervals, e.operatorId, e.at)
      break
    case 'OperatorPausedV1':
      open(pauses, e.operatorId, e.at)
      break
    case 'OperatorResumedV1':
      close(pauses, e.operatorId, e.at)
      break
    case 'TicketIssuedV1':
      tickets.set(e.ticketId, {
        ticketId: e.ticketId,
        serviceId: e.serviceId,
        priorityClass: e.priorityClass,
        issuedAt: e.at,
        calledAt: null,
        startedAt: null,
        finishedAt: null,
        leftAt: null,
        outcome: 'open',
      })
      break
    case 'TicketCalledV1': {
      const t = tickets.get(e.ticketId)
      if (t?.calledAt === null) t.calledAt = e.at
      break
    }
    case 'TicketServiceStartedV1': {
      const t = tickets.get(e.ticketId)
      if (t?.startedAt === null) t.startedAt = e.at
      break
    }
    case 'TicketFinishedV1':
    case 'TicketRedirectedV1': {
      const t = tickets.get(e.ticketId)
      if (t?.outcome === 'open') {
        t.finishedAt = e.at
        t.outcome = 'served'
      }
      break
    }
    case 'TicketNoShowV1': {
      const t = tickets.get(e.ticketId)
      if (t?.outcome === 'open') {
        t.leftAt = e.at
        t.outcome = 'no_show'
      }
      break
    }
    case 'TicketCancelledV1': {
      const t = tickets.get(e.ticketId)
      if (t?.outcome === 'open') {
        t.leftAt = e.at
        t.outcome = 'abandoned'
      }
      break
    }
    default:
      break
  }
}

const median = (xs: readonly number[]): number => {
  if (xs.length === 0) return 0
  const sorted = [...xs].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? 0
}

const hhmm = (ms: number): string => {
  const minutes = Math.max(0, Math.min(23 * 60 + 59, Math.floor(ms / MINUTE)))
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`
}

/** The recorded day as a scenario (catalogue, staff) and a customer script for one replication. */
function toScript(
  recorded: RecordedDay,
  input: { staffing: StaffingChange | undefined; replication: number; seed: number },
): { scenario: Scenario; script: DayScript } {
  const { staffing, replication, seed } = input
  const rel = (at: number) => at - recorded.dayStart
  const firstIssue = recorded.tickets[0]?.issuedAt ?? recorded.dayStart
  const lastIssue = recorded.tickets.at(-1)?.issuedAt ?? firstIssue
  // Maximum-likelihood exponential abandonment rate over every waiting customer's exposure.
  let exposure = 0
  let abandoned = 0
  for (const t of recorded.tickets) {
    const left = t.calledAt ?? t.leftAt
    if (left !== null) exposure += left - t.issuedAt
    if (t.outcome === 'abandoned') abandoned++
  }
  const meanPatience = abandoned > 0 ? exposure / abandoned : null
  const customers: ScriptedCustomer[] = recorded.tickets.map((t, index) => {
    const rng = streamFor([seed, replication, 'what-if', t.ticketId])
    const service = recorded.services.get(t.serviceId)
    const mean = (service?.expectedServiceSeconds ?? 600) * 1000
    const drawnWork = lognormal(rng, { mean, cv: service?.serviceTimeCv ?? 0.6 })
    const work =
      t.outcome === 'served' && t.startedAt !== null && t.finishedAt !== null
        ? t.finishedAt - t.startedAt
        : drawnWork
    const waited = (t.calledAt ?? t.leftAt ?? lastIssue) - t.issuedAt
    const extra = meanPatience === null ? null : exponential(rng, meanPatience)
    const patience =
      t.outcome === 'abandoned' ? waited : extra === null ? null : Math.max(0, waited) + extra
    return {
      index,
      ticketId: t.ticketId,
      arrival: rel(t.issuedAt),
      serviceId: t.serviceId,
      priorityClass: t.priorityClass,
      work: Math.max(1000, Math.round(work)),
      patience: patience === null ? null : Math.round(patience),
      isGhost: t.outcome === 'no_show',
      appointmentSlot: null,
      tieBreak: rng.next(),
    }
  })

  const removed = new Set(staffing?.remove ?? [])
  const recordedOperators = recorded.operators.filter(
    (o) => !removed.has(o.id) && o.intervals.length > 0,
  )
  const close = rel(lastIssue) + 1
  const operators: ScriptedOperator[] = []
  for (const o of recordedOperators) {
    const start = rel(o.intervals[0]?.start ?? firstIssue)
    const lastEnd = o.intervals.at(-1)?.end ?? null
    const end = lastEnd === null ? Math.max(close, start) : rel(lastEnd)
    const breaks: ScriptedBreak[] = []
    o.intervals.forEach((interval, k) => {
      const next = o.intervals[k + 1]
      if (interval.end !== null && next)
        breaks.push({ start: rel(interval.end), duration: next.start - interval.end })
    })
    for (const p of o.pauses)
      if (p.end !== null) breaks.push({ start: rel(p.start), duration: p.end - p.start })
    operators.push(
      operatorOf(
        { id: o.id, skills: staffing?.skills?.[o.id] ?? o.skills, start, end, breaks },
        operators.length,
      ),
    )
  }
  for (const extra of staffing?.add ?? [])
    operators.push(
      operatorOf(
        {
          id: extra.id,
          skills: extra.skills,
          start: toMs(extra.from),
          end: toMs(extra.to),
          breaks: [],
        },
        operators.length,
      ),
    )

  const services = [...recorded.services.values()]
  const scenario: Scenario = {
    id: `replay-${recorded.date}`,
    description: 'what-if replay of a recorded day',
    timeZone: recorded.timeZone,
    startDate: recorded.date,
    hours: { open: hhmm(rel(firstIssue)), close: hhmm(close) },
    arrivals: {
      peakUtilisation: 1,
      demandMultiplier: 1,
      hourlyProfile: [1],
      calendar: false,
      weekdayFactors: {},
      paydayFactor: 1,
      paydayDays: [],
      busynessCv: 0,
      surges: [],
    },
    services: services.map((s) => ({
      id: s.id,
      prefix: s.prefix,
      share: 1 / services.length,
      // The engine adapter configures mean + walk: give it back exactly the recorded expectation.
      meanMinutes: Math.max(1 / 60, (s.expectedServiceSeconds - recorded.walkMs / 1000) / 60),
      cv: s.serviceTimeCv,
      distribution: 'lognormal',
    })),
    classes: {
      appointment: { share: 0, patienceMinutes: null },
      vip: { share: 0, patienceMinutes: null },
      elderly: { share: 0, patienceMinutes: null },
      regular: { share: 1, patienceMinutes: null },
    },
    patience: { distribution: 'exponential', cv: 1 },
    ghostShare: 0,
    noShowGraceMinutes: recorded.graceMs / MINUTE,
    walkSeconds: recorded.walkMs / 1000,
    appointments: { noShowShare: 0, punctualitySdMinutes: 0 },
    workMultiplier: 1,
    speedByLevel: { primary: 1, secondary: 1, backup: 1 },
    roles: {},
    staff: [{ role: 'recorded', count: operators.length }],
    breaks: { kind: 'none' },
    enginePolicy: recorded.policy,
  }
  const script: DayScript = {
    scenarioId: scenario.id,
    seed,
    replication,
    date: recorded.date,
    weekday: toLocalTime(firstIssue as QueueEvent['at'], recorded.timeZone).weekday,
    dayStart: recorded.dayStart,
    open: rel(firstIssue),
    close,
    dayFactor: 1,
    customers,
    operators,
    appointmentNoShows: 0,
  }
  return { scenario, script }
}

const toMs = (time: string): number => {
  const [h, m] = time.split(':').map(Number)
  return ((h ?? 0) * 60 + (m ?? 0)) * MINUTE
}

function operatorOf(
  o: {
    id: string
    skills: Readonly<Record<string, 1 | 2 | 3>>
    start: number
    end: number
    breaks: ScriptedBreak[]
  },
  index: number,
): ScriptedOperator {
  return {
    index,
    id: o.id,
    role: 'recorded',
    skills: o.skills,
    shiftStart: Math.floor(o.start / MINUTE),
    shiftEnd: Math.ceil(o.end / MINUTE),
    shiftStartMs: o.start,
    shiftEndMs: o.end,
    breaks: o.breaks.filter((b) => b.duration > 0).sort((a, b) => a.start - b.start),
  }
}

function simulate(
  recorded: RecordedDay,
  input: { change: WhatIfChange; replication: number; seed: number },
): DayResult {
  const { scenario, script } = toScript(recorded, {
    staffing: input.change.staffing,
    replication: input.replication,
    seed: input.seed,
  })
  const policy = createEnginePolicy(scenario, script, {
    policy: input.change.policy ?? recorded.policy,
    recordEvents: false,
  })
  const meanServiceMs =
    ([...recorded.services.values()].reduce((s, x) => s + x.expectedServiceSeconds, 0) /
      Math.max(1, recorded.services.size)) *
    1000
  return simulateDay(script, policy, {
    meanServiceMs,
    walkMs: recorded.walkMs,
    noShowGraceMs: recorded.graceMs,
  })
}

/** Replays a recorded day with and without the change and reports the predicted difference. */
export function whatIf(
  events: readonly QueueEvent[],
  input: { change: WhatIfChange; replications?: number; seed?: number; date?: string },
): WhatIfReport {
  const recorded = readRecordedDay(events, input.date)
  const replications = input.replications ?? 10
  const seed = input.seed ?? 1
  const baseline: DayResult[] = []
  const candidate: DayResult[] = []
  for (let r = 1; r <= replications; r++) {
    baseline.push(simulate(recorded, { change: {}, replication: r, seed }))
    candidate.push(simulate(recorded, { change: input.change, replication: r, seed }))
  }
  const per = (days: readonly DayResult[], pick: (s: WaitStats) => number) =>
    days.map((d) => pick(waitStats(d.tickets)))
  const diff = (pick: (s: WaitStats) => number) =>
    pairedDifference(per(candidate, pick), per(baseline, pick))
  return {
    date: recorded.date,
    recorded: waitStats(recorded.tickets.map((t) => toRecord(t, recorded.dayStart))),
    baseline: summarize(baseline),
    candidate: summarize(candidate),
    change: {
      meanWait: diff((s) => s.meanWait),
      sl15: diff((s) => s.sl15),
      abandonment: diff((s) => s.abandonment),
    },
    replications,
  }
}

function toRecord(t: RecordedTicket, dayStart: number): TicketRecord {
  const left = t.calledAt ?? t.leftAt ?? t.issuedAt
  return {
    index: 0,
    serviceId: t.serviceId,
    priorityClass: t.priorityClass,
    arrival: t.issuedAt - dayStart,
    outcome: t.outcome === 'open' ? 'abandoned' : t.outcome,
    leftQueue: left - dayStart,
    wait: left - t.issuedAt,
    started: t.startedAt === null ? null : t.startedAt - dayStart,
    finished: t.finishedAt === null ? null : t.finishedAt - dayStart,
    operatorIndex: null,
    predictedByPolicy: null,
    predictedByQueueLength: null,
    predictedByHeadOfLine: null,
    predictedByLastToEnter: null,
    predictedByClairvoyant: null,
    predictedByClairvoyantMedian: null,
    waitingAtIssue: 0,
    appointmentSlot: null,
  }
}
