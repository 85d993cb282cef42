/** Pure builders for engine tests: a configured branch state, commands, and a fold helper. */
import type {
  Branch,
  Counter,
  CounterId,
  Instant,
  Operator,
  OperatorId,
  PriorityClass,
  QueueEvent,
  Service,
  ServiceId,
  TicketId,
} from '@kqms/shared/domain'
import { applyAll } from '../src/domain/apply.js'
import type { Command } from '../src/domain/commands.js'
import { decide } from '../src/domain/decide.js'
import { emptyState, type QueueState } from '../src/domain/state.js'

/** Monday 2026-11-23 10:00 in Asia/Almaty (UTC+5). */
export const MONDAY_10_00 = Date.UTC(2026, 10, 23, 5, 0) as Instant
export const minutes = (n: number): number => n * 60_000
export const at = (base: Instant, plusMs: number): Instant => (base + plusMs) as Instant

const text = (en: string) => ({ kk: `${en} (kk)`, ru: `${en} (ru)`, en })

export const branch: Branch = {
  id: 'almaty-01' as Branch['id'],
  name: text('Almaty Central'),
  address: text('Abay ave 1'),
  timeZone: 'Asia/Almaty',
  openingHours: {
    mon: [{ open: '09:00', close: '19:00' }],
    tue: [{ open: '09:00', close: '19:00' }],
    wed: [{ open: '09:00', close: '19:00' }],
    thu: [{ open: '09:00', close: '19:00' }],
    fri: [{ open: '09:00', close: '19:00' }],
    sat: [{ open: '10:00', close: '17:00' }],
  },
}

export function service(
  id: string,
  prefix: string,
  options: { minutes: number } & Partial<Service>,
): Service {
  const { minutes: expected, ...extra } = options
  return {
    id: id as ServiceId,
    prefix,
    name: text(id),
    category: text('Everyday'),
    dailyCap: null,
    expectedServiceSeconds: expected * 60,
    serviceTimeCv: 0.6,
    active: true,
    ...extra,
  }
}

export const counter = (id: string, label: string): Counter => ({
  id: id as CounterId,
  label,
  name: text(`Counter ${label}`),
  active: true,
})

export const operator = (id: string, skills: Record<string, 1 | 2 | 3>): Operator => ({
  id: id as OperatorId,
  displayName: id,
  skills: skills,
  active: true,
})

/** Folds commands through decide/apply, collecting events; throws on the first DomainError. */
export function run(
  state: QueueState,
  commands: readonly [Command, Instant][],
): { state: QueueState; events: QueueEvent[] } {
  let current = state
  const events: QueueEvent[] = []
  for (const [command, now] of commands) {
    const produced = decide(current, command, now)
    current = applyAll(current, produced)
    events.push(...produced)
  }
  return { state: current, events }
}

/** Cash (A, 4 min), loans (L, 25 min), cards (C, 10 min); three counters; three operators. */
export function configuredBranch(now: Instant = MONDAY_10_00): QueueState {
  const t = (now - minutes(60)) as Instant
  return run(emptyState(), [
    [{ type: 'ConfigureBranch', branch }, t],
    [{ type: 'ConfigureService', service: service('cash', 'A', { minutes: 4 }) }, t],
    [{ type: 'ConfigureService', service: service('loan', 'L', { minutes: 25 }) }, t],
    [{ type: 'ConfigureService', service: service('card', 'C', { minutes: 10 }) }, t],
    [{ type: 'ConfigureCounter', counter: counter('c1', '1') }, t],
    [{ type: 'ConfigureCounter', counter: counter('c2', '2') }, t],
    [{ type: 'ConfigureCounter', counter: counter('c3', '3') }, t],
    [{ type: 'ConfigureOperator', operator: operator('aigerim', { cash: 1, card: 2 }) }, t],
    [{ type: 'ConfigureOperator', operator: operator('bolat', { loan: 1, card: 1 }) }, t],
    [{ type: 'ConfigureOperator', operator: operator('dana', { cash: 1, card: 1, loan: 2 }) }, t],
  ]).state
}

let ticketCounter = 0
/** A fresh, valid UUID for a ticket id (deterministic sequence). */
export function ticketId(): TicketId {
  ticketCounter++
  return `00000000-0000-7000-8000-${ticketCounter.toString(16).padStart(12, '0')}` as TicketId
}

export function issue(
  serviceId: string,
  options: {
    priorityClass?: PriorityClass
    id?: TicketId
    byStaff?: boolean
    followUps?: string[]
  } = {},
): Command {
  return {
    type: 'IssueTicket',
    ticketId: options.id ?? ticketId(),
    serviceId: serviceId as ServiceId,
    priorityClass: options.priorityClass ?? 'regular',
    language: 'kk',
    channel: 'kiosk',
    phoneMasked: null,
    followUpServiceIds: (options.followUps ?? []) as ServiceId[],
    byStaff: options.byStaff ?? options.priorityClass !== undefined,
  }
}

export const signIn = (operatorId: string, counterId: string): Command => ({
  type: 'SignIn',
  operatorId: operatorId as OperatorId,
  counterId: counterId as CounterId,
})
export const callNext = (counterId: string): Command => ({
  type: 'CallNext',
  counterId: counterId as CounterId,
})
