import { sql } from 'drizzle-orm'
import {
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core'

/**
 * The appliance's SQLite schema (ARCHITECTURE.md §3.1, design/sync.md §9.2). `events` is the source
 * of truth; every other queue table is a projection of it, rebuilt by `rebuildProjections`.
 * Times are integer milliseconds since the Unix epoch; JSON columns hold canonical JSON (sorted keys).
 * Changing this file means `pnpm db:generate`: migrations in `edge/drizzle/` are forward-only.
 */

// ── event log ───────────────────────────────────────────────────────────────────────────────────

export const events = sqliteTable(
  'events',
  {
    seq: integer('seq').primaryKey({ autoIncrement: true }),
    /** UUIDv7; also the sync `change_id`. */
    id: text('id').notNull().unique(),
    type: text('type').notNull(),
    version: integer('version').notNull(),
    hlc: text('hlc').notNull(),
    at: integer('at').notNull(),
    /** Not unique: one command may emit several events (a day rollover before a ticket). */
    idempotencyKey: text('idempotency_key').notNull(),
    /** The `QueueEvent` as canonical JSON. */
    payload: text('payload').notNull(),
  },
  (t) => [index('events_idempotency_key').on(t.idempotencyKey)],
)

export const commandLog = sqliteTable('command_log', {
  idempotencyKey: text('idempotency_key').primaryKey(),
  /** sha256 of the command's canonical JSON, without shell-chosen ids (see command-fingerprint.ts). */
  fingerprint: text('fingerprint').notNull(),
  commandType: text('command_type').notNull(),
  /** Null when the command produced no events (calling next on an empty queue). */
  firstSeq: integer('first_seq'),
  lastSeq: integer('last_seq'),
  actor: text('actor').notNull(),
  at: integer('at').notNull(),
})

// ── sync (design/sync.md §9.2) ──────────────────────────────────────────────────────────────────

export const syncOutbox = sqliteTable(
  'sync_outbox',
  {
    localSeq: integer('local_seq').primaryKey({ autoIncrement: true }),
    changeId: text('change_id').notNull().unique(),
    class: text('class', { enum: ['A', 'B', 'D'] }).notNull(),
    entity: text('entity').notNull(),
    entityId: text('entity_id').notNull(),
    op: text('op', { enum: ['event', 'set', 'del', 'snapshot'] }).notNull(),
    data: text('data').notNull(),
    hlcMs: integer('hlc_ms').notNull(),
    hlcC: integer('hlc_c').notNull(),
    hlcNode: text('hlc_node').notNull(),
    baseCursor: text('base_cursor'),
    schemaVersion: integer('schema_version').notNull(),
    createdAt: integer('created_at').notNull(),
    ackedAt: integer('acked_at'),
  },
  (t) => [
    check('sync_outbox_class', sql`class IN ('A', 'B', 'D')`),
    index('sync_outbox_unacked')
      .on(t.localSeq)
      .where(sql`acked_at IS NULL`),
  ],
)

/** Keys: `hlc` (wire string), later cursors and protocol state. */
export const syncState = sqliteTable('sync_state', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
})

// ── projections ─────────────────────────────────────────────────────────────────────────────────

export const tickets = sqliteTable(
  'tickets',
  {
    id: text('id').primaryKey(),
    day: text('day').notNull(),
    /** The current service: changes on transfer and redirect. */
    serviceId: text('service_id').notNull(),
    number: text('number').notNull(),
    sequence: integer('sequence').notNull(),
    priorityClass: text('priority_class').notNull(),
    language: text('language').notNull(),
    channel: text('channel').notNull(),
    phoneMasked: text('phone_masked'),
    status: text('status').notNull(),
    issuedAt: integer('issued_at').notNull(),
    queuedAt: integer('queued_at').notNull(),
    followUpServiceIds: text('follow_up_service_ids').notNull(),
    assignedOperatorId: text('assigned_operator_id'),
    counterId: text('counter_id'),
    operatorId: text('operator_id'),
    calledAt: integer('called_at'),
    lastCalledAt: integer('last_called_at'),
    recallCount: integer('recall_count').notNull(),
    startedAt: integer('started_at'),
    finishedAt: integer('finished_at'),
    outcome: text('outcome'),
    callReason: text('call_reason'),
    stepsDone: integer('steps_done').notNull(),
  },
  // Safety net: a second ticket with a number already given out that day fails the transaction.
  // On the number, not (service, sequence): a transfer changes a ticket's service, not its number.
  (t) => [uniqueIndex('tickets_day_number').on(t.day, t.number)],
)

export const services = sqliteTable('services', {
  id: text('id').primaryKey(),
  prefix: text('prefix').notNull(),
  name: text('name').notNull(),
  category: text('category').notNull(),
  openingHours: text('opening_hours'),
  dailyCap: integer('daily_cap'),
  expectedServiceSeconds: integer('expected_service_seconds').notNull(),
  serviceTimeCv: real('service_time_cv').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull(),
})

export const counters = sqliteTable('counters', {
  id: text('id').primaryKey(),
  label: text('label').notNull(),
  name: text('name').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull(),
})

/** Configuration and presence of each operator. */
export const operators = sqliteTable('operators', {
  id: text('id').primaryKey(),
  displayName: text('display_name').notNull(),
  skills: text('skills').notNull(),
  active: integer('active', { mode: 'boolean' }).notNull(),
  status: text('status', { enum: ['offline', 'available', 'serving', 'paused'] }).notNull(),
  counterId: text('counter_id'),
  pauseReason: text('pause_reason'),
  since: integer('since').notNull(),
})

export const dailyCounters = sqliteTable(
  'daily_counters',
  {
    day: text('day').notNull(),
    serviceId: text('service_id').notNull(),
    lastSequence: integer('last_sequence').notNull(),
  },
  (t) => [primaryKey({ columns: [t.day, t.serviceId] })],
)

/** One row (`id` = 1) once the branch is configured. */
export const branch = sqliteTable(
  'branch',
  {
    id: integer('id').primaryKey(),
    branchId: text('branch_id').notNull(),
    name: text('name').notNull(),
    address: text('address').notNull(),
    timeZone: text('time_zone').notNull(),
    openingHours: text('opening_hours').notNull(),
  },
  () => [check('branch_single_row', sql`id = 1`)],
)

/** One row (`id` = 1) once a policy is configured; the engine's default applies before. */
export const priorityPolicy = sqliteTable(
  'priority_policy',
  {
    id: integer('id').primaryKey(),
    policy: text('policy').notNull(),
  },
  () => [check('priority_policy_single_row', sql`id = 1`)],
)

/** `QueueState` after event `seq`, so a restart folds only the events after it. */
export const stateSnapshots = sqliteTable('state_snapshots', {
  seq: integer('seq').primaryKey(),
  takenAt: integer('taken_at').notNull(),
  state: text('state').notNull(),
})

// ── staff accounts ──────────────────────────────────────────────────────────────────────────────

export const USER_ROLES = ['operator', 'manager', 'admin'] as const

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    login: text('login').notNull().unique(),
    displayName: text('display_name').notNull(),
    role: text('role', { enum: USER_ROLES }).notNull(),
    /** scrypt hash of the password or PIN, in the auth module's own format. */
    secretHash: text('secret_hash').notNull(),
    operatorId: text('operator_id'),
    active: integer('active', { mode: 'boolean' }).notNull(),
    createdAt: integer('created_at').notNull(),
  },
  () => [check('users_role', sql`role IN ('operator', 'manager', 'admin')`)],
)

export const sessions = sqliteTable(
  'sessions',
  {
    /** sha256 of the session token: the token itself is never stored. */
    tokenHash: text('token_hash').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    lastSeenAt: integer('last_seen_at').notNull(),
  },
  (t) => [index('sessions_user_id').on(t.userId), index('sessions_expires_at').on(t.expiresAt)],
)

// ── device registry (not queue events: secrets never sync) ──────────────────────────────────────

export const DEVICE_KIND_VALUES = [
  'kiosk',
  'hall-display',
  'counter-display',
  'operator-terminal',
  'printer',
  'card-reader',
  'button-panel',
  'firmware-bridge',
] as const

/** Enrolled devices: the MQTT identities of the branch (client id = username = `id`). */
export const devices = sqliteTable(
  'devices',
  {
    id: text('id').primaryKey(),
    kind: text('kind', { enum: DEVICE_KIND_VALUES }).notNull(),
    name: text('name').notNull(),
    /** The counter a counter display, operator terminal or button panel belongs to. */
    counterId: text('counter_id'),
    /** The firmware bridge that drives this device, if any (it may publish for it). */
    bridgeId: text('bridge_id'),
    /** The kiosk a printer or card reader serves. */
    attachedTo: text('attached_to'),
    /** scrypt hash of the 256-bit secret, which is shown once at pairing and never stored. */
    secretHash: text('secret_hash').notNull(),
    createdAt: integer('created_at').notNull(),
    revokedAt: integer('revoked_at'),
    lastSeenAt: integer('last_seen_at'),
  },
  () => [
    check(
      'devices_kind',
      sql.raw(`kind IN (${DEVICE_KIND_VALUES.map((k) => `'${k}'`).join(', ')})`),
    ),
  ],
)

/** One-time pairing codes: only their sha256 is stored; redeemed once, before `expires_at`. */
export const pairingCodes = sqliteTable(
  'pairing_codes',
  {
    codeHash: text('code_hash').primaryKey(),
    kind: text('kind', { enum: DEVICE_KIND_VALUES }).notNull(),
    name: text('name'),
    counterId: text('counter_id'),
    bridgeId: text('bridge_id'),
    attachedTo: text('attached_to'),
    createdAt: integer('created_at').notNull(),
    expiresAt: integer('expires_at').notNull(),
    usedAt: integer('used_at'),
    /** The device the code enrolled. */
    deviceId: text('device_id'),
  },
  (t) => [index('pairing_codes_expires_at').on(t.expiresAt)],
)

// ── device work (not queue events: local to the appliance) ─────────────────────────────────────

export const PRINT_JOB_STATES = ['queued', 'sent', 'printed', 'failed', 'expired'] as const

/**
 * Print jobs of tickets (design/devices.md §8.2 "Print jobs"): one per ticket and printer, kept
 * until the printer's reply settles it; an unsettled job is re-sent with the same id when its
 * printer is born again, until `expires_at`.
 */
export const printJobs = sqliteTable(
  'print_jobs',
  {
    /** `print-<ticketId>`: also the command id the bridge deduplicates by. */
    id: text('id').primaryKey(),
    ticketId: text('ticket_id').notNull(),
    printerId: text('printer_id').notNull(),
    kioskId: text('kiosk_id').notNull(),
    state: text('state', { enum: PRINT_JOB_STATES }).notNull(),
    /** A `PRINT_ERROR_CODES` code when failed or expired. */
    errorCode: text('error_code'),
    /** How often the command was published. */
    attempts: integer('attempts').notNull(),
    /** The `PrintTicketArgs` as canonical JSON: a resend prints what the first send would have. */
    args: text('args').notNull(),
    createdAt: integer('created_at').notNull(),
    /** Last publish; null while never sent. */
    sentAt: integer('sent_at'),
    /** The printer's `bdSeq` at the last publish: a birth with another one re-sends the job. */
    sentBdSeq: integer('sent_bd_seq'),
    settledAt: integer('settled_at'),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [
    check(
      'print_jobs_state',
      sql.raw(`state IN (${PRINT_JOB_STATES.map((s) => `'${s}'`).join(', ')})`),
    ),
    index('print_jobs_open')
      .on(t.printerId)
      .where(sql`state IN ('queued', 'sent')`),
  ],
)

/**
 * How a ticket's customer identified at the kiosk with a bank card: the reader's masked number
 * (first 6 and last 4 digits) and keyed hash only, never the card number.
 */
export const ticketCards = sqliteTable('ticket_cards', {
  ticketId: text('ticket_id').primaryKey(),
  masked: text('masked').notNull(),
  token: text('token').notNull(),
  tokenKeyId: text('token_key_id').notNull(),
  kioskId: text('kiosk_id').notNull(),
  readerId: text('reader_id').notNull(),
  at: integer('at').notNull(),
})

/** Projection tables, in the order `rebuildProjections` clears them. */
export const PROJECTION_TABLES = [
  tickets,
  services,
  counters,
  operators,
  dailyCounters,
  branch,
  priorityPolicy,
] as const
