import { z } from 'zod'
import { BranchId, CounterId, LocalizedText, OperatorId, ServiceId } from './ids.js'

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM (24 h)')

/** One opening interval in the branch's local time; `close` is exclusive (`24:00` = midnight). */
export const OpeningInterval = z
  .object({ open: ClockTime, close: z.union([ClockTime, z.literal('24:00')]) })
  .refine((i) => i.open < i.close, { message: 'open must be before close' })
export type OpeningInterval = z.infer<typeof OpeningInterval>

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = (typeof WEEKDAYS)[number]

/** Opening hours per weekday; a missing or empty day is closed. */
export const OpeningHours = z.partialRecord(z.enum(WEEKDAYS), z.array(OpeningInterval).max(4))
export type OpeningHours = z.infer<typeof OpeningHours>

export const Branch = z.object({
  id: BranchId,
  name: LocalizedText,
  address: LocalizedText,
  /** IANA name, e.g. `Asia/Almaty`; never a fixed offset. */
  timeZone: z.string().min(1).max(64),
  openingHours: OpeningHours,
})
export type Branch = z.infer<typeof Branch>

export const Service = z.object({
  id: ServiceId,
  /** Letter prefix of ticket numbers (`A` → A001). Unique within the branch. */
  prefix: z.string().regex(/^[A-Z]{1,2}$/, 'must be one or two capital Latin letters'),
  name: LocalizedText,
  category: LocalizedText,
  /** Service hours; tickets are issued only while open. Defaults to the branch hours when absent. */
  openingHours: OpeningHours.optional(),
  /** Most tickets per business day; null means no cap. */
  dailyCap: z.number().int().positive().max(9999).nullable(),
  /** Expected service time used by the wait predictor until the cloud ships models. */
  expectedServiceSeconds: z
    .number()
    .int()
    .min(10)
    .max(4 * 3600),
  /** Coefficient of variation of the service time (spread of the wait range). */
  serviceTimeCv: z.number().min(0).max(3),
  active: z.boolean(),
})
export type Service = z.infer<typeof Service>

export const PriorityClass = z.enum(['appointment', 'vip', 'elderly', 'regular'])
export type PriorityClass = z.infer<typeof PriorityClass>
export const PRIORITY_CLASSES: readonly PriorityClass[] = PriorityClass.options

export const ClassRule = z.object({
  /** Head start in score points (1 point = 1 minute of waiting at aging 1). */
  headStart: z.number().min(0).max(600),
  /** Score points gained per minute waited. */
  agingPerMinute: z.number().min(0).max(100),
  /** A ticket waiting longer than this is called first by any eligible operator. */
  maxWaitMinutes: z.number().min(1).max(600),
})
export type ClassRule = z.infer<typeof ClassRule>

export const PriorityPolicy = z.object({
  classes: z.object({
    appointment: ClassRule,
    vip: ClassRule,
    elderly: ClassRule,
    regular: ClassRule,
  }),
  /** Classes a customer may declare at the kiosk without staff. */
  selfDeclarable: z.array(PriorityClass).max(4),
  /** A secondary-skill ticket is taken before a primary one only if its score is higher by this much. */
  secondarySkillMargin: z.number().min(0).max(600),
  /** Points per minute of expected service below the longest service (prefers short transactions). */
  shortServiceBonusPerMinute: z.number().min(0).max(10),
  /** Recall rules: at most this many recalls, at least this many seconds apart. */
  maxRecalls: z.number().int().min(0).max(10),
  recallCooldownSeconds: z.number().int().min(0).max(600),
  /** A called ticket not started within this many minutes becomes a no-show. */
  noShowAfterMinutes: z.number().min(1).max(120),
  /** A no-show may be reactivated within this many minutes. */
  reactivateWithinMinutes: z.number().min(0).max(480),
})
export type PriorityPolicy = z.infer<typeof PriorityPolicy>

/** Skill level: 1 = primary (served first), 2 = secondary (overflow), 3 = backup. */
export const SkillLevel = z.union([z.literal(1), z.literal(2), z.literal(3)])
export type SkillLevel = z.infer<typeof SkillLevel>

export const Counter = z.object({
  id: CounterId,
  /** What customers see and hear: "5" in "go to counter 5". */
  label: z.string().min(1).max(8),
  name: LocalizedText,
  active: z.boolean(),
})
export type Counter = z.infer<typeof Counter>

export const Operator = z.object({
  id: OperatorId,
  displayName: z.string().min(1).max(80),
  skills: z.partialRecord(ServiceId, SkillLevel),
  active: z.boolean(),
})
export type Operator = z.infer<typeof Operator>

export const PauseReason = z.enum(['break', 'lunch', 'meeting', 'paperwork', 'technical', 'other'])
export type PauseReason = z.infer<typeof PauseReason>

export const FinishOutcome = z.enum([
  'served',
  'served_partially',
  'documents_missing',
  'referred_elsewhere',
  'customer_declined',
  'system_unavailable',
])
export type FinishOutcome = z.infer<typeof FinishOutcome>

export const CancelReason = z.enum(['customer_request', 'duplicate', 'staff_decision', 'abandoned'])
export type CancelReason = z.infer<typeof CancelReason>
