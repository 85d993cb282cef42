import type {
  Branch,
  BranchId,
  Counter,
  CounterId,
  Instant,
  Operator,
  OperatorId,
  PriorityPolicy,
  QueueEvent,
  Service,
  ServiceId,
  TicketId,
} from '@kqms/shared/domain'
import { WEEKDAYS } from '@kqms/shared/domain'
import { applyAll } from '../domain/apply.js'
import type { Command } from '../domain/commands.js'
import { decide } from '../domain/decide.js'
import { predictWaits } from '../domain/prediction.js'
import { DEFAULT_POLICY, emptyState, type QueueState } from '../domain/state.js'
import type { IdleOperator, SimPolicy } from './policy.js'
import type { Scenario } from './scenario.js'
import type { DayScript, ScriptedCustomer, ScriptedOperator } from './script.js'

/**
 * Policy T: the real engine (`decide`/`apply`, `predictWaits`) driven by the simulator's virtual
 * clock. Every simulator action becomes an engine command at `dayStart + time`; the engine decides
 * which ticket a calling operator gets, and its forward-replay predictor gives the announced wait.
 */

export type IdleSelection = 'fewest-skills' | 'longest-idle'

export interface EnginePolicyOptions {
  readonly policy?: PriorityPolicy
  /** Shell rule for which idle operator calls a new ticket (design/queueing.md §1.6). */
  readonly idleSelection?: IdleSelection
  /** Run `predictWaits` at every issue (costs time; off for tuning runs). */
  readonly predict?: boolean
  /** Keep the engine's event log (what-if replays and golden tests read it). */
  readonly recordEvents?: boolean
}

export interface EnginePolicy extends SimPolicy {
  readonly events: readonly QueueEvent[]
  readonly state: () => QueueState
}

const text = (en: string) => ({ kk: en, ru: en, en })
export const counterIdOf = (operator: Pick<ScriptedOperator, 'index'>): CounterId =>
  `c-${String(operator.index + 1).padStart(2, '0')}` as CounterId

/** Catalogue commands that configure the engine for a scenario's branch and staff. */
export function configurationCommands(
  scenario: Scenario,
  input: { operators: readonly ScriptedOperator[]; policy: PriorityPolicy },
): Command[] {
  const hours = [{ open: scenario.hours.open, close: scenario.hours.close }]
  const branch: Branch = {
    id: `sim-${scenario.id}`.slice(0, 64) as BranchId,
    name: text(`Simulated ${scenario.id}`),
    address: text('Simulation'),
    timeZone: scenario.timeZone,
    openingHours: Object.fromEntries(WEEKDAYS.map((d) => [d, hours])),
  }
  const services: Service[] = scenario.services.map((s) => ({
    id: s.id as ServiceId,
    prefix: s.prefix,
    name: text(s.id),
    category: text('Simulated'),
    dailyCap: null,
    // What a branch calibrates from its logs: counter time per ticket, call to finish.
    expectedServiceSeconds: Math.max(10, Math.round(s.meanMinutes * 60 + scenario.walkSeconds)),
    serviceTimeCv: Math.min(3, s.distribution === 'exponential' ? 1 : s.cv),
    active: true,
  }))
  const counters: Counter[] = input.operators.map((o) => ({
    id: counterIdOf(o),
    label: String(o.index + 1),
    name: text(`Counter ${o.index + 1}`),
    active: true,
  }))
  const operators: Operator[] = input.operators.map((o) => ({
    id: o.id as OperatorId,
    displayName: `${o.role} ${o.index + 1}`,
    skills: o.skills as Operator['skills'],
    active: true,
  }))
  return [
    { type: 'ConfigureBranch', branch },
    ...services.map((service): Command => ({ type: 'ConfigureService', service })),
    { type: 'ConfigurePolicy', policy: input.policy },
    ...counters.map((counter): Command => ({ type: 'ConfigureCounter', counter })),
    ...operators.map((operator): Command => ({ type: 'ConfigureOperator', operator })),
  ]
}

/** Idle operators able to serve the ticket, best first: primary skill, then fewest skills. */
export function orderIdleOperators(
  customer: Pick<ScriptedCustomer, 'serviceId'>,
  input: { idle: readonly IdleOperator[]; selection: IdleSelection },
): IdleOperator[] {
  const skillCount = (o: ScriptedOperator) => Object.keys(o.skills).length
  return input.idle
    .filter((i) => i.operator.skills[customer.serviceId] !== undefined)
    .sort((a, b) => {
      const byLevel =
        (a.operator.skills[customer.serviceId] ?? 3) - (b.operator.skills[customer.serviceId] ?? 3)
      const bySkills =
        input.selection === 'fewest-skills' ? skillCount(a.operator) - skillCount(b.operator) : 0
      return byLevel || bySkills || a.idleSince - b.idleSince || a.operator.index - b.operator.index
    })
}

export function createEnginePolicy(
  scenario: Scenario,
  script: DayScript,
  options: EnginePolicyOptions = {},
): EnginePolicy {
  let state = emptyState()
  const instant = (time: number) => (script.dayStart + time) as Instant
  const configureAt = Math.max(0, script.open - 3_600_000)
  const events: QueueEvent[] = []
  for (const command of configurationCommands(scenario, {
    operators: script.operators,
    policy: options.policy ?? scenario.enginePolicy ?? DEFAULT_POLICY,
  })) {
    const produced = decide(state, command, instant(configureAt))
    state = applyAll(state, produced)
    events.push(...produced)
  }
  return engineFrom(
    { scenario, script, options },
    { state, customers: new Map(), events: (options.recordEvents ?? true) ? events : null },
  )
}

/** The engine adapter continuing from `start` (a fresh day, or a fork of a running one). */
function engineFrom(
  context: { scenario: Scenario; script: DayScript; options: EnginePolicyOptions },
  start: {
    state: QueueState
    customers: ReadonlyMap<TicketId, ScriptedCustomer>
    /** The event log so far, or null when not recorded. */
    events: QueueEvent[] | null
  },
): EnginePolicy {
  const { scenario, script, options } = context
  const predict = options.predict ?? true
  const selection = options.idleSelection ?? 'fewest-skills'
  const events = start.events
  const customers = new Map(start.customers)
  let state = start.state

  const instant = (time: number) => (script.dayStart + time) as Instant
  const run = (command: Command, time: number): QueueEvent[] => {
    const produced = decide(state, command, instant(time))
    if (produced.some((e) => e.type === 'DayClosedV1') && command.type !== 'CloseDay')
      throw new Error(`simulated day ${script.date} ran past local midnight: the engine closed it`)
    state = applyAll(state, produced)
    if (events) events.push(...produced)
    return produced
  }

  const operatorId = (o: ScriptedOperator) => o.id as OperatorId
  const speed = scenario.speedByLevel
  return {
    name: 'T',
    events: events ?? [],
    state: () => state,
    // The engine state is immutable: a fork shares it and diverges from here.
    fork: () =>
      engineFrom(
        { scenario, script, options: { ...options, predict: false, recordEvents: false } },
        { state, customers, events: null },
      ),
    signIn: (o, now) =>
      run({ type: 'SignIn', operatorId: operatorId(o), counterId: counterIdOf(o) }, now),
    signOut: (o, now) => run({ type: 'SignOut', operatorId: operatorId(o) }, now),
    pause: (o, now) => run({ type: 'Pause', operatorId: operatorId(o), reason: 'lunch' }, now),
    resume: (o, now) => run({ type: 'Resume', operatorId: operatorId(o) }, now),
    issue(customer, now) {
      customers.set(customer.ticketId, customer)
      run(
        {
          type: 'IssueTicket',
          ticketId: customer.ticketId,
          serviceId: customer.serviceId as ServiceId,
          priorityClass: customer.priorityClass,
          language: 'kk',
          channel: customer.priorityClass === 'appointment' ? 'appointment' : 'kiosk',
          phoneMasked: null,
          followUpServiceIds: [],
          byStaff: true,
        },
        now,
      )
      if (!predict) return { predictedWait: null }
      const seconds = predictWaits(state, instant(now)).get(customer.ticketId)?.expectedSeconds
      return { predictedWait: seconds === null || seconds === undefined ? null : seconds * 1000 }
    },
    offerTo: (customer, idle) => orderIdleOperators(customer, { idle, selection }),
    callNext(o, now) {
      const produced = run({ type: 'CallNext', counterId: counterIdOf(o) }, now)
      const called = produced.find((e) => e.type === 'TicketCalledV1')
      if (!called) return null
      return customers.get(called.ticketId) ?? null
    },
    startService: (o, now) => run({ type: 'StartService', counterId: counterIdOf(o) }, now),
    finish: (o, now) => run({ type: 'Finish', counterId: counterIdOf(o), outcome: 'served' }, now),
    noShow: (o, now) => run({ type: 'MarkNoShow', counterId: counterIdOf(o) }, now),
    abandon: (customer, now) =>
      run({ type: 'Cancel', ticketId: customer.ticketId, reason: 'abandoned' }, now),
    speedFactor(o, customer) {
      const level = o.skills[customer.serviceId]
      return level === 1 ? speed.primary : level === 2 ? speed.secondary : speed.backup
    },
  }
}
