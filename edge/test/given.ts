import type {
  Branch,
  BranchId,
  Counter,
  CounterId,
  IssueChannel,
  Language,
  Operator,
  OperatorId,
  PriorityClass,
  Service,
  ServiceId,
  TicketId,
} from '@kqms/shared/domain'
import type { Command } from '../src/domain/commands.js'
import type { Ticket } from '../src/domain/state.js'
import type { CommandResult, IdSource, QueueRuntime } from '../src/usecases/ports.js'

/**
 * A small branch built through the real write path (`runtime.execute`): Asia/Almaty, open
 * 09:00–19:00 Monday to Saturday; cash (A) and loans (L); counters c-01 and c-02; Aida (cash
 * primary, loans secondary) and Bolat (loans primary, cash backup).
 */
export const BRANCH_ID = 'almaty-test' as BranchId
export const CASH = 'cash' as ServiceId
export const LOANS = 'loans' as ServiceId
export const COUNTER_1 = 'c-01' as CounterId
export const COUNTER_2 = 'c-02' as CounterId
export const AIDA = 'aida' as OperatorId
export const BOLAT = 'bolat' as OperatorId

const text = (en: string) => ({ kk: `${en} (kk)`, ru: `${en} (ru)`, en })
const weekday = [{ open: '09:00', close: '19:00' }]

export const testBranch: Branch = {
  id: BRANCH_ID,
  name: text('Almaty Test'),
  address: text('Abay ave 1'),
  timeZone: 'Asia/Almaty',
  openingHours: {
    mon: weekday,
    tue: weekday,
    wed: weekday,
    thu: weekday,
    fri: weekday,
    sat: weekday,
  },
}

const service = (id: ServiceId, prefix: string, minutes: number): Service => ({
  id,
  prefix,
  name: text(id),
  category: text('Everyday'),
  dailyCap: null,
  expectedServiceSeconds: minutes * 60,
  serviceTimeCv: 0.6,
  active: true,
})
export const testServices: readonly Service[] = [service(CASH, 'A', 4), service(LOANS, 'L', 20)]

const counter = (id: CounterId, label: string): Counter => ({
  id,
  label,
  name: text(`Counter ${label}`),
  active: true,
})
export const testCounters: readonly Counter[] = [counter(COUNTER_1, '1'), counter(COUNTER_2, '2')]

export const testOperators: readonly Operator[] = [
  { id: AIDA, displayName: 'Aida', skills: { [CASH]: 1, [LOANS]: 2 }, active: true },
  { id: BOLAT, displayName: 'Bolat', skills: { [LOANS]: 1, [CASH]: 3 }, active: true },
]

export interface TicketOptions {
  service?: ServiceId
  priorityClass?: PriorityClass
  language?: Language
  channel?: IssueChannel
  byStaff?: boolean
  followUpServiceIds?: ServiceId[]
}

export function given(deps: { runtime: QueueRuntime; ids: IdSource }) {
  const { runtime, ids } = deps
  // Keys come from the id source so that they stay unique across restarts of one database.
  const run = (command: Command): CommandResult =>
    runtime.execute({ command, idempotencyKey: `given-${ids.uuid()}`, actor: { kind: 'system' } })

  return {
    run,
    /** Configures the branch, its services, counters and operators. */
    branch(): void {
      run({ type: 'ConfigureBranch', branch: testBranch })
      for (const s of testServices) run({ type: 'ConfigureService', service: s })
      for (const c of testCounters) run({ type: 'ConfigureCounter', counter: c })
      for (const o of testOperators) run({ type: 'ConfigureOperator', operator: o })
    },
    signIn(operatorId: OperatorId, counterId: CounterId): void {
      run({ type: 'SignIn', operatorId, counterId })
    },
    /** Aida at counter 1, Bolat at counter 2. */
    openCounters(): void {
      run({ type: 'SignIn', operatorId: AIDA, counterId: COUNTER_1 })
      run({ type: 'SignIn', operatorId: BOLAT, counterId: COUNTER_2 })
    },
    /** Issues a ticket (cash, regular, Russian, kiosk by default) and returns it. */
    ticket(options: TicketOptions = {}): Ticket {
      const ticketId = ids.uuid() as TicketId
      const result = run({
        type: 'IssueTicket',
        ticketId,
        serviceId: options.service ?? CASH,
        priorityClass: options.priorityClass ?? 'regular',
        language: options.language ?? 'ru',
        channel: options.channel ?? 'kiosk',
        phoneMasked: null,
        followUpServiceIds: options.followUpServiceIds ?? [],
        byStaff: options.byStaff ?? false,
      })
      const ticket = result.state.tickets.get(ticketId)
      if (!ticket) throw new Error('given.ticket: no ticket was issued')
      return ticket
    },
  }
}

export type Given = ReturnType<typeof given>
