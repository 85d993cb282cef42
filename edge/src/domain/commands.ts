import type {
  Branch,
  CancelReason,
  Counter,
  CounterId,
  FinishOutcome,
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

/**
 * Everything that can happen to a branch queue, from any transport (kiosk HTTP, operator terminal,
 * a hardware call button over MQTT, a remote join by sync, a shell timer). Ids that must be new
 * (ticket ids) are chosen by the shell and passed in: the engine draws no randomness.
 */
export type Command =
  | { type: 'ConfigureBranch'; branch: Branch }
  | { type: 'ConfigureService'; service: Service }
  | { type: 'ConfigurePolicy'; policy: PriorityPolicy }
  | { type: 'ConfigureCounter'; counter: Counter }
  | { type: 'ConfigureOperator'; operator: Operator }
  | { type: 'SignIn'; operatorId: OperatorId; counterId: CounterId }
  | { type: 'SignOut'; operatorId: OperatorId }
  | { type: 'Pause'; operatorId: OperatorId; reason: PauseReason }
  | { type: 'Resume'; operatorId: OperatorId }
  | {
      type: 'IssueTicket'
      ticketId: TicketId
      serviceId: ServiceId
      priorityClass: PriorityClass
      language: Language
      channel: IssueChannel
      phoneMasked: MaskedPhone | null
      followUpServiceIds: readonly ServiceId[]
      /** Issued by staff: any priority class, and outside opening hours. */
      byStaff: boolean
    }
  | { type: 'CallNext'; counterId: CounterId }
  | { type: 'CallTicket'; counterId: CounterId; ticketId: TicketId }
  | { type: 'Recall'; counterId: CounterId }
  | { type: 'StartService'; counterId: CounterId }
  | { type: 'Finish'; counterId: CounterId; outcome: FinishOutcome }
  | { type: 'MarkNoShow'; counterId: CounterId }
  | { type: 'Reactivate'; ticketId: TicketId; keepPlace: boolean }
  | {
      type: 'Transfer'
      ticketId: TicketId
      toServiceId: ServiceId
      toOperatorId: OperatorId | null
      keepPlace: boolean
    }
  | {
      type: 'Redirect'
      counterId: CounterId
      outcome: FinishOutcome
      /** Defaults to the next planned service of the visit. */
      toServiceId: ServiceId | null
      keepPlace: boolean
    }
  | { type: 'Park'; counterId: CounterId }
  | { type: 'ResumeParked'; counterId: CounterId; ticketId: TicketId }
  | { type: 'Cancel'; ticketId: TicketId; reason: CancelReason }
  /** Timer: called tickets nobody came for become no-shows. */
  | { type: 'ExpireNoShows' }
  /** Close the business day: open tickets expire and numbering restarts. */
  | { type: 'CloseDay' }

export type CommandType = Command['type']
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>
