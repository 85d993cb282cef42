import { and, eq } from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { AppointmentView, SigningKeysResponse, SlotsResponse } from '@kqms/shared/cloud'
import type { BranchId } from '@kqms/shared/domain'
import type { CloudDatabase } from '../src/db/open-database.js'
import { appointments, customers, notificationOutbox } from '../src/db/schema.js'
import { DEMO_CAPACITY, DEMO_HOURS } from '../src/demo.js'
import { verifyAppointmentToken } from '../src/tokens/appointment-token.js'
import { bookAppointment } from '../src/usecases/appointments.js'
import { createBranch, updateBranch } from '../src/usecases/branches.js'
import { putServiceOverride } from '../src/usecases/catalogue.js'
import { OTP_RULES } from '../src/usecases/customer-auth.js'
import { createWebhook } from '../src/usecases/inventory.js'
import { createTestCloud, driversToRun, openTestDatabase, type TestCloud } from './test-cloud.js'

// Monday 2 March 2026 at the demo branch (Asia/Almaty, UTC+5): 10:00 local is 05:00 UTC.
const AT_10_00 = '2026-03-02T05:00:00.000Z'
const AT_10_15 = '2026-03-02T05:15:00.000Z'
const ACTOR = { id: 'test', email: 'test@kqms.test' }

describe.each(driversToRun())('appointments on %s', (driver) => {
  let database: CloudDatabase
  let cloud: TestCloud
  beforeAll(async () => {
    database = await openTestDatabase(driver)
  })
  afterAll(async () => {
    await database.close()
  })
  beforeEach(async () => {
    cloud = await createTestCloud(database)
  })

  const book = (token: string, startsAt: string, serviceId = 'loan') =>
    cloud.request('/api/v1/appointments', {
      token,
      body: { branchId: 'almaty-demo', serviceId, startsAt, language: 'en' },
    })

  it('lists slots of a local day in the branch time zone, from opening to closing', async () => {
    const { status, body } = await cloud.request(
      '/api/v1/appointments/slots?branchId=almaty-demo&serviceId=loan&date=2026-03-02',
    )
    expect(status).toBe(200)
    const slots = (body as SlotsResponse).slots
    expect(slots[0]).toMatchObject({
      localTime: '09:00',
      startsAt: '2026-03-02T04:00:00.000Z',
      available: 2,
    })
    expect(slots.at(-1)).toMatchObject({ localTime: '17:45', endsAt: '2026-03-02T13:00:00.000Z' })
    // 12:00–14:00 keeps half the capacity for walk-ins.
    expect(slots.find((s) => s.localTime === '12:30')?.available).toBe(1)
    expect(slots).toHaveLength(36)
  })

  it('offers no slots on a closed day or beyond the booking horizon', async () => {
    const sunday = await cloud.request(
      '/api/v1/appointments/slots?branchId=almaty-demo&serviceId=loan&date=2026-03-08',
    )
    expect((sunday.body as SlotsResponse).slots).toEqual([])
    const far = await cloud.request(
      '/api/v1/appointments/slots?branchId=almaty-demo&serviceId=loan&date=2026-05-04',
    )
    expect((far.body as SlotsResponse).slots).toEqual([])
  })

  it('refuses services the branch does not book and slot starts that are not offered', async () => {
    const token = await cloud.customerToken('+77010000001')
    expect((await book(token, AT_10_00, 'cash')).status).toBe(422)
    const offGrid = await book(token, '2026-03-02T05:05:00.000Z')
    expect(offGrid.status).toBe(422)
    expect(offGrid.body).toMatchObject({ error: { code: 'SLOT_NOT_OFFERED' } })
    const tooSoon = await book(token, '2026-03-02T03:15:00.000Z') // 08:15 local: before opening
    expect(tooSoon.body).toMatchObject({ error: { code: 'SLOT_NOT_OFFERED' } })
  })

  it('books a slot, answers with a QR token, and counts it against the slot', async () => {
    const token = await cloud.customerToken('+77010000001')
    const booked = await book(token, AT_10_00)
    expect(booked.status).toBe(201)
    const view = booked.body as AppointmentView
    expect(view).toMatchObject({
      branchId: 'almaty-demo',
      serviceId: 'loan',
      startsAt: AT_10_00,
      localStart: '2026-03-02 10:00',
      status: 'booked',
      arrival: 'too-early',
      earliestArrival: '2026-03-02T04:45:00.000Z',
      latestArrival: '2026-03-02T05:10:00.000Z',
    })
    expect(view.qrToken).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/)
    const slots = await cloud.request(
      '/api/v1/appointments/slots?branchId=almaty-demo&serviceId=loan&date=2026-03-02',
    )
    expect(
      (slots.body as SlotsResponse).slots.find((s) => s.startsAt === AT_10_00)?.available,
    ).toBe(1)
  })

  it('queues a confirmation SMS and a reminder two hours before; cancelling withdraws the reminder', async () => {
    const token = await cloud.customerToken('+77010000001')
    const at15 = '2026-03-02T10:00:00.000Z'
    const view = (await book(token, at15)).body as AppointmentView
    const rows = await database.db
      .select()
      .from(notificationOutbox)
      .where(eq(notificationOutbox.subjectId, view.id))
    expect(rows.map((r) => r.kind).sort()).toEqual([
      'appointment-confirmed',
      'appointment-reminder',
    ])
    const reminder = rows.find((r) => r.kind === 'appointment-reminder')
    expect(reminder?.nextAttemptAt).toBe(Date.parse(at15) - 2 * 3_600_000)
    const cancelled = await cloud.request(`/api/v1/appointments/${view.id}/cancel`, {
      method: 'POST',
      token,
    })
    expect(cancelled.status).toBe(200)
    const after = await database.db
      .select()
      .from(notificationOutbox)
      .where(
        and(
          eq(notificationOutbox.subjectId, view.id),
          eq(notificationOutbox.kind, 'appointment-reminder'),
        ),
      )
    expect(after[0]?.status).toBe('cancelled')
  })

  it('refuses a third booking of a slot with capacity 2, and cancellation frees the place', async () => {
    const tokens = await Promise.all(
      ['+77010000001', '+77010000002', '+77010000003'].map((p) => cloud.customerToken(p)),
    )
    const [a, b, c] = tokens as [string, string, string]
    const first = (await book(a, AT_10_00)).body as AppointmentView
    expect((await book(b, AT_10_00)).status).toBe(201)
    const full = await book(c, AT_10_00)
    expect(full.status).toBe(409)
    expect(full.body).toMatchObject({ error: { code: 'SLOT_FULL' } })
    await cloud.request(`/api/v1/appointments/${first.id}/cancel`, { method: 'POST', token: a })
    expect((await book(c, AT_10_00)).status).toBe(201)
  })

  it('never overbooks: 50 concurrent bookings of a 2-place slot give exactly 2 appointments', async () => {
    const ids = Array.from({ length: 50 }, () => uuidv7())
    await database.db.insert(customers).values(
      ids.map((id, n) => ({
        id,
        phone: `+7702${String(n).padStart(7, '0')}`,
        createdAt: cloud.clock.now(),
      })),
    )
    const results = await Promise.allSettled(
      ids.map((customerId, n) =>
        bookAppointment(cloud.deps, {
          customer: { customerId, phone: `+7702${String(n).padStart(7, '0')}` },
          branchId: 'almaty-demo',
          serviceId: 'loan',
          startsAt: Date.parse(AT_10_15),
          language: 'ru',
        }),
      ),
    )
    const succeeded = results.filter((r) => r.status === 'fulfilled')
    const refused = results.filter((r) => r.status === 'rejected')
    expect(succeeded).toHaveLength(2)
    expect(refused.every((r) => (r.reason as { code?: string }).code === 'SLOT_FULL')).toBe(true)
    const rows = await database.db
      .select()
      .from(appointments)
      .where(
        and(eq(appointments.startsAt, Date.parse(AT_10_15)), eq(appointments.status, 'booked')),
      )
    expect(rows).toHaveLength(2)
  })

  it("applies an administrator's change to the very next booking (no stale configuration)", async () => {
    const [a, b, c, d] = await Promise.all(
      ['+77010000001', '+77010000002', '+77010000003', '+77010000004'].map((p) =>
        cloud.customerToken(p),
      ),
    )
    // The first booking reads (and keeps) the configuration.
    expect((await book(a ?? '', AT_10_00)).status).toBe(201)
    const override = {
      enabled: true,
      dailyCap: null,
      expectedServiceSeconds: null,
      openingHours: null,
    }
    await putServiceOverride(cloud.deps, {
      actor: ACTOR,
      branchId: 'almaty-demo',
      serviceId: 'loan',
      override: { ...override, appointmentsPerSlot: 0 },
    })
    const notOffered = await book(b ?? '', AT_10_00)
    expect(notOffered.status).toBe(422)
    expect(notOffered.body).toMatchObject({ error: { code: 'SERVICE_NOT_OFFERED' } })
    await putServiceOverride(cloud.deps, {
      actor: ACTOR,
      branchId: 'almaty-demo',
      serviceId: 'loan',
      override: { ...override, appointmentsPerSlot: 1 },
    })
    // One place per slot now, and it is taken.
    expect((await book(b ?? '', AT_10_00)).body).toMatchObject({ error: { code: 'SLOT_FULL' } })
    expect((await book(b ?? '', AT_10_15)).status).toBe(201)
    // A webhook registered now receives the next booking's event.
    const hook = await createWebhook(cloud.deps, {
      actor: ACTOR,
      webhook: { url: 'https://integrator.example/hook', events: ['appointment.booked'] },
    })
    const next = (await book(c ?? '', '2026-03-02T05:30:00.000Z')).body as AppointmentView
    const events = await database.db
      .select()
      .from(notificationOutbox)
      .where(
        and(eq(notificationOutbox.subjectId, next.id), eq(notificationOutbox.channel, 'webhook')),
      )
    expect(events.map((e) => e.recipient)).toEqual([hook.id])
    await updateBranch(cloud.deps, {
      actor: ACTOR,
      branchId: 'almaty-demo',
      patch: { active: false },
    })
    const closed = await book(d ?? '', '2026-03-02T05:45:00.000Z')
    expect(closed.status).toBe(404)
  })

  it('a refused booking writes nothing: no appointment, no message', async () => {
    const [a, b, c] = await Promise.all(
      ['+77010000001', '+77010000002', '+77010000003'].map((p) => cloud.customerToken(p)),
    )
    expect((await book(a ?? '', AT_10_00)).status).toBe(201)
    expect((await book(b ?? '', AT_10_00)).status).toBe(201)
    const before = await database.db.select().from(notificationOutbox)
    const full = await book(c ?? '', AT_10_00)
    expect(full.body).toMatchObject({ error: { code: 'SLOT_FULL' } })
    const twice = await book(a ?? '', AT_10_00, 'card')
    expect(twice.status).toBe(409)
    expect(twice.body).toMatchObject({ error: { code: 'CONFLICT' } })
    expect(await database.db.select().from(notificationOutbox)).toHaveLength(before.length)
    const booked = await database.db
      .select()
      .from(appointments)
      .where(eq(appointments.status, 'booked'))
    expect(booked).toHaveLength(2)
  })

  it('refuses a session once it expires, even right after it was used', async () => {
    const token = await cloud.customerToken('+77010000001')
    expect((await book(token, AT_10_00)).status).toBe(201)
    expect((await cloud.request('/api/v1/appointments', { token })).status).toBe(200)
    cloud.clock.advance(OTP_RULES.sessionTtlMs)
    const expired = await cloud.request('/api/v1/appointments', { token })
    expect(expired.status).toBe(401)
  })

  it('reschedules to a free slot and moves the QR token with it', async () => {
    const token = await cloud.customerToken('+77010000001')
    const view = (await book(token, AT_10_00)).body as AppointmentView
    const moved = await cloud.request(`/api/v1/appointments/${view.id}/reschedule`, {
      token,
      body: { startsAt: AT_10_15 },
    })
    expect(moved.status).toBe(200)
    expect(moved.body).toMatchObject({
      id: view.id,
      startsAt: AT_10_15,
      localStart: '2026-03-02 10:15',
    })
    expect((moved.body as AppointmentView).qrToken).not.toBe(view.qrToken)
    const slots = (
      await cloud.request(
        '/api/v1/appointments/slots?branchId=almaty-demo&serviceId=loan&date=2026-03-02',
      )
    ).body as SlotsResponse
    expect(slots.slots.find((s) => s.startsAt === AT_10_00)?.available).toBe(2)
    expect(slots.slots.find((s) => s.startsAt === AT_10_15)?.available).toBe(1)
  })

  it('refuses changes to a cancelled or started appointment', async () => {
    const token = await cloud.customerToken('+77010000001')
    const view = (await book(token, AT_10_00)).body as AppointmentView
    await cloud.request(`/api/v1/appointments/${view.id}/cancel`, { method: 'POST', token })
    const again = await cloud.request(`/api/v1/appointments/${view.id}/cancel`, {
      method: 'POST',
      token,
    })
    expect(again.body).toMatchObject({ error: { code: 'APPOINTMENT_NOT_CHANGEABLE' } })
    const other = (await book(token, AT_10_15)).body as AppointmentView
    cloud.clock.set(Date.parse(AT_10_15) + 60_000)
    const late = await cloud.request(`/api/v1/appointments/${other.id}/reschedule`, {
      token,
      body: { startsAt: '2026-03-02T06:00:00.000Z' },
    })
    expect(late.status).toBe(409)
  })

  it("shows customers only their own appointments and refuses others' changes", async () => {
    const alice = await cloud.customerToken('+77010000001')
    const bob = await cloud.customerToken('+77010000002')
    const view = (await book(alice, AT_10_00)).body as AppointmentView
    expect((await cloud.request(`/api/v1/appointments/${view.id}`, { token: bob })).status).toBe(
      404,
    )
    expect(
      (
        await cloud.request(`/api/v1/appointments/${view.id}/cancel`, {
          method: 'POST',
          token: bob,
        })
      ).status,
    ).toBe(404)
    expect(
      (
        await cloud.request(`/api/v1/appointments/${view.id}/reschedule`, {
          token: bob,
          body: { startsAt: AT_10_15 },
        })
      ).status,
    ).toBe(404)
    const bobs = await cloud.request('/api/v1/appointments', { token: bob })
    expect(bobs.body).toEqual({ appointments: [] })
    const alices = await cloud.request('/api/v1/appointments', { token: alice })
    expect(
      (alices.body as { appointments: AppointmentView[] }).appointments.map((a) => a.id),
    ).toEqual([view.id])
    expect((await cloud.request('/api/v1/appointments')).status).toBe(401)
  })

  it('signs QR tokens that verify with the public key alone; tampered, expired and foreign-branch tokens are refused', async () => {
    const token = await cloud.customerToken('+77010000001')
    const view = (await book(token, AT_10_00)).body as AppointmentView
    const keys = (await cloud.request('/api/v1/appointments/keys')).body as SigningKeysResponse
    const publicJwks = keys.keys
    expect(JSON.stringify(publicJwks)).not.toContain('"d"')
    const qr = view.qrToken ?? ''
    const atArrival = Date.parse(AT_10_00) - 5 * 60_000
    const ok = await verifyAppointmentToken(qr, {
      publicJwks,
      branchId: 'almaty-demo',
      now: atArrival,
    })
    expect(ok).toMatchObject({
      ok: true,
      claims: { appointmentId: view.id, serviceId: 'loan', startsAt: Date.parse(AT_10_00) },
    })
    const [header, payload, signature] = qr.split('.') as [string, string, string]
    const forged = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(payload, 'base64url').toString()), s: 'cash' }),
    ).toString('base64url')
    expect(
      await verifyAppointmentToken(`${header}.${forged}.${signature}`, {
        publicJwks,
        branchId: 'almaty-demo',
        now: atArrival,
      }),
    ).toEqual({
      ok: false,
      code: 'TOKEN_BAD_SIGNATURE',
    })
    expect(
      await verifyAppointmentToken(qr, {
        publicJwks,
        branchId: 'almaty-demo',
        now: Date.parse(AT_10_00) + 11 * 60_000,
      }),
    ).toEqual({
      ok: false,
      code: 'TOKEN_EXPIRED',
    })
    expect(
      await verifyAppointmentToken(qr, { publicJwks, branchId: 'almaty-dostyk', now: atArrival }),
    ).toEqual({
      ok: false,
      code: 'TOKEN_WRONG_BRANCH',
    })
  })

  it('cuts slots by elapsed time across a daylight-saving change (Europe/Berlin, 29 March 2026)', async () => {
    cloud.clock.set(Date.parse('2026-03-25T12:00:00Z'))
    await createBranch(cloud.deps, {
      actor: ACTOR,
      branch: {
        id: 'berlin-test' as BranchId,
        name: { kk: 'Берлин', ru: 'Берлин', en: 'Berlin' },
        address: { kk: 'Берлин', ru: 'Берлин', en: 'Berlin' },
        city: 'Berlin',
        location: { lat: 52.52, lon: 13.405 },
        timeZone: 'Europe/Berlin',
        openingHours: { ...DEMO_HOURS, sun: [{ open: '01:00', close: '04:00' }] },
        capacity: { ...DEMO_CAPACITY, walkInShareByHour: Array.from({ length: 24 }, () => 0) },
        active: true,
      },
    })
    const { body } = await cloud.request(
      '/api/v1/appointments/slots?branchId=berlin-test&serviceId=loan&date=2026-03-29',
    )
    const slots = (body as SlotsResponse).slots
    // 02:00–03:00 does not exist that night: 01:45 CET is followed by 03:00 CEST.
    expect(slots.map((s) => s.localTime)).toEqual([
      '01:00',
      '01:15',
      '01:30',
      '01:45',
      '03:00',
      '03:15',
      '03:30',
      '03:45',
    ])
    expect(slots[3]?.endsAt).toBe(slots[4]?.startsAt)
    expect(slots[4]?.startsAt).toBe('2026-03-29T01:00:00.000Z')
    const token = await cloud.customerToken('+77010000009')
    const booked = await cloud.request('/api/v1/appointments', {
      token,
      body: {
        branchId: 'berlin-test',
        serviceId: 'loan',
        startsAt: '2026-03-29T01:00:00.000Z',
        language: 'en',
      },
    })
    expect(booked.body).toMatchObject({ localStart: '2026-03-29 03:00', timeZone: 'Europe/Berlin' })
  })
})
