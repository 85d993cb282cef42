import { z } from 'zod'
import { CancelReason, FinishOutcome, PauseReason, PriorityClass } from '../domain/catalogue.js'
import { CallReason, MaskedPhone } from '../domain/events.js'
import {
  CounterId,
  Language,
  LocalizedText,
  OperatorId,
  ServiceId,
  TicketId,
} from '../domain/ids.js'
import { Timestamp } from './common.js'
import { PublicTicketStatus } from './public.js'

/** Body of the counter actions that need none (`{}` or no body at all). */
export const EmptyRequest = z.strictObject({}).meta({ id: 'EmptyRequest' })
export type EmptyRequest = z.infer<typeof EmptyRequest>

/** `POST …/sign-in`: operators sign in as themselves; a manager may name the operator. */
export const SignInRequest = z
  .strictObject({ operatorId: OperatorId.optional() })
  .meta({ id: 'SignInRequest' })
export type SignInRequest = z.infer<typeof SignInRequest>

export const PauseRequest = z.strictObject({ reason: PauseReason }).meta({ id: 'PauseRequest' })
export type PauseRequest = z.infer<typeof PauseRequest>

export const CallTicketRequest = z
  .strictObject({ ticketId: TicketId })
  .meta({ id: 'CallTicketRequest' })
export type CallTicketRequest = z.infer<typeof CallTicketRequest>

export const FinishRequest = z
  .strictObject({ outcome: FinishOutcome })
  .meta({ id: 'FinishRequest' })
export type FinishRequest = z.infer<typeof FinishRequest>

export const TransferRequest = z
  .strictObject({
    toServiceId: ServiceId,
    /** Only this operator may call the ticket until it is called. */
    toOperatorId: OperatorId.nullable().optional(),
    keepPlace: z.boolean(),
  })
  .meta({ id: 'TransferRequest' })
export type TransferRequest = z.infer<typeof TransferRequest>

export const RedirectRequest = z
  .strictObject({
    outcome: FinishOutcome,
    /** Defaults to the next planned service of the visit. */
    toServiceId: ServiceId.nullable().optional(),
    keepPlace: z.boolean(),
  })
  .meta({ id: 'RedirectRequest' })
export type RedirectRequest = z.infer<typeof RedirectRequest>

export const ResumeParkedRequest = z
  .strictObject({ ticketId: TicketId })
  .meta({ id: 'ResumeParkedRequest' })
export type ResumeParkedRequest = z.infer<typeof ResumeParkedRequest>

export const CancelTicketRequest = z
  .strictObject({ reason: CancelReason })
  .meta({ id: 'CancelTicketRequest' })
export type CancelTicketRequest = z.infer<typeof CancelTicketRequest>

export const ReactivateTicketRequest = z
  .strictObject({ keepPlace: z.boolean() })
  .meta({ id: 'ReactivateTicketRequest' })
export type ReactivateTicketRequest = z.infer<typeof ReactivateTicketRequest>

/** A ticket as staff see it: the phone only masked. */
export const StaffTicketView = z
  .object({
    id: TicketId,
    number: z.string(),
    serviceId: ServiceId,
    priorityClass: PriorityClass,
    language: Language,
    status: PublicTicketStatus,
    phoneMasked: MaskedPhone.nullable(),
    issuedAt: Timestamp,
    /** Start of the current wait (kept by transfers that keep the place). */
    queuedAt: Timestamp,
    counterId: CounterId.nullable(),
    operatorId: OperatorId.nullable(),
    calledAt: Timestamp.nullable(),
    startedAt: Timestamp.nullable(),
    /** When the counter's timer started: service start, else the call. */
    timerStartedAt: Timestamp.nullable(),
    recallCount: z.number().int().nonnegative(),
    followUpServiceIds: z.array(ServiceId),
    callReason: CallReason.nullable(),
  })
  .meta({ id: 'StaffTicketView' })
export type StaffTicketView = z.infer<typeof StaffTicketView>

/** A waiting ticket the counter's operator may call, in the order the engine would call them. */
export const WaitingEntry = z
  .object({
    id: TicketId,
    number: z.string(),
    serviceId: ServiceId,
    priorityClass: PriorityClass,
    language: Language,
    phoneMasked: MaskedPhone.nullable(),
    queuedAt: Timestamp,
    waitSeconds: z.number().int().nonnegative(),
    overdue: z.boolean(),
    skillLevel: z.number().int().min(1).max(3),
    assignedToOperator: z.boolean(),
  })
  .meta({ id: 'WaitingEntry' })
export type WaitingEntry = z.infer<typeof WaitingEntry>

export const OperatorPresenceView = z
  .object({
    operatorId: OperatorId,
    displayName: z.string(),
    status: z.enum(['offline', 'available', 'serving', 'paused']),
    pauseReason: PauseReason.nullable(),
    since: Timestamp,
  })
  .meta({ id: 'OperatorPresenceView' })
export type OperatorPresenceView = z.infer<typeof OperatorPresenceView>

/** `GET /api/v1/counters/{counterId}` and the result of most counter actions. */
export const CounterView = z
  .object({
    counter: z.object({
      id: CounterId,
      label: z.string(),
      name: LocalizedText,
      active: z.boolean(),
    }),
    /** The operator signed in here; null when the counter is closed. */
    operator: OperatorPresenceView.nullable(),
    current: StaffTicketView.nullable(),
    waiting: z.array(WaitingEntry),
    /** Tickets this operator parked, to resume later. */
    parked: z.array(StaffTicketView),
  })
  .meta({ id: 'CounterView' })
export type CounterView = z.infer<typeof CounterView>

/** `POST …/call-next` and `…/call`: the called ticket and why it was chosen, or an empty queue. */
export const CallResult = z
  .discriminatedUnion('outcome', [
    z.object({
      outcome: z.literal('called'),
      ticket: StaffTicketView,
      /** Why the engine chose it; null when a parked ticket was resumed. */
      reason: CallReason.nullable(),
    }),
    z.object({ outcome: z.literal('queue_empty') }),
  ])
  .meta({ id: 'CallResult' })
export type CallResult = z.infer<typeof CallResult>
