import { z } from 'zod'
import { DOMAIN_ERROR_CODES } from '../errors.js'

/** Error codes the HTTP layer adds to the domain's closed set. Adding one is an API change. */
export const HTTP_ERROR_CODES = [
  'VALIDATION_FAILED',
  'MALFORMED_JSON',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'METHOD_NOT_ALLOWED',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'TOO_MANY_ATTEMPTS',
  'INTERNAL',
] as const
export type HttpErrorCode = (typeof HTTP_ERROR_CODES)[number]

/**
 * Why a branch refuses an appointment QR code at check-in (`POST /api/v1/appointments/check-in`).
 * The `TOKEN_*` codes are `verifyAppointmentToken`'s (`@kqms/shared/appointment-token`).
 */
export const CHECK_IN_REFUSAL_CODES = [
  'CHECKIN_UNAVAILABLE',
  'TOKEN_MALFORMED',
  'TOKEN_BAD_SIGNATURE',
  'TOKEN_WRONG_BRANCH',
  'TOKEN_NOT_YET_VALID',
  'TOKEN_EXPIRED',
  'APPOINTMENT_TOO_EARLY',
  'APPOINTMENT_MISSED',
] as const

/** Every code an error body may carry: the domain's codes plus the HTTP layer's. */
export const ApiErrorCode = z.enum([
  ...DOMAIN_ERROR_CODES,
  ...HTTP_ERROR_CODES,
  ...CHECK_IN_REFUSAL_CODES,
])
export type ApiErrorCode = z.infer<typeof ApiErrorCode>

/** The one error body of the HTTP API: `{ error: { code, message } }` with a 4xx (or 500) status. */
export const ErrorBody = z
  .object({
    error: z.object({
      code: ApiErrorCode,
      /** Human-readable, English; never contains the customer's personal data. */
      message: z.string(),
    }),
  })
  .meta({ id: 'ErrorBody', description: 'Every error: a stable code and a readable message.' })
export type ErrorBody = z.infer<typeof ErrorBody>

/**
 * A client-chosen key that makes a mutating request safe to retry: a repeat returns the first
 * result. Printable ASCII only, so it can be logged and stored as is.
 */
export const IdempotencyKey = z
  .string()
  .min(8)
  .max(128)
  .regex(/^[A-Za-z0-9._:~-]+$/, 'must be 8–128 letters, digits or "._:~-"')
  .meta({ description: 'Retry-safety key; a repeat with the same key returns the first result.' })
export type IdempotencyKey = z.infer<typeof IdempotencyKey>

/** An instant on the wire: ISO 8601 in UTC (`2026-03-02T04:05:06.000Z`). */
export const Timestamp = z.iso.datetime()
export type Timestamp = z.infer<typeof Timestamp>

/** Expected wait until a ticket is called: the predictor's p10–p90 range around the expectation. */
export const WaitRange = z
  .object({
    expectedSeconds: z.number().int().nonnegative(),
    lowSeconds: z.number().int().nonnegative(),
    highSeconds: z.number().int().nonnegative(),
    expectedMinutes: z.number().int().nonnegative(),
    /** Rounded down, so the range never promises less than the seconds say. */
    lowMinutes: z.number().int().nonnegative(),
    /** Rounded up. */
    highMinutes: z.number().int().nonnegative(),
  })
  .meta({ id: 'WaitRange' })
export type WaitRange = z.infer<typeof WaitRange>

export const Role = z.enum(['operator', 'manager', 'admin'])
export type Role = z.infer<typeof Role>
export const ROLES: readonly Role[] = Role.options
