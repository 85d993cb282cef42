import { z } from 'zod'
import { HTTP_ERROR_CODES } from '../api/common.js'
import { DOMAIN_ERROR_CODES } from '../errors.js'

/**
 * Error codes only the cloud answers with. Kept apart from the appliance's closed set
 * (`DOMAIN_ERROR_CODES`) so adding one never changes the appliance's status table.
 */
export const CLOUD_ERROR_CODES = [
  /** 503: the branch has not synced recently; the body carries `alternatives`. */
  'BRANCH_UNREACHABLE',
  /** 409: every place in the slot is taken. */
  'SLOT_FULL',
  /** 422: not a bookable slot (closed, past, beyond the horizon, not on a slot boundary). */
  'SLOT_NOT_OFFERED',
  /** 409: the appointment is cancelled or already over. */
  'APPOINTMENT_NOT_CHANGEABLE',
  /** 401: a one-time code (SMS or TOTP) that does not match, or a spent/expired challenge. */
  'CODE_INVALID',
] as const
export type CloudErrorCode = (typeof CLOUD_ERROR_CODES)[number]

/**
 * A broken cloud business rule (the cloud's counterpart of `DomainError`): the HTTP layer maps
 * each code to a status through a `Record<CloudErrorCode, …>`.
 */
export class CloudError extends Error {
  override readonly name = 'CloudError'
  readonly code: CloudErrorCode
  /** Extra body fields sent next to `error` (e.g. `alternatives` of `BRANCH_UNREACHABLE`). */
  readonly extra: Readonly<Record<string, unknown>> | undefined
  constructor(
    code: CloudErrorCode,
    message: string,
    options?: { cause?: unknown; extra?: Record<string, unknown> },
  ) {
    super(message, options)
    this.code = code
    this.extra = options?.extra
  }
}

export const isCloudError = (e: unknown): e is CloudError =>
  e instanceof Error && e.name === 'CloudError'

/** Every code a cloud error body may carry. */
export const CloudApiErrorCode = z.enum([
  ...DOMAIN_ERROR_CODES,
  ...HTTP_ERROR_CODES,
  ...CLOUD_ERROR_CODES,
])
export type CloudApiErrorCode = z.infer<typeof CloudApiErrorCode>

/** The one error body of the cloud API: `{ error: { code, message } }`. */
export const CloudErrorBody = z
  .object({
    error: z.object({ code: CloudApiErrorCode, message: z.string() }),
  })
  .meta({ id: 'CloudErrorBody', description: 'Every error: a stable code and a readable message.' })
export type CloudErrorBody = z.infer<typeof CloudErrorBody>

/** A point on Earth (WGS 84 degrees). */
export const GeoPoint = z
  .object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) })
  .meta({ id: 'GeoPoint' })
export type GeoPoint = z.infer<typeof GeoPoint>

/** A local calendar day `YYYY-MM-DD` (in the branch's time zone). */
export const LocalDate = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be YYYY-MM-DD')
export type LocalDate = z.infer<typeof LocalDate>

/** A customer's phone number in E.164 (`+77011234567`). */
export const PhoneNumber = z
  .string()
  .regex(/^\+[1-9]\d{7,14}$/, 'must be E.164, e.g. +77011234567')
  .meta({ description: 'E.164 phone number' })
export type PhoneNumber = z.infer<typeof PhoneNumber>

/** `+7701•••••67`: how a phone is shown anywhere but to its owner. */
export function maskPhone(phone: string): string {
  if (phone.length <= 6) return '•'.repeat(phone.length)
  return `${phone.slice(0, 5)}${'•'.repeat(phone.length - 7)}${phone.slice(-2)}`
}

/** Staff roles of the central console. */
export const CloudRole = z.enum(['central-admin', 'analyst', 'branch-manager'])
export type CloudRole = z.infer<typeof CloudRole>
export const CLOUD_ROLES: readonly CloudRole[] = CloudRole.options
