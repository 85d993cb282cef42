import { z } from 'zod'
import { OpeningHours, PriorityClass } from '../domain/catalogue.js'
import { MaskedPhone } from '../domain/events.js'
import {
  BranchId,
  BusinessDay,
  CounterId,
  Language,
  LocalizedText,
  ServiceId,
  TicketId,
} from '../domain/ids.js'
import { Timestamp, WaitRange } from './common.js'

/** `GET /api/v1/branches`: this appliance's branch (a list, as the cloud's API of the same name). */
export const BranchView = z
  .object({
    id: BranchId,
    name: LocalizedText,
    address: LocalizedText,
    timeZone: z.string(),
    openingHours: OpeningHours,
    isOpen: z.boolean(),
    /** Priority classes a customer may declare at the kiosk without staff (the kiosk offers them). */
    selfDeclarable: z.array(PriorityClass),
    /** The kiosk may check in appointment QR codes (the appliance holds the cloud's keys). */
    appointmentCheckIn: z.boolean(),
  })
  .meta({ id: 'BranchView' })
export type BranchView = z.infer<typeof BranchView>
export const BranchList = z.object({ branches: z.array(BranchView) })
export type BranchList = z.infer<typeof BranchList>

/** `GET /api/v1/queues`: one entry per active service. */
export const QueueView = z
  .object({
    serviceId: ServiceId,
    prefix: z.string(),
    name: LocalizedText,
    category: LocalizedText,
    isOpen: z.boolean(),
    waiting: z.number().int().nonnegative(),
    /** Predicted wait of a ticket taken now; null while closed or when nobody can serve the service. */
    newTicketWait: WaitRange.nullable(),
    /** Tickets left today under the daily cap; null when the service has no cap. */
    dailyCapRemaining: z.number().int().nonnegative().nullable(),
  })
  .meta({ id: 'QueueView' })
export type QueueView = z.infer<typeof QueueView>
export const QueueList = z.object({ queues: z.array(QueueView) })
export type QueueList = z.infer<typeof QueueList>

/**
 * A phone number as typed at the kiosk. Accepted only to be masked at once: the full number is
 * never stored, logged or echoed back.
 */
export const PhoneNumber = z
  .string()
  .max(32)
  .regex(/^\+?[0-9][0-9 ()-]*$/, 'must be a phone number such as +77011234567')
  .refine((s) => {
    const digits = s.replace(/[^0-9]/g, '').length
    return digits >= 7 && digits <= 15
  }, 'must have 7 to 15 digits')

/** `POST /api/v1/register`: take a ticket. */
export const RegisterRequest = z
  .strictObject({
    serviceId: ServiceId,
    language: Language,
    /** Defaults to `regular`; classes the policy does not let customers declare need staff. */
    priorityClass: PriorityClass.optional(),
    /** Full number, masked on arrival (`+7701***4567`); give this or `phoneMasked`, not both. */
    phone: PhoneNumber.optional(),
    phoneMasked: MaskedPhone.optional(),
    /** Further services of a multi-step visit, in order. */
    followUpServiceIds: z.array(ServiceId).max(5).optional(),
    /**
     * The kiosk's card read (`cmd/card-read` id) the customer identified with: the ticket records
     * the card's masked number and keyed hash, never its number.
     */
    cardReadId: z
      .string()
      .regex(/^card-[A-Za-z0-9-]{8,80}$/, 'must be a card read id from the kiosk')
      .optional(),
  })
  .refine((r) => r.phone === undefined || r.phoneMasked === undefined, {
    message: 'give phone or phoneMasked, not both',
    path: ['phoneMasked'],
  })
  .meta({ id: 'RegisterRequest' })
export type RegisterRequest = z.infer<typeof RegisterRequest>

export const PublicTicketStatus = z.enum([
  'waiting',
  'called',
  'serving',
  'parked',
  'finished',
  'no_show',
  'cancelled',
  'expired',
])
export type PublicTicketStatus = z.infer<typeof PublicTicketStatus>

export const ServiceSummary = z
  .object({ id: ServiceId, prefix: z.string(), name: LocalizedText })
  .meta({ id: 'ServiceSummary' })
export type ServiceSummary = z.infer<typeof ServiceSummary>

/** The ticket as its holder sees it: on the kiosk receipt and the status page. */
export const TicketView = z
  .object({
    id: TicketId,
    number: z.string(),
    day: BusinessDay,
    service: ServiceSummary,
    language: Language,
    priorityClass: PriorityClass,
    status: PublicTicketStatus,
    phoneMasked: MaskedPhone.nullable(),
    issuedAt: Timestamp,
    /** 1 = next; null unless waiting (or when nobody can serve the service now). */
    position: z.number().int().positive().nullable(),
    wait: WaitRange.nullable(),
    statusUrl: z.string(),
    /** The bank card the customer identified with, masked (`440043******1234`); absent if none. */
    cardMasked: z.string().optional(),
  })
  .meta({ id: 'TicketView' })
export type TicketView = z.infer<typeof TicketView>

/** `GET /api/v1/status/{ticketId}`. */
export const StatusView = z
  .object({
    id: TicketId,
    number: z.string(),
    day: z.string(),
    serviceId: z.string(),
    service: ServiceSummary.nullable(),
    language: Language,
    status: PublicTicketStatus,
    position: z.number().int().positive().nullable(),
    wait: WaitRange.nullable(),
    /** Where to go once called. */
    counter: z.object({ id: CounterId, label: z.string(), name: LocalizedText }).nullable(),
    /** What to do now, in the ticket's language ("Please go to counter 5"). */
    message: z.string(),
    issuedAt: Timestamp,
    calledAt: Timestamp.nullable(),
    finishedAt: Timestamp.nullable(),
  })
  .meta({ id: 'StatusView' })
export type StatusView = z.infer<typeof StatusView>
