import { sql } from 'drizzle-orm'
import {
  bigint,
  bigserial,
  boolean,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core'
import type { JWK } from 'jose'
import type { OpeningHours, PriorityPolicy } from '@kqms/shared/domain'
import type { BranchCapacity, BranchConfigContent } from '@kqms/shared/cloud'

/**
 * The cloud's tables (drizzle pg-core, identical on PGlite and PostgreSQL). Instants are
 * `bigint` milliseconds since the epoch (as everywhere in KQMS): no driver-dependent time parsing.
 */
const ms = (name: string) => bigint(name, { mode: 'number' })

interface Localized {
  kk: string
  ru: string
  en: string
}

export const branches = pgTable('branches', {
  id: text('id').primaryKey(),
  name: jsonb('name').$type<Localized>().notNull(),
  address: jsonb('address').$type<Localized>().notNull(),
  city: text('city').notNull(),
  lat: doublePrecision('lat').notNull(),
  lon: doublePrecision('lon').notNull(),
  timeZone: text('time_zone').notNull(),
  openingHours: jsonb('opening_hours').$type<OpeningHours>().notNull(),
  capacity: jsonb('capacity').$type<BranchCapacity>().notNull(),
  active: boolean('active').notNull().default(true),
  createdAt: ms('created_at').notNull(),
  updatedAt: ms('updated_at').notNull(),
})

/** Last sync heartbeat per branch (written by the sync server), with its live figures. */
export const branchSyncState = pgTable('branch_sync_state', {
  branchId: text('branch_id')
    .primaryKey()
    .references(() => branches.id),
  lastSeenAt: ms('last_seen_at').notNull(),
  /** Waiting per service id, from the last live snapshot; null before the first one. */
  waitingByService: jsonb('waiting_by_service').$type<Record<string, number>>(),
  expectedWaitMinutesByService: jsonb('expected_wait_minutes_by_service').$type<
    Record<string, number>
  >(),
})

export const services = pgTable('services', {
  id: text('id').primaryKey(),
  prefix: text('prefix').notNull(),
  name: jsonb('name').$type<Localized>().notNull(),
  category: jsonb('category').$type<Localized>().notNull(),
  expectedServiceSeconds: integer('expected_service_seconds').notNull(),
  serviceTimeCv: doublePrecision('service_time_cv').notNull(),
  bookable: boolean('bookable').notNull(),
  active: boolean('active').notNull(),
  updatedAt: ms('updated_at').notNull(),
})

export const branchServices = pgTable(
  'branch_services',
  {
    branchId: text('branch_id')
      .notNull()
      .references(() => branches.id),
    serviceId: text('service_id')
      .notNull()
      .references(() => services.id),
    enabled: boolean('enabled').notNull(),
    dailyCap: integer('daily_cap'),
    expectedServiceSeconds: integer('expected_service_seconds'),
    appointmentsPerSlot: integer('appointments_per_slot'),
    openingHours: jsonb('opening_hours').$type<OpeningHours>(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.branchId, t.serviceId] })],
)

/** Bank-wide settings as single rows by key (`priority-policy`). */
export const settings = pgTable('settings', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<PriorityPolicy>().notNull(),
  updatedAt: ms('updated_at').notNull(),
})

/** Immutable, content-hashed configuration versions "published to branches" (sync ships them). */
export const configVersions = pgTable(
  'config_versions',
  {
    id: uuid('id').primaryKey(),
    branchId: text('branch_id')
      .notNull()
      .references(() => branches.id),
    version: integer('version').notNull(),
    contentHash: text('content_hash').notNull(),
    content: jsonb('content').$type<BranchConfigContent>().notNull(),
    publishedAt: ms('published_at').notNull(),
    publishedBy: text('published_by').notNull(),
  },
  (t) => [uniqueIndex('config_versions_branch_version').on(t.branchId, t.version)],
)

export const operators = pgTable(
  'operators',
  {
    branchId: text('branch_id')
      .notNull()
      .references(() => branches.id),
    id: text('id').notNull(),
    displayName: text('display_name').notNull(),
    skills: jsonb('skills').$type<Record<string, 1 | 2 | 3>>().notNull(),
    active: boolean('active').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.branchId, t.id] })],
)

export const staffUsers = pgTable('staff_users', {
  id: uuid('id').primaryKey(),
  email: text('email').notNull().unique(),
  displayName: text('display_name').notNull(),
  role: text('role').$type<'central-admin' | 'analyst' | 'branch-manager'>().notNull(),
  branchIds: jsonb('branch_ids').$type<string[]>().notNull(),
  passwordHash: text('password_hash').notNull(),
  totpSecret: text('totp_secret'),
  /** Time step (30 s) of the last accepted TOTP code: a code is accepted once (no replay). */
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  disabled: boolean('disabled').notNull().default(false),
  createdAt: ms('created_at').notNull(),
  updatedAt: ms('updated_at').notNull(),
})

export const staffSessions = pgTable(
  'staff_sessions',
  {
    tokenHash: text('token_hash').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => staffUsers.id),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
  },
  (t) => [index('staff_sessions_user').on(t.userId)],
)

/** Second step of an administrator's sign-in (TOTP), single use. */
export const loginChallenges = pgTable('login_challenges', {
  idHash: text('id_hash').primaryKey(),
  userId: uuid('user_id')
    .notNull()
    .references(() => staffUsers.id),
  /** Set when the challenge enrols a new secret. */
  pendingSecret: text('pending_secret'),
  attempts: integer('attempts').notNull().default(0),
  expiresAt: ms('expires_at').notNull(),
})

export const customers = pgTable('customers', {
  id: uuid('id').primaryKey(),
  phone: text('phone').notNull().unique(),
  createdAt: ms('created_at').notNull(),
})

export const customerOtps = pgTable(
  'customer_otps',
  {
    id: uuid('id').primaryKey(),
    phone: text('phone').notNull(),
    codeHash: text('code_hash').notNull(),
    attempts: integer('attempts').notNull().default(0),
    createdAt: ms('created_at').notNull(),
    expiresAt: ms('expires_at').notNull(),
    usedAt: ms('used_at'),
  },
  (t) => [index('customer_otps_phone').on(t.phone, t.createdAt)],
)

export const customerSessions = pgTable('customer_sessions', {
  tokenHash: text('token_hash').primaryKey(),
  customerId: uuid('customer_id')
    .notNull()
    .references(() => customers.id),
  expiresAt: ms('expires_at').notNull(),
})

export const appointments = pgTable(
  'appointments',
  {
    id: uuid('id').primaryKey(),
    branchId: text('branch_id')
      .notNull()
      .references(() => branches.id),
    serviceId: text('service_id')
      .notNull()
      .references(() => services.id),
    customerId: uuid('customer_id')
      .notNull()
      .references(() => customers.id),
    startsAt: ms('starts_at').notNull(),
    endsAt: ms('ends_at').notNull(),
    status: text('status').$type<'booked' | 'cancelled'>().notNull(),
    language: text('language').$type<'kk' | 'ru' | 'en'>().notNull(),
    /** Local day at the branch (`YYYY-MM-DD`), for per-day analytics. */
    localDate: text('local_date').notNull(),
    reminderAt: ms('reminder_at'),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [
    index('appointments_slot')
      .on(t.branchId, t.serviceId, t.startsAt)
      .where(sql`${t.status} = 'booked'`),
    // One live booking per customer per start time: a double submit cannot take two places.
    uniqueIndex('appointments_customer_start')
      .on(t.customerId, t.startsAt)
      .where(sql`${t.status} = 'booked'`),
    index('appointments_customer').on(t.customerId),
    index('appointments_branch_day').on(t.branchId, t.localDate),
  ],
)

export const remoteJoinRequests = pgTable(
  'remote_join_requests',
  {
    id: uuid('id').primaryKey(),
    branchId: text('branch_id')
      .notNull()
      .references(() => branches.id),
    serviceId: text('service_id')
      .notNull()
      .references(() => services.id),
    customerId: uuid('customer_id').references(() => customers.id),
    language: text('language').$type<'kk' | 'ru' | 'en'>().notNull(),
    status: text('status').$type<'pending' | 'accepted' | 'rejected' | 'expired'>().notNull(),
    ticketNumber: text('ticket_number'),
    idempotencyKey: text('idempotency_key').unique(),
    localDate: text('local_date').notNull(),
    createdAt: ms('created_at').notNull(),
    updatedAt: ms('updated_at').notNull(),
  },
  (t) => [index('remote_join_branch_day').on(t.branchId, t.localDate)],
)

export const appliances = pgTable('appliances', {
  id: uuid('id').primaryKey(),
  branchId: text('branch_id')
    .notNull()
    .references(() => branches.id),
  name: text('name').notNull(),
  serialNumber: text('serial_number').notNull().unique(),
  registeredAt: ms('registered_at').notNull(),
  lastSeenAt: ms('last_seen_at'),
})

export const devices = pgTable('devices', {
  id: uuid('id').primaryKey(),
  branchId: text('branch_id')
    .notNull()
    .references(() => branches.id),
  kind: text('kind').notNull(),
  label: text('label').notNull(),
  applianceId: uuid('appliance_id').references(() => appliances.id),
  createdAt: ms('created_at').notNull(),
})

export const webhooks = pgTable('webhooks', {
  id: uuid('id').primaryKey(),
  url: text('url').notNull(),
  secret: text('secret').notNull(),
  events: jsonb('events').$type<string[]>().notNull(),
  active: boolean('active').notNull(),
  createdAt: ms('created_at').notNull(),
})

/** Messages to send (SMS, push, e-mail, webhook), written in the transaction of their cause. */
export const notificationOutbox = pgTable(
  'notification_outbox',
  {
    id: uuid('id').primaryKey(),
    channel: text('channel').$type<'sms' | 'push' | 'email' | 'webhook'>().notNull(),
    kind: text('kind').notNull(),
    /** Phone, push token, e-mail address or webhook id. */
    recipient: text('recipient').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<'pending' | 'sent' | 'failed' | 'cancelled'>().notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: ms('next_attempt_at').notNull(),
    lastError: text('last_error'),
    /** Groups rows that a later change cancels (e.g. the reminder of a cancelled appointment). */
    subjectId: text('subject_id'),
    createdAt: ms('created_at').notNull(),
    sentAt: ms('sent_at'),
  },
  (t) => [
    index('notification_outbox_due')
      .on(t.nextAttemptAt)
      .where(sql`${t.status} = 'pending'`),
    index('notification_outbox_subject').on(t.subjectId),
  ],
)

export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: ms('at').notNull(),
    actorId: text('actor_id'),
    actorEmail: text('actor_email'),
    action: text('action').notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    before: jsonb('before'),
    after: jsonb('after'),
  },
  (t) => [index('audit_log_entity').on(t.entity, t.entityId)],
)

/** Public halves of the appointment-signing keys (all kept, so older QR codes still verify). */
export const signingKeys = pgTable('signing_keys', {
  keyId: text('key_id').primaryKey(),
  publicJwk: jsonb('public_jwk').$type<JWK>().notNull(),
  createdAt: ms('created_at').notNull(),
})
