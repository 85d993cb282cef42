import { z } from 'zod'
import { PauseReason, PriorityClass } from '../domain/catalogue.js'
import { CounterId, LocalizedText, OperatorId, ServiceId, TicketId } from '../domain/ids.js'
import { CounterState } from '../mqtt/messages.js'
import { Timestamp, WaitRange } from './common.js'

/**
 * The branch's live picture for the manager dashboard (`GET /api/admin/live`): queues with their
 * service-level state, counters, operators and the tickets whose class guarantee is at risk. The
 * appliance computes every number and state; the dashboard only shows them.
 */

/**
 * `ok`; `at_risk` when the ticket's wait so far plus its predicted remaining wait passes its class's
 * maximum wait (or it has used 80 % of it); `breached` once it has waited longer than the maximum.
 */
export const SlaState = z.enum(['ok', 'at_risk', 'breached'])
export type SlaState = z.infer<typeof SlaState>

export const ClassLive = z.object({
  priorityClass: PriorityClass,
  waiting: z.number().int().nonnegative(),
  /** Longest current wait in the class, seconds; null when nobody of the class waits. */
  oldestWaitSeconds: z.number().int().nonnegative().nullable(),
  maxWaitMinutes: z.number(),
  sla: SlaState,
})
export type ClassLive = z.infer<typeof ClassLive>

export const ServiceLive = z
  .object({
    serviceId: ServiceId,
    prefix: z.string(),
    name: LocalizedText,
    isOpen: z.boolean(),
    waiting: z.number().int().nonnegative(),
    newTicketWait: WaitRange.nullable(),
    oldestWaitSeconds: z.number().int().nonnegative().nullable(),
    /** The worst state over the service's classes. */
    sla: SlaState,
    /** Classes with someone waiting. */
    classes: z.array(ClassLive),
    /** Operators signed in now who have the service as a skill. */
    operatorsOnline: z.number().int().nonnegative(),
  })
  .meta({ id: 'ServiceLive' })
export type ServiceLive = z.infer<typeof ServiceLive>

export const SlaAlert = z
  .object({
    ticketId: TicketId,
    number: z.string(),
    serviceId: ServiceId,
    priorityClass: PriorityClass,
    state: SlaState.exclude(['ok']),
    waitedSeconds: z.number().int().nonnegative(),
    /** Predicted seconds until it is called; null when nobody can serve it now. */
    predictedRemainingSeconds: z.number().int().nonnegative().nullable(),
    limitSeconds: z.number().int().nonnegative(),
  })
  .meta({ id: 'SlaAlert' })
export type SlaAlert = z.infer<typeof SlaAlert>

export const OperatorLive = z
  .object({
    operatorId: OperatorId,
    displayName: z.string(),
    status: z.enum(['offline', 'available', 'serving', 'paused']),
    pauseReason: PauseReason.nullable(),
    counterId: CounterId.nullable(),
    since: Timestamp,
  })
  .meta({ id: 'OperatorLive' })
export type OperatorLive = z.infer<typeof OperatorLive>

export const BranchLive = z
  .object({
    services: z.array(ServiceLive),
    counters: z.array(CounterState),
    operators: z.array(OperatorLive),
    /** Worst first: breached, then at risk by the time left. */
    alerts: z.array(SlaAlert),
    ts: Timestamp,
  })
  .meta({ id: 'BranchLive' })
export type BranchLive = z.infer<typeof BranchLive>

/** `GET /api/v1/counters`: every counter with what its display shows. */
export const CounterStateList = z
  .object({ counters: z.array(CounterState) })
  .meta({ id: 'CounterStateList' })
export type CounterStateList = z.infer<typeof CounterStateList>
