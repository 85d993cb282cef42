import type {
  Branch,
  BusinessDay,
  CallReason,
  Counter,
  CounterId,
  FinishOutcome,
  Instant,
  IssueChannel,
  Language,
  MaskedPhone,
  Operator,
  OperatorId,
  PauseReason,
  PriorityClass,
  PriorityPolicy,
  Service,
  ServiceId,
  TicketId,
} from '@kqms/shared/domain'

export type TicketStatus =
  'waiting' | 'called' | 'serving' | 'parked' | 'finished' | 'no_show' | 'cancelled' | 'expired'

export const OPEN_TICKET_STATUSES: readonly TicketStatus[] = [
  'waiting',
  'called',
  'serving',
  'parked',
]

export interface Ticket {
  readonly id: TicketId
  readonly day: BusinessDay
  readonly serviceId: ServiceId
  readonly number: string
  readonly sequence: number
  readonly priorityClass: PriorityClass
  readonly language: Language
  readonly channel: IssueChannel
  readonly phoneMasked: MaskedPhone | null
  readonly status: TicketStatus
  readonly issuedAt: Instant
  /** Start of the current wait: the place in the queue. Kept by transfers that keep the place. */
  readonly queuedAt: Instant
  readonly followUpServiceIds: readonly ServiceId[]
  /** Set by a transfer to an operator: only that operator may call the ticket. */
  readonly assignedOperatorId: OperatorId | null
  readonly counterId: CounterId | null
  readonly operatorId: OperatorId | null
  readonly calledAt: Instant | null
  readonly lastCalledAt: Instant | null
  readonly recallCount: number
  readonly startedAt: Instant | null
  readonly finishedAt: Instant | null
  readonly outcome: FinishOutcome | null
  readonly callReason: CallReason | null
  /** Service steps finished so far (multi-step visits). */
  readonly stepsDone: number
}

export type OperatorStatus = 'offline' | 'available' | 'serving' | 'paused'

export interface OperatorPresence {
  readonly status: OperatorStatus
  readonly counterId: CounterId | null
  readonly pauseReason: PauseReason | null
  readonly since: Instant
}

export interface QueueState {
  readonly branch: Branch | null
  readonly policy: PriorityPolicy
  readonly services: ReadonlyMap<ServiceId, Service>
  readonly counters: ReadonlyMap<CounterId, Counter>
  readonly operators: ReadonlyMap<OperatorId, Operator>
  readonly presence: ReadonlyMap<OperatorId, OperatorPresence>
  /** The business day the open tickets belong to; null before the first ticket. */
  readonly day: BusinessDay | null
  /** Last issued sequence per service on `sequenceDay` (kept across a day close, so a day
   * closed early and reopened never reuses a number). */
  readonly lastSequence: ReadonlyMap<ServiceId, number>
  readonly sequenceDay: BusinessDay | null
  /** Tickets of the current business day (open and closed); day close drops them. */
  readonly tickets: ReadonlyMap<TicketId, Ticket>
}

export const DEFAULT_POLICY: PriorityPolicy = {
  classes: {
    appointment: { headStart: 30, agingPerMinute: 1, maxWaitMinutes: 10 },
    vip: { headStart: 20, agingPerMinute: 1, maxWaitMinutes: 10 },
    elderly: { headStart: 15, agingPerMinute: 1, maxWaitMinutes: 15 },
    regular: { headStart: 0, agingPerMinute: 1, maxWaitMinutes: 25 },
  },
  selfDeclarable: ['elderly'],
  secondarySkillMargin: 10,
  shortServiceBonusPerMinute: 0,
  maxRecalls: 3,
  recallCooldownSeconds: 20,
  noShowAfterMinutes: 5,
  reactivateWithinMinutes: 60,
}

export const emptyState = (): QueueState => ({
  branch: null,
  policy: DEFAULT_POLICY,
  services: new Map(),
  counters: new Map(),
  operators: new Map(),
  presence: new Map(),
  day: null,
  lastSequence: new Map(),
  sequenceDay: null,
  tickets: new Map(),
})

export const isOpenTicket = (t: Ticket): boolean => OPEN_TICKET_STATUSES.includes(t.status)
