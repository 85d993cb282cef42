import type { CounterId, OperatorId, ServiceId, TicketId } from '@kqms/shared/domain'
import { CancelReason, FinishOutcome, PauseReason, PriorityClass } from '@kqms/shared/domain'
import { isDomainError } from '@kqms/shared/errors'
import fc from 'fast-check'
import type { Command } from '../src/domain/commands.js'
import { minutes } from './fake-clock.js'
import { AIDA, BOLAT, CASH, COUNTER_1, COUNTER_2, LOANS, testServices } from './given.js'
import type { TestRuntime } from './test-runtime.js'

/**
 * Random operating days for property tests: steps are data (so fast-check can shrink and print
 * them) and `runSteps` turns them into commands against a runtime built with `given.branch()`.
 */
export type Step =
  | {
      kind: 'issue'
      service: ServiceId
      priorityClass: PriorityClass
      byStaff: boolean
      followUp: boolean
    }
  | {
      kind: 'counter'
      counter: CounterId
      action: 'CallNext' | 'Recall' | 'StartService' | 'MarkNoShow' | 'Park'
    }
  | {
      kind: 'finish'
      counter: CounterId
      outcome: FinishOutcome
      redirect: boolean
      keepPlace: boolean
    }
  | {
      kind: 'ticket'
      pick: number
      action: 'Cancel' | 'Transfer' | 'Reactivate' | 'CallTicket' | 'ResumeParked'
      service: ServiceId
      operator: OperatorId | null
      counter: CounterId
      keepPlace: boolean
      reason: CancelReason
    }
  | {
      kind: 'operator'
      operator: OperatorId
      action: 'SignIn' | 'SignOut' | 'Pause' | 'Resume'
      counter: CounterId
      reason: PauseReason
    }
  | { kind: 'timer'; action: 'ExpireNoShows' | 'CloseDay' }
  | { kind: 'configure'; service: ServiceId; dailyCap: number | null; active: boolean }
  | { kind: 'wait'; ms: number }

const service = fc.constantFrom(CASH, LOANS)
const counter = fc.constantFrom(COUNTER_1, COUNTER_2)
const operator = fc.constantFrom(AIDA, BOLAT)

const step: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('issue' as const),
      service,
      priorityClass: fc.constantFrom(...PriorityClass.options),
      byStaff: fc.boolean(),
      followUp: fc.boolean(),
    }),
  },
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('counter' as const),
      counter,
      action: fc.constantFrom<'CallNext' | 'Recall' | 'StartService' | 'MarkNoShow' | 'Park'>(
        'CallNext',
        'Recall',
        'StartService',
        'MarkNoShow',
        'Park',
      ),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('finish' as const),
      counter,
      outcome: fc.constantFrom(...FinishOutcome.options),
      redirect: fc.boolean(),
      keepPlace: fc.boolean(),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('ticket' as const),
      pick: fc.nat(),
      action: fc.constantFrom<'Cancel' | 'Transfer' | 'Reactivate' | 'CallTicket' | 'ResumeParked'>(
        'Cancel',
        'Transfer',
        'Reactivate',
        'CallTicket',
        'ResumeParked',
      ),
      service,
      operator: fc.option(operator, { nil: null }),
      counter,
      keepPlace: fc.boolean(),
      reason: fc.constantFrom(...CancelReason.options),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('operator' as const),
      operator,
      action: fc.constantFrom<'SignIn' | 'SignOut' | 'Pause' | 'Resume'>(
        'SignIn',
        'SignOut',
        'Pause',
        'Resume',
      ),
      counter,
      reason: fc.constantFrom(...PauseReason.options),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('timer' as const),
      action: fc.constantFrom<'ExpireNoShows' | 'CloseDay'>('ExpireNoShows', 'CloseDay'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('configure' as const),
      service,
      dailyCap: fc.constantFrom(null, 3, 20),
      active: fc.constantFrom(true, true, true, false),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('wait' as const),
      // Mostly minutes; now and then past midnight (a day rollover) or over a weekend.
      ms: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 0, max: minutes(30) }) },
        { weight: 1, arbitrary: fc.integer({ min: minutes(12 * 60), max: minutes(60 * 60) }) },
      ),
    }),
  },
)

export const randomSteps = (maxLength = 80): fc.Arbitrary<Step[]> =>
  fc.array(step, { maxLength, size: 'max' })

function toCommand(
  s: Step,
  issued: readonly TicketId[],
  newId: () => TicketId,
): Command[] | Command | null {
  switch (s.kind) {
    case 'issue':
      return {
        type: 'IssueTicket',
        ticketId: newId(),
        serviceId: s.service,
        priorityClass: s.priorityClass,
        language: 'kk',
        channel: s.byStaff ? 'staff' : 'kiosk',
        phoneMasked: null,
        followUpServiceIds: s.followUp ? [s.service === CASH ? LOANS : CASH] : [],
        byStaff: s.byStaff,
      }
    case 'counter':
      return { type: s.action, counterId: s.counter }
    case 'finish':
      // Start first (refused when already serving), so whole visits happen often enough.
      return [
        { type: 'StartService', counterId: s.counter },
        s.redirect
          ? {
              type: 'Redirect',
              counterId: s.counter,
              outcome: s.outcome,
              toServiceId: null,
              keepPlace: s.keepPlace,
            }
          : { type: 'Finish', counterId: s.counter, outcome: s.outcome },
      ]
    case 'ticket': {
      const ticketId = issued[s.pick % Math.max(issued.length, 1)]
      if (!ticketId) return null
      switch (s.action) {
        case 'Cancel':
          return { type: 'Cancel', ticketId, reason: s.reason }
        case 'Transfer':
          return {
            type: 'Transfer',
            ticketId,
            toServiceId: s.service,
            toOperatorId: s.operator,
            keepPlace: s.keepPlace,
          }
        case 'Reactivate':
          return { type: 'Reactivate', ticketId, keepPlace: s.keepPlace }
        case 'CallTicket':
          return { type: 'CallTicket', counterId: s.counter, ticketId }
        case 'ResumeParked':
          return { type: 'ResumeParked', counterId: s.counter, ticketId }
      }
      break
    }
    case 'operator':
      switch (s.action) {
        case 'SignIn':
          return { type: 'SignIn', operatorId: s.operator, counterId: s.counter }
        case 'SignOut':
          return { type: 'SignOut', operatorId: s.operator }
        case 'Pause':
          return { type: 'Pause', operatorId: s.operator, reason: s.reason }
        case 'Resume':
          return { type: 'Resume', operatorId: s.operator }
      }
      break
    case 'timer':
      return { type: s.action }
    case 'configure': {
      const base = testServices.find((t) => t.id === s.service)!
      return {
        type: 'ConfigureService',
        service: { ...base, dailyCap: s.dailyCap, active: s.active },
      }
    }
    case 'wait':
      return null
  }
  return null
}

/** Runs the steps; business-rule refusals are part of a real day and are counted, not thrown. */
export function runSteps(
  edge: TestRuntime,
  steps: readonly Step[],
): { executed: number; refused: number } {
  const issued: TicketId[] = []
  let executed = 0
  let refused = 0
  steps.forEach((s, i) => {
    if (s.kind === 'wait') {
      edge.clock.advance(s.ms)
      return
    }
    const commands = [toCommand(s, issued, () => edge.ids.uuid() as TicketId) ?? []].flat()
    commands.forEach((command, j) => {
      try {
        edge.runtime.execute({
          command,
          idempotencyKey: `step-${i}-${j}`,
          actor: { kind: 'system' },
        })
        executed += 1
        if (command.type === 'IssueTicket') issued.push(command.ticketId)
      } catch (error) {
        if (!isDomainError(error)) throw error
        refused += 1
      }
    })
  })
  return { executed, refused }
}
