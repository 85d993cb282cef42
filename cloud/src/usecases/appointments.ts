import { and, asc, eq, sql } from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import {
  CloudError,
  maskPhone,
  type AdminAppointment,
  type AppointmentView,
  type PublicSlot,
  type SlotsResponse,
} from '@kqms/shared/cloud'
import type { BranchId, Language, ServiceId, Weekday } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import { runLockedStatement } from '../db/locked-statement.js'
import { queryRows, type CloudTx } from '../db/open-database.js'
import { appointments, customers } from '../db/schema.js'
import { classifyArrival, computeSlots, type Slot } from '../domain/slots.js'
import { toWallTime } from '../domain/zoned-time.js'
import {
  cancelPendingMessages,
  enqueueMessage,
  enqueueWebhookEvent,
  messageRow,
  OUTBOX_COLUMNS,
  outboxRowsSelect,
  webhookRows,
  webhookTargets,
} from '../notify/outbox.js'
import { signAppointmentToken } from '../tokens/appointment-token.js'
import { getBranchOrThrow, type BranchRow } from './branches.js'
import { effectiveServices } from './catalogue.js'
import { cachedConfiguration } from './config-cache.js'
import type { CustomerPrincipal } from './customer-auth.js'
import type { CloudDeps } from './ports.js'

const WEEKDAY_BY_UTC_DAY: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat']
const iso = (ms: number): string => new Date(ms).toISOString()
const pad = (n: number): string => String(n).padStart(2, '0')

type AppointmentRow = typeof appointments.$inferSelect

/** The branch's local date of an instant, `YYYY-MM-DD`. */
export function localDateOf(instant: number, timeZone: string): string {
  const wall = toWallTime(instant, timeZone)
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`
}

/** `YYYY-MM-DD HH:MM` at the branch. */
export function localDateTimeOf(instant: number, timeZone: string): string {
  const wall = toWallTime(instant, timeZone)
  return `${localDateOf(instant, timeZone)} ${pad(Math.floor(wall.minutes / 60))}:${pad(wall.minutes % 60)}`
}

function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number)
  return WEEKDAY_BY_UTC_DAY[new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1)).getUTCDay()] ?? 'sun'
}

function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number)
  return new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, (d ?? 1) + days)).toISOString().slice(0, 10)
}

interface BookableService {
  readonly id: string
  readonly name: { kk: string; ru: string; en: string }
  readonly openingHours?: Partial<Record<Weekday, { open: string; close: string }[]>>
  readonly appointmentsPerSlot: number
}

async function bookableServiceOrThrow(
  tx: CloudTx,
  branch: BranchRow,
  serviceId: string,
): Promise<BookableService> {
  const service = (await effectiveServices(tx, branch)).find((s) => s.id === serviceId)
  if (!service?.bookable)
    throw new DomainError(
      'SERVICE_NOT_OFFERED',
      `Branch ${branch.id} does not take appointments for service ${serviceId}`,
    )
  return service
}

/** The branch, from the configuration cache while fresh (booking and slot reads). */
const cachedBranch = (deps: CloudDeps, branchId: string): Promise<BranchRow> =>
  cachedConfiguration(deps.db, `branch:${branchId}`, () => getBranchOrThrow(deps.db, branchId))

/** The bookable service of a branch, from the configuration cache while fresh. */
async function cachedBookableService(
  deps: CloudDeps,
  input: { branch: BranchRow; serviceId: string },
): Promise<BookableService> {
  const { branch, serviceId } = input
  const services = await cachedConfiguration(
    deps.db,
    `services:${branch.id}:${branch.updatedAt}`,
    () => effectiveServices(deps.db, branch),
  )
  const service = services.find((s) => s.id === serviceId)
  if (!service?.bookable)
    throw new DomainError(
      'SERVICE_NOT_OFFERED',
      `Branch ${branch.id} does not take appointments for service ${serviceId}`,
    )
  return service
}

/** Booked count per slot start for one branch × service × local date (read under the caller's lock). */
async function bookedOn(
  tx: CloudTx,
  input: { branchId: string; serviceId: string; date: string },
): Promise<Map<number, number>> {
  const rows = await queryRows<{ starts_at: string | number; booked: string | number }>(
    tx,
    sql`SELECT starts_at, count(*) AS booked FROM appointments
        WHERE branch_id = ${input.branchId} AND service_id = ${input.serviceId}
          AND local_date = ${input.date} AND status = 'booked'
        GROUP BY starts_at`,
  )
  return new Map(rows.map((r) => [Number(r.starts_at), Number(r.booked)]))
}

/** The slots of a date, or none when the date is outside today…horizon at the branch. */
async function slotsOn(
  deps: CloudDeps,
  /** `tx: null` computes the slots without reading bookings (every `booked` is 0). */
  input: { tx: CloudTx | null; branch: BranchRow; service: BookableService; date: string },
): Promise<Slot[]> {
  const { tx, branch, service, date } = input
  const now = deps.clock.now()
  const today = localDateOf(now, branch.timeZone)
  const lastDay = addDays(today, branch.capacity.horizonDays)
  if (date < today || date > lastDay) return []
  const weekday = weekdayOf(date)
  const hours = (service.openingHours ?? branch.openingHours)[weekday] ?? []
  if (hours.length === 0) return []
  const booked =
    tx === null
      ? new Map<number, number>()
      : await bookedOn(tx, { branchId: branch.id, serviceId: service.id, date })
  return computeSlots({
    date,
    timeZone: branch.timeZone,
    hours,
    slotMinutes: branch.capacity.slotMinutes,
    capacity: service.appointmentsPerSlot,
    demandFactor: branch.capacity.walkInShareByHour,
    booked,
    now,
    leadMinutes: branch.capacity.leadMinutes,
  })
}

const toPublicSlot = (slot: Slot, timeZone: string): PublicSlot => ({
  startsAt: iso(slot.startsAt),
  endsAt: iso(slot.endsAt),
  localTime: localDateTimeOf(slot.startsAt, timeZone).slice(11),
  available: slot.available,
})

export async function listSlots(
  deps: CloudDeps,
  query: { branchId: string; serviceId: string; date: string },
): Promise<SlotsResponse> {
  const branch = await cachedBranch(deps, query.branchId)
  const service = await cachedBookableService(deps, { branch, serviceId: query.serviceId })
  const slots = await slotsOn(deps, { tx: deps.db, branch, service, date: query.date })
  return {
    branchId: branch.id as BranchId,
    serviceId: service.id as ServiceId,
    date: query.date,
    timeZone: branch.timeZone,
    slotMinutes: branch.capacity.slotMinutes,
    slots: slots.map((s) => toPublicSlot(s, branch.timeZone)),
  }
}

/** The next `limit` slots with room, from today on (alternatives to an unreachable branch). */
export async function nextFreeSlots(
  deps: CloudDeps,
  input: { branchId: string; serviceId: string; limit: number },
): Promise<PublicSlot[]> {
  const branch = await getBranchOrThrow(deps.db, input.branchId)
  let service: BookableService
  try {
    service = await bookableServiceOrThrow(deps.db, branch, input.serviceId)
  } catch {
    return []
  }
  const found: PublicSlot[] = []
  let date = localDateOf(deps.clock.now(), branch.timeZone)
  for (let day = 0; day <= branch.capacity.horizonDays && found.length < input.limit; day++) {
    const slots = await slotsOn(deps, { tx: deps.db, branch, service, date })
    for (const slot of slots) {
      if (slot.available > 0 && found.length < input.limit)
        found.push(toPublicSlot(slot, branch.timeZone))
    }
    date = addDays(date, 1)
  }
  return found
}

/** Serialises every booking of one slot (branch × service × start) across connections. */
async function lockSlot(
  tx: CloudTx,
  input: { branchId: string; serviceId: string; startsAt: number },
): Promise<void> {
  await tx.execute(sql`SELECT pg_advisory_xact_lock(hashtextextended(${slotLockKey(input)}, 0))`)
}

const slotLockKey = (input: { branchId: string; serviceId: string; startsAt: number }): string =>
  `slot:${input.branchId}:${input.serviceId}:${input.startsAt}`

/**
 * The slot starting at `startsAt` (SLOT_NOT_OFFERED when there is none). The slot and its
 * capacity follow from configuration alone: computed before taking the lock, so the lock is held
 * only for the count and the insert.
 */
async function offeredSlot(
  deps: CloudDeps,
  input: { branch: BranchRow; service: BookableService; startsAt: number },
): Promise<Slot> {
  const { branch, service, startsAt } = input
  const date = localDateOf(startsAt, branch.timeZone)
  const slot = (await slotsOn(deps, { tx: null, branch, service, date })).find(
    (s) => s.startsAt === startsAt,
  )
  if (!slot)
    throw new CloudError(
      'SLOT_NOT_OFFERED',
      `No appointment slot starts at ${iso(startsAt)} for ${service.id} at ${branch.id} (closed, past, too soon, beyond the horizon or not a slot start)`,
    )
  return slot
}

/**
 * Takes a place in a slot: under the slot's advisory lock, re-reads the bookings and recomputes
 * the slot (hours, lead time, capacity, walk-in share), so concurrent bookings never overbook.
 */
async function reserveSlot(
  deps: CloudDeps,
  input: { tx: CloudTx; branch: BranchRow; service: BookableService; startsAt: number },
): Promise<Slot> {
  const { tx, branch, service, startsAt } = input
  const slot = await offeredSlot(deps, input)
  await lockSlot(tx, { branchId: branch.id, serviceId: service.id, startsAt })
  const [row] = await queryRows<{ booked: string | number }>(
    tx,
    sql`SELECT count(*) AS booked FROM appointments
        WHERE branch_id = ${branch.id} AND service_id = ${service.id}
          AND starts_at = ${startsAt} AND status = 'booked'`,
  )
  const booked = Number(row?.booked ?? 0)
  if (booked >= slot.capacity)
    throw new CloudError('SLOT_FULL', 'This slot is fully booked; choose another')
  return { ...slot, booked, available: slot.capacity - booked }
}

/** A link of at most 64 characters (SMS length) to the appointment's status. */
export function manageUrl(publicBaseUrl: string, id: string): string {
  const full = `${publicBaseUrl}/s/${id}`
  return full.length <= 64 ? full : publicBaseUrl.slice(0, 64)
}

function messageData(
  deps: CloudDeps,
  input: { branch: BranchRow; service: BookableService; row: AppointmentRow },
) {
  const { branch, service, row } = input
  return {
    branchName: branch.name[row.language],
    serviceName: service.name[row.language],
    startsAt: row.startsAt,
    timeZone: branch.timeZone,
    manageUrl: manageUrl(deps.settings.publicBaseUrl, row.id),
  }
}

async function scheduleReminder(
  deps: CloudDeps,
  input: { tx: CloudTx; phone: string; row: AppointmentRow; data: Record<string, unknown> },
): Promise<void> {
  const at = input.row.startsAt - deps.settings.reminderHours * 3_600_000
  if (at <= deps.clock.now()) return
  await enqueueMessage(input.tx, {
    channel: 'sms',
    kind: 'appointment-reminder',
    recipient: input.phone,
    language: input.row.language,
    data: input.data,
    notBefore: at,
    createdAt: deps.clock.now(),
    subjectId: input.row.id,
  })
}

/** What the booking statement reports: the count it saw, and whether it inserted. */
interface Taken {
  readonly booked: string | number
  readonly inserted: boolean
}

export async function bookAppointment(
  deps: CloudDeps,
  input: {
    customer: CustomerPrincipal
    branchId: string
    serviceId: string
    startsAt: number
    language: Language
  },
): Promise<AppointmentView> {
  const now = deps.clock.now()
  // Configuration is read before the transaction (from the cache while fresh): the slot lock
  // then covers only what must be atomic.
  const branch = await cachedBranch(deps, input.branchId)
  if (!branch.active) throw new DomainError('NOT_FOUND', `No branch ${input.branchId}`)
  const service = await cachedBookableService(deps, { branch, serviceId: input.serviceId })
  const hooks = await cachedConfiguration(deps.db, 'webhooks:appointment.booked', () =>
    webhookTargets(deps.db, 'appointment.booked'),
  )
  const slot = await offeredSlot(deps, { branch, service, startsAt: input.startsAt })
  const row: AppointmentRow = {
    id: uuidv7(),
    branchId: branch.id,
    serviceId: service.id,
    customerId: input.customer.customerId,
    startsAt: slot.startsAt,
    endsAt: slot.endsAt,
    status: 'booked',
    language: input.language,
    localDate: localDateOf(slot.startsAt, branch.timeZone),
    reminderAt: null,
    createdAt: now,
    updatedAt: now,
  }
  const message = {
    channel: 'sms' as const,
    recipient: input.customer.phone,
    language: row.language,
    data: messageData(deps, { branch, service, row }),
    createdAt: now,
    subjectId: row.id,
  }
  const reminderAt = row.startsAt - deps.settings.reminderHours * 3_600_000
  const outbox = [
    messageRow({ ...message, kind: 'appointment-confirmed', notBefore: now }),
    ...(reminderAt > now
      ? [messageRow({ ...message, kind: 'appointment-reminder', notBefore: reminderAt })]
      : []),
    ...webhookRows(hooks, {
      event: 'appointment.booked',
      data: webhookData(row),
      at: now,
      subjectId: row.id,
    }),
  ]
  // Count, and only while there is room insert the appointment and its outbox rows: one statement.
  const take = sql`WITH booked AS (
      SELECT count(*) AS n FROM appointments
      WHERE branch_id = ${row.branchId} AND service_id = ${row.serviceId}
        AND starts_at = ${row.startsAt} AND status = 'booked'
    ), inserted AS (
      INSERT INTO appointments (id, branch_id, service_id, customer_id, starts_at, ends_at,
        status, language, local_date, reminder_at, created_at, updated_at)
      SELECT ${row.id}::uuid, ${row.branchId}, ${row.serviceId}, ${row.customerId}::uuid,
        ${row.startsAt}::bigint, ${row.endsAt}::bigint, ${row.status}, ${row.language},
        ${row.localDate}, NULL, ${row.createdAt}::bigint, ${row.updatedAt}::bigint
      FROM booked WHERE booked.n < ${slot.capacity}::bigint
      ON CONFLICT DO NOTHING
      RETURNING id
    ), outbox AS (
      INSERT INTO ${OUTBOX_COLUMNS}
      SELECT * FROM (${outboxRowsSelect(outbox)}) AS o WHERE EXISTS (SELECT 1 FROM inserted)
    )
    SELECT (SELECT n FROM booked) AS booked, EXISTS (SELECT 1 FROM inserted) AS inserted`
  // Under the slot's lock (PGlite: alone, as it runs statements exclusively), in one round trip.
  const [result] = await runLockedStatement<Taken>(deps.db, {
    lockKey: slotLockKey({ branchId: branch.id, serviceId: service.id, startsAt: row.startsAt }),
    statement: take,
  })
  if (result?.inserted !== true) {
    if (Number(result?.booked ?? 0) >= slot.capacity)
      throw new CloudError('SLOT_FULL', 'This slot is fully booked; choose another')
    throw new DomainError('CONFLICT', 'You already have an appointment at this time')
  }
  deps.log.info(
    { appointmentId: row.id, branchId: row.branchId, serviceId: row.serviceId },
    'appointment booked',
  )
  return toView(deps, { row, branch, withToken: true })
}

const webhookData = (row: AppointmentRow) => ({
  appointmentId: row.id,
  branchId: row.branchId,
  serviceId: row.serviceId,
  startsAt: iso(row.startsAt),
  status: row.status,
})

/** The customer's own appointment, locked for change; another customer's reads as not found. */
async function ownAppointmentForUpdate(
  tx: CloudTx,
  input: { customer: CustomerPrincipal; id: string },
): Promise<AppointmentRow> {
  const [row] = await tx
    .select()
    .from(appointments)
    .where(
      and(eq(appointments.id, input.id), eq(appointments.customerId, input.customer.customerId)),
    )
    .for('update')
  if (!row) throw new DomainError('NOT_FOUND', `No appointment ${input.id}`)
  return row
}

function assertChangeable(row: AppointmentRow, now: number): void {
  if (row.status !== 'booked')
    throw new CloudError('APPOINTMENT_NOT_CHANGEABLE', 'The appointment is cancelled')
  if (row.startsAt <= now)
    throw new CloudError('APPOINTMENT_NOT_CHANGEABLE', 'The appointment has already started')
}

export async function rescheduleAppointment(
  deps: CloudDeps,
  input: { customer: CustomerPrincipal; id: string; startsAt: number },
): Promise<AppointmentView> {
  const now = deps.clock.now()
  const { row, branch } = await deps.db.transaction(async (tx) => {
    const before = await ownAppointmentForUpdate(tx, input)
    assertChangeable(before, now)
    const branch = await getBranchOrThrow(tx, before.branchId)
    const service = await bookableServiceOrThrow(tx, branch, before.serviceId)
    if (input.startsAt === before.startsAt) return { row: before, branch }
    const slot = await reserveSlot(deps, { tx, branch, service, startsAt: input.startsAt })
    const row: AppointmentRow = {
      ...before,
      startsAt: slot.startsAt,
      endsAt: slot.endsAt,
      localDate: localDateOf(slot.startsAt, branch.timeZone),
      updatedAt: now,
    }
    const updated = await tx
      .update(appointments)
      .set({ startsAt: row.startsAt, endsAt: row.endsAt, localDate: row.localDate, updatedAt: now })
      .where(eq(appointments.id, row.id))
      .returning({ id: appointments.id })
      .catch((error: unknown) => {
        throw new DomainError('CONFLICT', 'You already have an appointment at this time', {
          cause: error,
        })
      })
    if (updated.length === 0) throw new DomainError('NOT_FOUND', `No appointment ${row.id}`)
    const data = messageData(deps, { branch, service, row })
    await cancelPendingMessages(tx, { subjectId: row.id, kind: 'appointment-reminder' })
    await enqueueMessage(tx, {
      channel: 'sms',
      kind: 'appointment-rescheduled',
      recipient: input.customer.phone,
      language: row.language,
      data: { ...data, previousStartsAt: before.startsAt },
      notBefore: now,
      createdAt: now,
      subjectId: row.id,
    })
    await scheduleReminder(deps, { tx, phone: input.customer.phone, row, data })
    await enqueueWebhookEvent(tx, {
      event: 'appointment.rescheduled',
      data: webhookData(row),
      at: now,
      subjectId: row.id,
    })
    return { row, branch }
  })
  return toView(deps, { row, branch, withToken: true })
}

export async function cancelAppointment(
  deps: CloudDeps,
  input: { customer: CustomerPrincipal; id: string },
): Promise<AppointmentView> {
  const now = deps.clock.now()
  const { row, branch } = await deps.db.transaction(async (tx) => {
    const before = await ownAppointmentForUpdate(tx, input)
    assertChangeable(before, now)
    const branch = await getBranchOrThrow(tx, before.branchId)
    const row: AppointmentRow = { ...before, status: 'cancelled', updatedAt: now }
    await tx
      .update(appointments)
      .set({ status: 'cancelled', updatedAt: now })
      .where(eq(appointments.id, row.id))
    await cancelPendingMessages(tx, { subjectId: row.id, kind: 'appointment-reminder' })
    const service = (await effectiveServices(tx, branch)).find((s) => s.id === row.serviceId)
    await enqueueMessage(tx, {
      channel: 'sms',
      kind: 'appointment-cancelled',
      recipient: input.customer.phone,
      language: row.language,
      data: messageData(deps, {
        branch,
        service: service ?? {
          id: row.serviceId,
          name: { kk: row.serviceId, ru: row.serviceId, en: row.serviceId },
          appointmentsPerSlot: 0,
        },
        row,
      }),
      notBefore: now,
      createdAt: now,
      subjectId: row.id,
    })
    await enqueueWebhookEvent(tx, {
      event: 'appointment.cancelled',
      data: webhookData(row),
      at: now,
      subjectId: row.id,
    })
    return { row, branch }
  })
  return toView(deps, { row, branch, withToken: false })
}

export async function listOwnAppointments(
  deps: CloudDeps,
  customer: CustomerPrincipal,
): Promise<AppointmentView[]> {
  const rows = await deps.db
    .select()
    .from(appointments)
    .where(eq(appointments.customerId, customer.customerId))
    .orderBy(asc(appointments.startsAt))
  const branchRows = new Map<string, BranchRow>()
  const views: AppointmentView[] = []
  for (const row of rows) {
    let branch = branchRows.get(row.branchId)
    if (!branch) {
      branch = await getBranchOrThrow(deps.db, row.branchId)
      branchRows.set(branch.id, branch)
    }
    views.push(await toView(deps, { row, branch, withToken: row.status === 'booked' }))
  }
  return views
}

export async function getOwnAppointment(
  deps: CloudDeps,
  input: { customer: CustomerPrincipal; id: string },
): Promise<AppointmentView> {
  const [row] = await deps.db
    .select()
    .from(appointments)
    .where(
      and(eq(appointments.id, input.id), eq(appointments.customerId, input.customer.customerId)),
    )
  if (!row) throw new DomainError('NOT_FOUND', `No appointment ${input.id}`)
  const branch = await getBranchOrThrow(deps.db, row.branchId)
  return toView(deps, { row, branch, withToken: row.status === 'booked' })
}

/** An appointment by id without its QR token (public status page). */
export async function findAppointmentStatus(
  deps: CloudDeps,
  id: string,
): Promise<Omit<AppointmentView, 'qrToken'> | null> {
  const [row] = await deps.db.select().from(appointments).where(eq(appointments.id, id))
  if (!row) return null
  const branch = await getBranchOrThrow(deps.db, row.branchId)
  const { qrToken: _omitted, ...view } = await toView(deps, { row, branch, withToken: false })
  return view
}

export async function listBranchAppointments(
  deps: CloudDeps,
  input: { branchId: string; date: string },
): Promise<AdminAppointment[]> {
  const branch = await getBranchOrThrow(deps.db, input.branchId)
  const rows = await deps.db
    .select({ row: appointments, phone: customers.phone })
    .from(appointments)
    .innerJoin(customers, eq(customers.id, appointments.customerId))
    .where(and(eq(appointments.branchId, input.branchId), eq(appointments.localDate, input.date)))
    .orderBy(asc(appointments.startsAt))
  return rows.map(({ row, phone }) => ({
    id: row.id,
    branchId: row.branchId as BranchId,
    serviceId: row.serviceId as ServiceId,
    startsAt: iso(row.startsAt),
    localStart: localDateTimeOf(row.startsAt, branch.timeZone),
    status: row.status,
    phone: maskPhone(phone),
    language: row.language,
  }))
}

async function toView(
  deps: CloudDeps,
  input: { row: AppointmentRow; branch: BranchRow; withToken: boolean },
): Promise<AppointmentView> {
  const { row, branch } = input
  const early = branch.capacity.earlyArrivalMinutes
  const late = branch.capacity.lateArrivalMinutes
  const latestArrival = row.startsAt + late * 60_000
  const qrToken =
    input.withToken && row.status === 'booked'
      ? await signAppointmentToken(
          {
            appointmentId: row.id,
            branchId: row.branchId,
            serviceId: row.serviceId,
            startsAt: row.startsAt,
            // Valid until the end of the late-arrival window: a missed appointment's QR is refused.
            expiresAt: latestArrival,
            issuedAt: row.updatedAt,
            language: row.language,
          },
          deps.signingKey,
        )
      : null
  return {
    id: row.id,
    branchId: row.branchId as BranchId,
    serviceId: row.serviceId as ServiceId,
    startsAt: iso(row.startsAt),
    endsAt: iso(row.endsAt),
    localStart: localDateTimeOf(row.startsAt, branch.timeZone),
    timeZone: branch.timeZone,
    status: row.status,
    language: row.language,
    earliestArrival: iso(row.startsAt - early * 60_000),
    latestArrival: iso(latestArrival),
    arrival: classifyArrival({
      now: deps.clock.now(),
      startsAt: row.startsAt,
      earlyMinutes: early,
      lateMinutes: late,
    }),
    qrToken,
    createdAt: iso(row.createdAt),
  }
}
