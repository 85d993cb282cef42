import { z } from 'zod'
import { MAX_APPOINTMENT_TOKEN_LENGTH } from '../appointment-token.js'
import { Language, LocalizedText } from '../domain/ids.js'
import { CHECK_IN_REFUSAL_CODES, Timestamp } from './common.js'
import { TicketView } from './public.js'

/** `POST /api/v1/appointments/check-in`: the kiosk read an appointment QR code. */
export const CheckInRequest = z
  .strictObject({
    /** The QR code's text: a compact JWS signed by the cloud. */
    token: z.string().min(1).max(MAX_APPOINTMENT_TOKEN_LENGTH),
    /** The kiosk's language; the ticket speaks the token's language when absent. */
    language: Language.optional(),
  })
  .meta({ id: 'CheckInRequest' })
export type CheckInRequest = z.infer<typeof CheckInRequest>

/**
 * A check-in that issued (or had already issued) a ticket. `checked-in`: on time, an
 * `appointment`-priority ticket; `late`: after the start, a regular ticket of the booked service.
 */
export const CheckInResponse = z
  .object({
    outcome: z.enum(['checked-in', 'late']),
    appointmentId: z.string(),
    ticket: TicketView,
    /** What the customer reads, in the ticket's language. */
    message: z.string(),
    messages: LocalizedText,
  })
  .meta({ id: 'CheckInResponse' })
export type CheckInResponse = z.infer<typeof CheckInResponse>

export const CheckInRefusalCode = z.enum(CHECK_IN_REFUSAL_CODES)
export type CheckInRefusalCode = z.infer<typeof CheckInRefusalCode>

/** A refused check-in: the error body plus the customer-facing text in kk/ru/en. */
export const CheckInRefusal = z
  .object({
    error: z.object({ code: CheckInRefusalCode, message: z.string() }),
    refusal: z.object({
      code: CheckInRefusalCode,
      /** In the customer's language (the kiosk's, else the token's when it could be read). */
      message: z.string(),
      messages: LocalizedText,
      /** `APPOINTMENT_TOO_EARLY`: the first instant the customer may check in. */
      checkInFrom: Timestamp.nullable(),
    }),
  })
  .meta({ id: 'CheckInRefusal' })
export type CheckInRefusal = z.infer<typeof CheckInRefusal>
