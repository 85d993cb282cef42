import { z } from 'zod'
import {
  Branch,
  CancelReason,
  Counter,
  FinishOutcome,
  Operator,
  PauseReason,
  PriorityClass,
  PriorityPolicy,
  Service,
} from './catalogue.js'
import {
  BusinessDay,
  CounterId,
  Instant,
  Language,
  OperatorId,
  ServiceId,
  TicketId,
} from './ids.js'

/**
 * Versioned queue events: the appliance's source of truth and the payload of sync class A.
 * A published V1 never changes; a new shape is a new `…V2` type.
 */

/** A phone number as the customer sees it on a receipt: never the full number. */
export const MaskedPhone = z
  .string()
  .regex(/^\+?[0-9*]{6,16}$/, 'must be digits and "*"')
  .refine((s) => (s.match(/\*/g) ?? []).length >= 3, 'must hide at least three digits')
export type MaskedPhone = z.infer<typeof MaskedPhone>

export const IssueChannel = z.enum(['kiosk', 'web', 'staff', 'remote', 'appointment'])
export type IssueChannel = z.infer<typeof IssueChannel>

/** Why the routing policy chose a ticket (recorded on every call, for supervisors and audits). */
export const CallReason = z.object({
  mode: z.enum(['next', 'specific', 'resume']),
  score: z.number(),
  headStart: z.number(),
  agingPoints: z.number(),
  shortServiceBonus: z.number(),
  waitSeconds: z.number().int().nonnegative(),
  skillLevel: z.number().int().min(1).max(3),
  overdue: z.boolean(),
  assignedToOperator: z.boolean(),
  candidates: z.number().int().nonnegative(),
})
export type CallReason = z.infer<typeof CallReason>

const base = { at: Instant }
const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...base, ...shape })

export const BranchConfiguredV1 = ev('BranchConfiguredV1', { branch: Branch })
export const ServiceConfiguredV1 = ev('ServiceConfiguredV1', { service: Service })
export const PriorityPolicyConfiguredV1 = ev('PriorityPolicyConfiguredV1', {
  policy: PriorityPolicy,
})
export const CounterConfiguredV1 = ev('CounterConfiguredV1', { counter: Counter })
export const OperatorConfiguredV1 = ev('OperatorConfiguredV1', { operator: Operator })

export const OperatorSignedInV1 = ev('OperatorSignedInV1', {
  operatorId: OperatorId,
  counterId: CounterId,
})
export const OperatorSignedOutV1 = ev('OperatorSignedOutV1', {
  operatorId: OperatorId,
  counterId: CounterId,
})
export const OperatorPausedV1 = ev('OperatorPausedV1', {
  operatorId: OperatorId,
  reason: PauseReason,
})
export const OperatorResumedV1 = ev('OperatorResumedV1', { operatorId: OperatorId })

export const TicketIssuedV1 = ev('TicketIssuedV1', {
  ticketId: TicketId,
  day: BusinessDay,
  serviceId: ServiceId,
  /** Position in the service's daily numbering, from 1. */
  sequence: z.number().int().positive(),
  number: z.string().min(2).max(8),
  priorityClass: PriorityClass,
  language: Language,
  channel: IssueChannel,
  phoneMasked: MaskedPhone.nullable(),
  /** Further services of a multi-step visit, in order. */
  followUpServiceIds: z.array(ServiceId).max(5),
})
export const TicketCalledV1 = ev('TicketCalledV1', {
  ticketId: TicketId,
  counterId: CounterId,
  operatorId: OperatorId,
  reason: CallReason,
})
export const TicketRecalledV1 = ev('TicketRecalledV1', {
  ticketId: TicketId,
  counterId: CounterId,
  recallCount: z.number().int().positive(),
})
export const TicketServiceStartedV1 = ev('TicketServiceStartedV1', {
  ticketId: TicketId,
  counterId: CounterId,
  operatorId: OperatorId,
})
export const TicketFinishedV1 = ev('TicketFinishedV1', {
  ticketId: TicketId,
  counterId: CounterId,
  operatorId: OperatorId,
  outcome: FinishOutcome,
})
export const TicketNoShowV1 = ev('TicketNoShowV1', {
  ticketId: TicketId,
  counterId: CounterId,
  operatorId: OperatorId,
  cause: z.enum(['manual', 'recalls_exhausted', 'timeout']),
})
export const TicketReactivatedV1 = ev('TicketReactivatedV1', {
  ticketId: TicketId,
  keepPlace: z.boolean(),
})
export const TicketTransferredV1 = ev('TicketTransferredV1', {
  ticketId: TicketId,
  fromServiceId: ServiceId,
  toServiceId: ServiceId,
  /** Only this operator may call the ticket while set. */
  toOperatorId: OperatorId.nullable(),
  keepPlace: z.boolean(),
  byOperatorId: OperatorId.nullable(),
})
export const TicketRedirectedV1 = ev('TicketRedirectedV1', {
  ticketId: TicketId,
  fromServiceId: ServiceId,
  toServiceId: ServiceId,
  byOperatorId: OperatorId,
  counterId: CounterId,
  /** Outcome of the step just finished. */
  outcome: FinishOutcome,
  keepPlace: z.boolean(),
})
export const TicketParkedV1 = ev('TicketParkedV1', {
  ticketId: TicketId,
  counterId: CounterId,
  operatorId: OperatorId,
})
export const TicketResumedV1 = ev('TicketResumedV1', {
  ticketId: TicketId,
  counterId: CounterId,
  operatorId: OperatorId,
})
export const TicketCancelledV1 = ev('TicketCancelledV1', {
  ticketId: TicketId,
  reason: CancelReason,
})
export const DayClosedV1 = ev('DayClosedV1', {
  day: BusinessDay,
  /** Tickets still open at close, now expired. */
  expiredTicketIds: z.array(TicketId),
})

export const QueueEvent = z.discriminatedUnion('type', [
  BranchConfiguredV1,
  ServiceConfiguredV1,
  PriorityPolicyConfiguredV1,
  CounterConfiguredV1,
  OperatorConfiguredV1,
  OperatorSignedInV1,
  OperatorSignedOutV1,
  OperatorPausedV1,
  OperatorResumedV1,
  TicketIssuedV1,
  TicketCalledV1,
  TicketRecalledV1,
  TicketServiceStartedV1,
  TicketFinishedV1,
  TicketNoShowV1,
  TicketReactivatedV1,
  TicketTransferredV1,
  TicketRedirectedV1,
  TicketParkedV1,
  TicketResumedV1,
  TicketCancelledV1,
  DayClosedV1,
])
export type QueueEvent = z.infer<typeof QueueEvent>
export type QueueEventType = QueueEvent['type']
export type EventOf<T extends QueueEventType> = Extract<QueueEvent, { type: T }>

/** Schema version of each event type as stored in the log. */
export const EVENT_VERSION = 1
