import { z } from 'zod'
import { Timestamp } from '../api/common.js'
import { OpeningHours } from '../domain/catalogue.js'
import { BranchId, Language, LocalizedText, ServiceId } from '../domain/ids.js'
import { CloudErrorBody, GeoPoint, LocalDate, PhoneNumber } from './common.js'

/* ───────────────────────── branches and queues ───────────────────────── */

/** Live queue figures of a branch, from its last sync; `null` until the branch syncs. */
export const BranchLive = z
  .object({
    waiting: z.number().int().nonnegative(),
    expectedWaitMinutes: z.number().int().nonnegative().nullable(),
    updatedAt: Timestamp,
  })
  .meta({ id: 'BranchLive' })
export type BranchLive = z.infer<typeof BranchLive>

export const PublicBranch = z
  .object({
    id: BranchId,
    name: LocalizedText,
    address: LocalizedText,
    city: z.string(),
    location: GeoPoint,
    timeZone: z.string(),
    openingHours: OpeningHours,
    /** Null when no point was given in the query. */
    distanceKm: z.number().nonnegative().nullable(),
    /** Waiting customers across services; null until the branch syncs. */
    waiting: z.number().int().nonnegative().nullable(),
    expectedWaitMinutes: z.number().int().nonnegative().nullable(),
    live: BranchLive.nullable(),
  })
  .meta({ id: 'PublicBranch' })
export type PublicBranch = z.infer<typeof PublicBranch>

/** `GET /api/v1/branches?city=&lat=&lon=&limit=`: by city (case-insensitive), nearest first with a point. */
export const BranchListQuery = z.object({
  city: z.string().min(1).max(64).optional(),
  lat: z.coerce.number().min(-90).max(90).optional(),
  lon: z.coerce.number().min(-180).max(180).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
})
export type BranchListQuery = z.infer<typeof BranchListQuery>

export const BranchListResponse = z
  .object({ branches: z.array(PublicBranch) })
  .meta({ id: 'BranchListResponse' })
export type BranchListResponse = z.infer<typeof BranchListResponse>

export const QueuesQuery = z.object({ branchId: BranchId })

export const PublicServiceQueue = z
  .object({
    serviceId: ServiceId,
    name: LocalizedText,
    category: LocalizedText,
    prefix: z.string(),
    /** Can be booked as an appointment at this branch. */
    bookable: z.boolean(),
    waiting: z.number().int().nonnegative().nullable(),
    expectedWaitMinutes: z.number().int().nonnegative().nullable(),
  })
  .meta({ id: 'PublicServiceQueue' })
export type PublicServiceQueue = z.infer<typeof PublicServiceQueue>

/** `GET /api/v1/queues?branchId=`: the branch's services with live figures (null until sync). */
export const QueuesResponse = z
  .object({
    branchId: BranchId,
    live: BranchLive.nullable(),
    /** The branch's appliance synced recently, so remote join can be offered. */
    reachable: z.boolean(),
    services: z.array(PublicServiceQueue),
  })
  .meta({ id: 'QueuesResponse' })
export type QueuesResponse = z.infer<typeof QueuesResponse>

/* ───────────────────────── customer identity ───────────────────────── */

/** `POST /api/v1/auth/otp`: sends a one-time code by SMS (202). */
export const OtpRequest = z
  .strictObject({ phone: PhoneNumber, language: Language.default('ru') })
  .meta({ id: 'OtpRequest' })
export type OtpRequest = z.infer<typeof OtpRequest>

export const OtpAccepted = z
  .object({ expiresAt: Timestamp, resendAfterSeconds: z.number().int().nonnegative() })
  .meta({ id: 'OtpAccepted' })
export type OtpAccepted = z.infer<typeof OtpAccepted>

/** `POST /api/v1/auth/verify`. */
export const OtpVerifyRequest = z
  .strictObject({ phone: PhoneNumber, code: z.string().regex(/^\d{6}$/, 'must be 6 digits') })
  .meta({ id: 'OtpVerifyRequest' })
export type OtpVerifyRequest = z.infer<typeof OtpVerifyRequest>

export const CustomerSession = z
  .object({
    /** Send as `Authorization: Bearer <token>` on customer routes. */
    token: z.string(),
    expiresAt: Timestamp,
    /** Masked, e.g. `+7701•••••67`. */
    phone: z.string(),
  })
  .meta({ id: 'CustomerSession' })
export type CustomerSession = z.infer<typeof CustomerSession>

/* ───────────────────────── appointments ───────────────────────── */

export const SlotsQuery = z.object({ branchId: BranchId, serviceId: ServiceId, date: LocalDate })

export const PublicSlot = z
  .object({
    startsAt: Timestamp,
    endsAt: Timestamp,
    /** Local wall time at the branch, `HH:MM`. */
    localTime: z.string(),
    available: z.number().int().nonnegative(),
  })
  .meta({ id: 'PublicSlot' })
export type PublicSlot = z.infer<typeof PublicSlot>

/** `GET /api/v1/appointments/slots?branchId=&serviceId=&date=`. */
export const SlotsResponse = z
  .object({
    branchId: BranchId,
    serviceId: ServiceId,
    date: LocalDate,
    timeZone: z.string(),
    slotMinutes: z.number().int().positive(),
    slots: z.array(PublicSlot),
  })
  .meta({ id: 'SlotsResponse' })
export type SlotsResponse = z.infer<typeof SlotsResponse>

export const AppointmentStatus = z.enum(['booked', 'cancelled'])
export type AppointmentStatus = z.infer<typeof AppointmentStatus>

/** Where the customer stands relative to the arrival window. */
export const ArrivalState = z.enum(['too-early', 'on-time', 'late', 'missed'])
export type ArrivalState = z.infer<typeof ArrivalState>

export const AppointmentView = z
  .object({
    id: z.uuid(),
    branchId: BranchId,
    serviceId: ServiceId,
    startsAt: Timestamp,
    endsAt: Timestamp,
    /** Local wall time at the branch (`YYYY-MM-DD HH:MM`) and its zone. */
    localStart: z.string(),
    timeZone: z.string(),
    status: AppointmentStatus,
    language: Language,
    /** Check-in at the branch is accepted from `earliestArrival` to `latestArrival`. */
    earliestArrival: Timestamp,
    latestArrival: Timestamp,
    arrival: ArrivalState,
    /** The QR content: an Ed25519-signed token the branch verifies offline. Null once cancelled. */
    qrToken: z.string().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'AppointmentView' })
export type AppointmentView = z.infer<typeof AppointmentView>

/** `POST /api/v1/appointments` (customer session). */
export const BookAppointmentRequest = z
  .strictObject({
    branchId: BranchId,
    serviceId: ServiceId,
    startsAt: Timestamp,
    language: Language.default('ru'),
  })
  .meta({ id: 'BookAppointmentRequest' })
export type BookAppointmentRequest = z.infer<typeof BookAppointmentRequest>

/** `POST /api/v1/appointments/{id}/reschedule`. */
export const RescheduleAppointmentRequest = z
  .strictObject({ startsAt: Timestamp })
  .meta({ id: 'RescheduleAppointmentRequest' })
export type RescheduleAppointmentRequest = z.infer<typeof RescheduleAppointmentRequest>

export const AppointmentIdParams = z.object({ id: z.uuid() })

export const AppointmentListResponse = z
  .object({ appointments: z.array(AppointmentView) })
  .meta({ id: 'AppointmentListResponse' })
export type AppointmentListResponse = z.infer<typeof AppointmentListResponse>

/** `GET /api/v1/appointments/keys`: public keys that verify appointment QR tokens offline. */
export const SigningKeysResponse = z
  .object({
    keys: z.array(
      z.object({ kid: z.string(), kty: z.string(), crv: z.string(), x: z.string() }).loose(),
    ),
  })
  .meta({ id: 'SigningKeysResponse' })
export type SigningKeysResponse = z.infer<typeof SigningKeysResponse>

/* ───────────────────────── remote join and status ───────────────────────── */

/** `POST /api/v1/register`: ask the branch for a ticket (remote join). Optional customer session. */
export const RemoteJoinRequest = z
  .strictObject({
    branchId: BranchId,
    serviceId: ServiceId,
    language: Language.default('ru'),
    /** Where the customer is, to rank alternatives when the branch cannot take the request. */
    location: GeoPoint.optional(),
  })
  .meta({ id: 'RemoteJoinRequest' })
export type RemoteJoinRequest = z.infer<typeof RemoteJoinRequest>

export const RemoteJoinStatus = z.enum(['pending', 'accepted', 'rejected', 'expired'])
export type RemoteJoinStatus = z.infer<typeof RemoteJoinStatus>

export const RemoteJoinView = z
  .object({
    id: z.uuid(),
    branchId: BranchId,
    serviceId: ServiceId,
    language: Language,
    status: RemoteJoinStatus,
    /** Issued by the branch appliance only (never by the cloud); null until accepted. */
    ticketNumber: z.string().nullable(),
    createdAt: Timestamp,
    /** `GET` this to follow the request. */
    statusUrl: z.string(),
  })
  .meta({ id: 'RemoteJoinView' })
export type RemoteJoinView = z.infer<typeof RemoteJoinView>

export const AlternativeBranch = z
  .object({
    id: BranchId,
    name: LocalizedText,
    distanceKm: z.number().nonnegative(),
    expectedWaitMinutes: z.number().int().nonnegative().nullable(),
    reachable: z.boolean(),
  })
  .meta({ id: 'AlternativeBranch' })
export type AlternativeBranch = z.infer<typeof AlternativeBranch>

/** 503 `BRANCH_UNREACHABLE`: the error plus what the customer can do instead. */
export const BranchUnreachableBody = CloudErrorBody.extend({
  alternatives: z.object({
    /** Nearby branches that synced recently, shortest expected wait first. */
    branches: z.array(AlternativeBranch),
    /** The next bookable appointment slots for the same service at the requested branch. */
    slots: z.array(PublicSlot),
  }),
}).meta({ id: 'BranchUnreachableBody' })
export type BranchUnreachableBody = z.infer<typeof BranchUnreachableBody>

export const StatusParams = z.object({ id: z.uuid() })

/** `GET /api/v1/status/{id}`: a remote join request or an appointment, by id. */
export const StatusResponse = z
  .discriminatedUnion('kind', [
    z.object({
      kind: z.literal('remote-join'),
      remoteJoin: RemoteJoinView.omit({ statusUrl: true }),
    }),
    z.object({
      kind: z.literal('appointment'),
      appointment: AppointmentView.omit({ qrToken: true }),
    }),
  ])
  .meta({ id: 'StatusResponse' })
export type StatusResponse = z.infer<typeof StatusResponse>

export type QueuesQuery = z.infer<typeof QueuesQuery>
export type SlotsQuery = z.infer<typeof SlotsQuery>
