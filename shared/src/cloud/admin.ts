import { z } from 'zod'
import { Timestamp } from '../api/common.js'
import { OpeningHours, PriorityPolicy, SkillLevel } from '../domain/catalogue.js'
import { DeviceKind } from '../domain/devices.js'
import { BranchId, LocalizedText, OperatorId, ServiceId } from '../domain/ids.js'
import { CloudRole, GeoPoint, LocalDate } from './common.js'

/* ───────────────────────── staff auth ───────────────────────── */

export const Email = z.email().max(254)
export const StaffPassword = z.string().min(12, 'must be at least 12 characters').max(128)

/** `POST /api/admin/auth/login`. */
export const StaffLoginRequest = z
  .strictObject({ email: z.string().min(1).max(254), password: z.string().min(1).max(128) })
  .meta({ id: 'StaffLoginRequest' })
export type StaffLoginRequest = z.infer<typeof StaffLoginRequest>

export const StaffUserView = z
  .object({
    id: z.uuid(),
    email: z.string(),
    displayName: z.string(),
    role: CloudRole,
    /** Branches a branch manager may act on; empty for other roles. */
    branchIds: z.array(BranchId),
    totpEnrolled: z.boolean(),
    disabled: z.boolean(),
    createdAt: Timestamp,
  })
  .meta({ id: 'StaffUserView' })
export type StaffUserView = z.infer<typeof StaffUserView>

export const StaffSessionView = z
  .object({ token: z.string(), expiresAt: Timestamp, user: StaffUserView })
  .meta({ id: 'StaffSessionView' })
export type StaffSessionView = z.infer<typeof StaffSessionView>

/**
 * Answer of `POST /api/admin/auth/login`: signed in (roles without a second factor), a TOTP code
 * needed (`totp-required`), or a first sign-in of an administrator who must enrol TOTP first
 * (`totp-enrolment-required`, with the secret to add to an authenticator app).
 */
export const StaffLoginResponse = z
  .discriminatedUnion('status', [
    z.object({ status: z.literal('signed-in'), session: StaffSessionView }),
    z.object({ status: z.literal('totp-required'), challengeId: z.string(), expiresAt: Timestamp }),
    z.object({
      status: z.literal('totp-enrolment-required'),
      challengeId: z.string(),
      expiresAt: Timestamp,
      /** Base32 secret and its `otpauth://` URI (show as a QR code). */
      secret: z.string(),
      otpauthUrl: z.string(),
    }),
  ])
  .meta({ id: 'StaffLoginResponse' })
export type StaffLoginResponse = z.infer<typeof StaffLoginResponse>

/** `POST /api/admin/auth/totp`: completes a login challenge; answers `{ token, user, expiresAt }`. */
export const TotpVerifyRequest = z
  .strictObject({
    challengeId: z.string().min(1).max(128),
    code: z.string().regex(/^\d{6}$/, 'must be 6 digits'),
  })
  .meta({ id: 'TotpVerifyRequest' })
export type TotpVerifyRequest = z.infer<typeof TotpVerifyRequest>

/** `GET /api/admin/auth/me`. */
export const StaffMeResponse = z
  .object({ user: StaffUserView, expiresAt: Timestamp })
  .meta({ id: 'StaffMeResponse' })
export type StaffMeResponse = z.infer<typeof StaffMeResponse>

/* ───────────────────────── users ───────────────────────── */

export const CreateStaffUserRequest = z
  .strictObject({
    email: Email,
    displayName: z.string().min(1).max(100),
    role: CloudRole,
    branchIds: z.array(BranchId).max(200).default([]),
    password: StaffPassword,
  })
  .meta({ id: 'CreateStaffUserRequest' })
export type CreateStaffUserRequest = z.infer<typeof CreateStaffUserRequest>

export const UpdateStaffUserRequest = z
  .strictObject({
    displayName: z.string().min(1).max(100).optional(),
    role: CloudRole.optional(),
    branchIds: z.array(BranchId).max(200).optional(),
    disabled: z.boolean().optional(),
    password: StaffPassword.optional(),
    /** Forget the TOTP secret: an administrator enrols again at next sign-in. */
    resetTotp: z.literal(true).optional(),
  })
  .meta({ id: 'UpdateStaffUserRequest' })
export type UpdateStaffUserRequest = z.infer<typeof UpdateStaffUserRequest>

export const StaffUserListResponse = z
  .object({ users: z.array(StaffUserView) })
  .meta({ id: 'StaffUserListResponse' })

export const IdParams = z.object({ id: z.string().min(1).max(64) })
export const UuidParams = z.object({ id: z.uuid() })
export const BranchParams = z.object({ branchId: BranchId })

/* ───────────────────────── branches ───────────────────────── */

/** How many appointments a branch takes per slot, and how much room stays for walk-ins. */
export const BranchCapacity = z
  .object({
    counters: z.number().int().min(1).max(200),
    slotMinutes: z.union([
      z.literal(10),
      z.literal(15),
      z.literal(20),
      z.literal(30),
      z.literal(60),
    ]),
    /** Parallel appointments per slot and service (a service override may change it). */
    appointmentsPerSlot: z.number().int().min(0).max(100),
    /** Booking horizon in days and the least notice before a slot. */
    horizonDays: z.number().int().min(1).max(90),
    leadMinutes: z
      .number()
      .int()
      .min(0)
      .max(24 * 60),
    /** Check-in window around the appointment start. */
    earlyArrivalMinutes: z.number().int().min(0).max(240),
    lateArrivalMinutes: z.number().int().min(0).max(120),
    /** 24 entries (local hour 0–23), 0..1: share of appointment capacity kept for walk-ins. */
    walkInShareByHour: z.array(z.number().min(0).max(1)).length(24),
  })
  .meta({ id: 'BranchCapacity' })
export type BranchCapacity = z.infer<typeof BranchCapacity>

export const AdminBranch = z
  .object({
    id: BranchId,
    name: LocalizedText,
    address: LocalizedText,
    city: z.string().min(1).max(64),
    location: GeoPoint,
    timeZone: z.string().min(1).max(64),
    openingHours: OpeningHours,
    capacity: BranchCapacity,
    active: z.boolean(),
    /** Last sync heartbeat of the branch's appliance; null when never seen. */
    lastSyncAt: Timestamp.nullable(),
    reachable: z.boolean(),
    updatedAt: Timestamp,
  })
  .meta({ id: 'AdminBranch' })
export type AdminBranch = z.infer<typeof AdminBranch>

export const CreateBranchRequest = z
  .strictObject({
    id: BranchId,
    name: LocalizedText,
    address: LocalizedText,
    city: z.string().min(1).max(64),
    location: GeoPoint,
    /** IANA name, e.g. `Asia/Almaty`; checked against the runtime's zone database. */
    timeZone: z.string().min(1).max(64),
    openingHours: OpeningHours,
    capacity: BranchCapacity,
    active: z.boolean().default(true),
  })
  .meta({ id: 'CreateBranchRequest' })
export type CreateBranchRequest = z.infer<typeof CreateBranchRequest>

/** `PATCH /api/admin/branches/{branchId}`: any subset. */
export const UpdateBranchRequest = CreateBranchRequest.omit({ id: true, active: true })
  .partial()
  .extend({ active: z.boolean().optional() })
  .strict()
  .meta({ id: 'UpdateBranchRequest' })
export type UpdateBranchRequest = z.infer<typeof UpdateBranchRequest>

export const AdminBranchListResponse = z
  .object({ branches: z.array(AdminBranch) })
  .meta({ id: 'AdminBranchListResponse' })

/* ───────────────────────── configuration ───────────────────────── */

/** A service of the bank-wide catalogue (the master every branch starts from). */
export const ServiceMaster = z
  .object({
    id: ServiceId,
    prefix: z.string().regex(/^[A-Z]{1,2}$/, 'must be one or two capital Latin letters'),
    name: LocalizedText,
    category: LocalizedText,
    expectedServiceSeconds: z
      .number()
      .int()
      .min(10)
      .max(4 * 3600),
    serviceTimeCv: z.number().min(0).max(3),
    /** Offered for appointments at all. */
    bookable: z.boolean(),
    active: z.boolean(),
  })
  .meta({ id: 'ServiceMaster' })
export type ServiceMaster = z.infer<typeof ServiceMaster>

/** `PUT /api/admin/configuration/services/{serviceId}`. */
export const PutServiceMasterRequest = ServiceMaster.omit({ id: true })
  .strict()
  .meta({ id: 'PutServiceMasterRequest' })
export type PutServiceMasterRequest = z.infer<typeof PutServiceMasterRequest>

/** A branch's deviation from a master; null fields inherit. */
export const ServiceOverride = z
  .object({
    serviceId: ServiceId,
    enabled: z.boolean(),
    dailyCap: z.number().int().positive().max(9999).nullable(),
    expectedServiceSeconds: z
      .number()
      .int()
      .min(10)
      .max(4 * 3600)
      .nullable(),
    appointmentsPerSlot: z.number().int().min(0).max(100).nullable(),
    openingHours: OpeningHours.nullable(),
  })
  .meta({ id: 'ServiceOverride' })
export type ServiceOverride = z.infer<typeof ServiceOverride>

/** `PUT /api/admin/configuration/branches/{branchId}/services/{serviceId}`. */
export const PutServiceOverrideRequest = ServiceOverride.omit({ serviceId: true })
  .strict()
  .meta({ id: 'PutServiceOverrideRequest' })
export type PutServiceOverrideRequest = z.infer<typeof PutServiceOverrideRequest>

/** `GET /api/admin/configuration`: the bank-wide masters and the priority policy. */
export const ConfigurationResponse = z
  .object({ services: z.array(ServiceMaster), priorityPolicy: PriorityPolicy })
  .meta({ id: 'ConfigurationResponse' })
export type ConfigurationResponse = z.infer<typeof ConfigurationResponse>

/** A service as a branch runs it: the master with the branch's override applied. */
export const EffectiveService = z
  .object({
    id: ServiceId,
    prefix: z.string(),
    name: LocalizedText,
    category: LocalizedText,
    openingHours: OpeningHours.optional(),
    dailyCap: z.number().int().positive().nullable(),
    expectedServiceSeconds: z.number().int(),
    serviceTimeCv: z.number(),
    active: z.boolean(),
    bookable: z.boolean(),
    appointmentsPerSlot: z.number().int().nonnegative(),
  })
  .meta({ id: 'EffectiveService' })
export type EffectiveService = z.infer<typeof EffectiveService>

/** What a config version ships to a branch (content-hashed, immutable once published). */
export const BranchConfigContent = z
  .object({
    branch: z.object({
      id: BranchId,
      name: LocalizedText,
      address: LocalizedText,
      timeZone: z.string(),
      openingHours: OpeningHours,
    }),
    capacity: BranchCapacity,
    services: z.array(EffectiveService),
    priorityPolicy: PriorityPolicy,
    operators: z.array(
      z.object({
        id: OperatorId,
        displayName: z.string(),
        skills: z.record(z.string(), SkillLevel),
        active: z.boolean(),
      }),
    ),
  })
  .meta({ id: 'BranchConfigContent' })
export type BranchConfigContent = z.infer<typeof BranchConfigContent>

export const ConfigVersionView = z
  .object({
    branchId: BranchId,
    version: z.number().int().positive(),
    /** sha256 of the canonical JSON of `content`. */
    contentHash: z.string(),
    publishedAt: Timestamp,
    publishedBy: z.string(),
  })
  .meta({ id: 'ConfigVersionView' })
export type ConfigVersionView = z.infer<typeof ConfigVersionView>

/** `GET /api/admin/configuration/branches/{branchId}`. */
export const BranchConfigurationResponse = z
  .object({
    branchId: BranchId,
    overrides: z.array(ServiceOverride),
    /** What would be published now. */
    draft: BranchConfigContent,
    draftHash: z.string(),
    published: ConfigVersionView.nullable(),
    /** The draft differs from the last published version. */
    unpublishedChanges: z.boolean(),
  })
  .meta({ id: 'BranchConfigurationResponse' })
export type BranchConfigurationResponse = z.infer<typeof BranchConfigurationResponse>

/** `POST /api/admin/configuration/branches/{branchId}/publish`. */
export const PublishResponse = z
  .object({
    version: ConfigVersionView,
    /** False when the content equals the last version (no new row). */
    created: z.boolean(),
  })
  .meta({ id: 'PublishResponse' })
export type PublishResponse = z.infer<typeof PublishResponse>

export const ConfigVersionListResponse = z
  .object({ versions: z.array(ConfigVersionView) })
  .meta({ id: 'ConfigVersionListResponse' })

/* ───────────────────────── operators ───────────────────────── */

export const OperatorsQuery = z.object({ branchId: BranchId.optional() })

export const AdminOperator = z
  .object({
    branchId: BranchId,
    id: OperatorId,
    displayName: z.string(),
    skills: z.record(z.string(), SkillLevel),
    active: z.boolean(),
    updatedAt: Timestamp,
  })
  .meta({ id: 'AdminOperator' })
export type AdminOperator = z.infer<typeof AdminOperator>

/** `PUT /api/admin/operators/{branchId}/{operatorId}`: create or replace. */
export const PutOperatorRequest = z
  .strictObject({
    displayName: z.string().min(1).max(100),
    /** Service id → skill level (1 primary, 2 secondary, 3 backup). */
    skills: z.record(ServiceId, SkillLevel),
    active: z.boolean().default(true),
  })
  .meta({ id: 'PutOperatorRequest' })
export type PutOperatorRequest = z.infer<typeof PutOperatorRequest>

export const OperatorParams = z.object({ branchId: BranchId, operatorId: OperatorId })

export const AdminOperatorListResponse = z
  .object({ operators: z.array(AdminOperator) })
  .meta({ id: 'AdminOperatorListResponse' })

/* ───────────────────────── appliances and devices ───────────────────────── */

export const ApplianceView = z
  .object({
    id: z.uuid(),
    branchId: BranchId,
    name: z.string(),
    serialNumber: z.string(),
    registeredAt: Timestamp,
    lastSeenAt: Timestamp.nullable(),
  })
  .meta({ id: 'ApplianceView' })
export type ApplianceView = z.infer<typeof ApplianceView>

export const CreateApplianceRequest = z
  .strictObject({
    branchId: BranchId,
    name: z.string().min(1).max(100),
    serialNumber: z
      .string()
      .min(1)
      .max(64)
      .regex(/^[A-Za-z0-9._-]+$/, 'letters, digits, ".", "_" or "-"'),
  })
  .meta({ id: 'CreateApplianceRequest' })
export type CreateApplianceRequest = z.infer<typeof CreateApplianceRequest>

export const ApplianceListResponse = z
  .object({ appliances: z.array(ApplianceView) })
  .meta({ id: 'ApplianceListResponse' })

export const DeviceView = z
  .object({
    id: z.uuid(),
    branchId: BranchId,
    kind: DeviceKind,
    label: z.string(),
    applianceId: z.uuid().nullable(),
    createdAt: Timestamp,
  })
  .meta({ id: 'DeviceView' })
export type DeviceView = z.infer<typeof DeviceView>

export const CreateDeviceRequest = z
  .strictObject({
    branchId: BranchId,
    kind: DeviceKind,
    label: z.string().min(1).max(100),
    applianceId: z.uuid().nullable().default(null),
  })
  .meta({ id: 'CreateDeviceRequest' })
export type CreateDeviceRequest = z.infer<typeof CreateDeviceRequest>

export const DeviceListResponse = z
  .object({ devices: z.array(DeviceView) })
  .meta({ id: 'DeviceListResponse' })

export const InventoryQuery = z.object({ branchId: BranchId.optional() })

/* ───────────────────────── appointments (staff view) ───────────────────────── */

export const AdminAppointmentsQuery = z.object({ branchId: BranchId, date: LocalDate })

export const AdminAppointment = z
  .object({
    id: z.uuid(),
    branchId: BranchId,
    serviceId: ServiceId,
    startsAt: Timestamp,
    localStart: z.string(),
    status: z.enum(['booked', 'cancelled']),
    /** Masked. */
    phone: z.string(),
    language: z.enum(['kk', 'ru', 'en']),
  })
  .meta({ id: 'AdminAppointment' })
export type AdminAppointment = z.infer<typeof AdminAppointment>

export const AdminAppointmentListResponse = z
  .object({ appointments: z.array(AdminAppointment) })
  .meta({ id: 'AdminAppointmentListResponse' })

/* ───────────────────────── analytics ───────────────────────── */

export const AnalyticsQuery = z.object({
  from: LocalDate,
  to: LocalDate,
  branchId: BranchId.optional(),
})
export type AnalyticsQuery = z.infer<typeof AnalyticsQuery>

/** Counts per branch and local day (the branch's time zone). */
export const AnalyticsResponse = z
  .object({
    from: LocalDate,
    to: LocalDate,
    appointments: z.array(
      z.object({
        branchId: BranchId,
        date: LocalDate,
        booked: z.number().int().nonnegative(),
        cancelled: z.number().int().nonnegative(),
      }),
    ),
    remoteJoins: z.array(
      z.object({
        branchId: BranchId,
        date: LocalDate,
        pending: z.number().int().nonnegative(),
        accepted: z.number().int().nonnegative(),
        rejected: z.number().int().nonnegative(),
        expired: z.number().int().nonnegative(),
      }),
    ),
    totals: z.object({
      appointmentsBooked: z.number().int().nonnegative(),
      appointmentsCancelled: z.number().int().nonnegative(),
      remoteJoins: z.number().int().nonnegative(),
    }),
  })
  .meta({ id: 'AnalyticsResponse' })
export type AnalyticsResponse = z.infer<typeof AnalyticsResponse>

/* ───────────────────────── webhooks ───────────────────────── */

export const WEBHOOK_EVENTS = [
  'appointment.booked',
  'appointment.rescheduled',
  'appointment.cancelled',
  'remote-join.requested',
] as const
export const WebhookEvent = z.enum(WEBHOOK_EVENTS)
export type WebhookEvent = z.infer<typeof WebhookEvent>

export const WebhookView = z
  .object({
    id: z.uuid(),
    url: z.url(),
    events: z.array(WebhookEvent),
    active: z.boolean(),
    createdAt: Timestamp,
  })
  .meta({ id: 'WebhookView' })
export type WebhookView = z.infer<typeof WebhookView>

/** `POST /api/admin/webhooks`: the signing secret is returned once. */
export const CreateWebhookRequest = z
  .strictObject({
    url: z.url({ protocol: /^https?$/ }).max(2000),
    events: z.array(WebhookEvent).min(1),
  })
  .meta({ id: 'CreateWebhookRequest' })
export type CreateWebhookRequest = z.infer<typeof CreateWebhookRequest>

export const CreatedWebhook = WebhookView.extend({ secret: z.string() }).meta({
  id: 'CreatedWebhook',
})
export type CreatedWebhook = z.infer<typeof CreatedWebhook>
export const WebhookListResponse = z
  .object({ webhooks: z.array(WebhookView) })
  .meta({ id: 'WebhookListResponse' })

/* ───────────────────────── audit ───────────────────────── */

export const AuditQuery = z.object({
  entity: z.string().min(1).max(64).optional(),
  entityId: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
  /** Page backwards: entries with an id below this one. */
  before: z.coerce.number().int().positive().optional(),
})
export type AuditQuery = z.infer<typeof AuditQuery>

export const AuditEntry = z
  .object({
    id: z.number().int(),
    at: Timestamp,
    actorId: z.string().nullable(),
    actorEmail: z.string().nullable(),
    action: z.string(),
    entity: z.string(),
    entityId: z.string(),
    before: z.unknown().nullable(),
    after: z.unknown().nullable(),
  })
  .meta({ id: 'AuditEntry' })
export type AuditEntry = z.infer<typeof AuditEntry>

export const AuditListResponse = z
  .object({ entries: z.array(AuditEntry) })
  .meta({ id: 'AuditListResponse' })

export type AdminAppointmentListResponse = z.infer<typeof AdminAppointmentListResponse>
export type AdminAppointmentsQuery = z.infer<typeof AdminAppointmentsQuery>
export type AdminBranchListResponse = z.infer<typeof AdminBranchListResponse>
export type AdminOperatorListResponse = z.infer<typeof AdminOperatorListResponse>
export type ApplianceListResponse = z.infer<typeof ApplianceListResponse>
export type AuditListResponse = z.infer<typeof AuditListResponse>
export type ConfigVersionListResponse = z.infer<typeof ConfigVersionListResponse>
export type DeviceListResponse = z.infer<typeof DeviceListResponse>
export type InventoryQuery = z.infer<typeof InventoryQuery>
export type OperatorsQuery = z.infer<typeof OperatorsQuery>
export type StaffUserListResponse = z.infer<typeof StaffUserListResponse>
export type WebhookListResponse = z.infer<typeof WebhookListResponse>
