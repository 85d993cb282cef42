import type { CheckInRefusal, CheckInResponse } from '@kqms/shared/api'
import {
  type AppointmentClaims,
  type JsonWebKey,
  verifyAppointmentToken,
} from '@kqms/shared/appointment-token'
import { pino } from 'pino'
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { BRANCH_ID, CASH } from '../../test/given.js'
import { MONDAY_10_00_ALMATY, minutes } from '../../test/fake-clock.js'
import { errorCode, startTestHttp, type TestHttp } from '../../test/test-http.js'
import type { AppointmentCheckInConfig } from '../config.js'
import { demoAppointmentKey } from '../demo-appointment-key.js'
import { createDeviceRegistry } from '../usecases/device-registry.js'

/** The cloud's own signer, loaded by path: edge never depends on cloud/ at build time. */
interface CloudSigner {
  generateSigningKey(): Promise<{ privateJwk: JsonWebKey; publicJwk: JsonWebKey; keyId: string }>
  signAppointmentToken(
    claims: AppointmentClaims,
    key: { privateJwk: JsonWebKey; keyId: string },
  ): Promise<string>
}
type Key = Awaited<ReturnType<CloudSigner['generateSigningKey']>>

const CLOUD_TOKENS = new URL('../../../cloud/src/tokens/appointment-token.ts', import.meta.url).href
const KIOSK_SECRET = 'kiosk-secret-for-check-in-tests-01'
const KIOSK = `Basic ${Buffer.from(`kiosk-a:${KIOSK_SECRET}`).toString('base64')}`
const NOW = Date.parse(MONDAY_10_00_ALMATY)

let cloud: CloudSigner
let key: Key
let otherKey: Key
beforeAll(async () => {
  cloud = (await import(CLOUD_TOKENS)) as CloudSigner
  key = await cloud.generateSigningKey()
  otherKey = await cloud.generateSigningKey()
})

let sequence = 0
/** An appointment at this branch, booked an hour ago, starting `startsIn` ms from now. */
const claims = (startsIn: number, extra: Partial<AppointmentClaims> = {}): AppointmentClaims => {
  sequence++
  return {
    appointmentId: `0195f6a8-7c1e-7b3a-9d2f-${String(sequence).padStart(12, '0')}`,
    branchId: BRANCH_ID,
    serviceId: CASH,
    startsAt: NOW + startsIn,
    issuedAt: NOW - minutes(60),
    expiresAt: NOW + startsIn + minutes(60),
    language: 'kk',
    ...extra,
  }
}
const sign = (c: AppointmentClaims, signer: Key = key) => cloud.signAppointmentToken(c, signer)

async function startWithKiosk(appointments?: AppointmentCheckInConfig): Promise<TestHttp> {
  const http = startTestHttp(appointments ? { appointments } : {})
  const registry = createDeviceRegistry({
    database: http.database,
    clock: http.clock,
    log: pino({ level: 'silent' }),
    runtime: http.runtime,
    branchId: BRANCH_ID,
  })
  await registry.enrol({
    id: 'kiosk-a',
    kind: 'kiosk',
    name: 'Kiosk',
    counterId: null,
    secret: KIOSK_SECRET,
  })
  return http
}

describe('POST /api/v1/appointments/check-in', () => {
  let http: TestHttp
  const checkIn = (body: unknown) =>
    http.request('POST', '/api/v1/appointments/check-in', {
      body,
      headers: { authorization: KIOSK },
    })
  const refusal = (response: { body: unknown }) => (response.body as CheckInRefusal).refusal
  const ticketsOf = () => [...http.runtime.state().tickets.values()]

  beforeEach(async () => {
    http = await startWithKiosk({
      keySource: 'file',
      publicJwks: [key.publicJwk],
      earlyMinutes: 30,
      lateMinutes: 15,
    })
  })
  afterEach(() => http[Symbol.dispose]())

  it('checks in on time: an appointment-priority ticket of the booked service, in the token language', async () => {
    const c = claims(minutes(10))
    const response = await checkIn({ token: await sign(c) })
    expect(response.status).toBe(201)
    const body = response.body as CheckInResponse
    expect(body).toMatchObject({
      outcome: 'checked-in',
      appointmentId: c.appointmentId,
      ticket: { priorityClass: 'appointment', language: 'kk', service: { id: CASH } },
    })
    expect(body.message).toBe(body.messages.kk)
    expect(body.messages.en).toMatch(/checked in/)
    expect(ticketsOf()).toHaveLength(1)
    const status = await http.request('GET', `/api/v1/status/${body.ticket.id}`)
    expect(status.status).toBe(200)
  })

  it('answers the same ticket to a second scan, even after the start: never two tickets', async () => {
    const token = await sign(claims(minutes(5)))
    const first = await checkIn({ token })
    http.clock.advance(minutes(10)) // now late, but already checked in
    const second = await checkIn({ token, language: 'ru' })
    expect([first.status, second.status]).toEqual([201, 200])
    const [a, b] = [first.body as CheckInResponse, second.body as CheckInResponse]
    expect(b.ticket.id).toBe(a.ticket.id)
    expect(b.ticket.number).toBe(a.ticket.number)
    expect(b.outcome).toBe('checked-in')
    expect(ticketsOf()).toHaveLength(1)
  })

  it("gives the ticket the kiosk's language when the customer chose one", async () => {
    const response = await checkIn({ token: await sign(claims(0)), language: 'en' })
    expect(response.status).toBe(201)
    expect((response.body as CheckInResponse).ticket.language).toBe('en')
    expect((response.body as CheckInResponse).message).toMatch(/checked in/)
  })

  it('serves a late customer as a regular ticket and says so', async () => {
    const response = await checkIn({ token: await sign(claims(-minutes(10))), language: 'ru' })
    expect(response.status).toBe(201)
    const body = response.body as CheckInResponse
    expect(body.outcome).toBe('late')
    expect(body.ticket.priorityClass).toBe('regular')
    expect(body.message).toBe(body.messages.ru)
    expect(body.message).toMatch(/опоздали/)
  })

  it('refuses a customer who is too early, telling the local time they may check in', async () => {
    const c = claims(minutes(90))
    const response = await checkIn({ token: await sign(c) })
    expect([response.status, errorCode(response)]).toEqual([409, 'APPOINTMENT_TOO_EARLY'])
    expect(refusal(response).checkInFrom).toBe(new Date(c.startsAt - minutes(30)).toISOString())
    // 10:00 Almaty + 90 min − 30 min = 11:00, in the token's language (kk).
    expect(refusal(response).message).toBe(refusal(response).messages.kk)
    expect(refusal(response).message).toContain('11:00')
    expect(ticketsOf()).toHaveLength(0)
  })

  it('refuses a missed appointment', async () => {
    const response = await checkIn({ token: await sign(claims(-minutes(16))), language: 'en' })
    expect([response.status, errorCode(response)]).toEqual([409, 'APPOINTMENT_MISSED'])
    expect(refusal(response).message).toMatch(/regular ticket/)
    expect(ticketsOf()).toHaveLength(0)
  })

  it.each([
    [
      'a tampered payload',
      async () => {
        const [h, p, s] = (await sign(claims(0))).split('.')
        const payload = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as object
        const forged = Buffer.from(JSON.stringify({ ...payload, s: 'loans' })).toString('base64url')
        return `${h}.${forged}.${s}`
      },
      'TOKEN_BAD_SIGNATURE',
    ],
    ['another key', () => sign(claims(0), otherKey), 'TOKEN_BAD_SIGNATURE'],
    ['a foreign branch', () => sign(claims(0, { branchId: 'astana-01' })), 'TOKEN_WRONG_BRANCH'],
    ['an expired token', () => sign(claims(0, { expiresAt: NOW - minutes(1) })), 'TOKEN_EXPIRED'],
    [
      'a token issued in the future',
      () => sign(claims(0, { issuedAt: NOW + minutes(30) })),
      'TOKEN_NOT_YET_VALID',
    ],
    ['not a token', () => Promise.resolve('hello.world.x'), 'TOKEN_MALFORMED'],
  ] as const)('refuses %s (422 %s) and issues nothing', async (_, make, code) => {
    const response = await checkIn({ token: await make(), language: 'kk' })
    expect([response.status, errorCode(response)]).toEqual([422, code])
    expect(refusal(response).message).toBe(refusal(response).messages.kk)
    expect(refusal(response).message).toMatch(/[әіңғүұқөһ]/)
    expect(ticketsOf()).toHaveLength(0)
  })

  it('answers malformed and hostile input with 4xx, never 5xx', async () => {
    const raw = await http.request('POST', '/api/v1/appointments/check-in', {
      rawBody: '{"token": ',
      headers: { authorization: KIOSK, 'content-type': 'application/json' },
    })
    expect([raw.status, errorCode(raw)]).toEqual([400, 'MALFORMED_JSON'])
    const bodies: unknown[] = [
      {},
      { token: '' },
      { token: 42 },
      { token: 'x'.repeat(5000) },
      { token: `${'A'.repeat(1000)}.${'B'.repeat(1000)}.C` },
      { token: '<script>alert(1)</script>' },
      { token: '../../etc/passwd' },
      { token: 'a\u0000b.c.d' },
      { token: 'eyJhbGciOiJub25lIn0.eyJhIjoxfQ.' }, // alg: none
      { token: 'Ω.Ж.қ' },
      { token: 'a.b.c', language: 'de' },
      { token: 'a.b.c', extra: true },
      [],
      null,
    ]
    for (const body of bodies) {
      const response = await checkIn(body)
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBeGreaterThanOrEqual(400)
      expect(response.status, JSON.stringify(body).slice(0, 80)).toBeLessThan(500)
      expect(errorCode(response)).toBeDefined()
    }
    expect(ticketsOf()).toHaveLength(0)
  })

  it('tells the kiosk that check-in is available', async () => {
    const response = await http.request('GET', '/api/v1/branches')
    expect(response.body).toMatchObject({ branches: [{ appointmentCheckIn: true }] })
  })
})

describe('check-in without keys', () => {
  it('answers CHECKIN_UNAVAILABLE (409) and the kiosk is told to hide the option', async () => {
    using http = await startWithKiosk()
    const response = await http.request('POST', '/api/v1/appointments/check-in', {
      body: { token: await sign(claims(0)), language: 'ru' },
      headers: { authorization: KIOSK },
    })
    expect([response.status, errorCode(response)]).toEqual([409, 'CHECKIN_UNAVAILABLE'])
    expect((response.body as CheckInRefusal).refusal.message).toMatch(/недоступна/)
    const branches = await http.request('GET', '/api/v1/branches')
    expect(branches.body).toMatchObject({ branches: [{ appointmentCheckIn: false }] })
  })
})

describe(demoAppointmentKey.name, () => {
  it('derives the same key for a branch every time, another for another branch', async () => {
    const a = demoAppointmentKey(BRANCH_ID)
    expect(demoAppointmentKey(BRANCH_ID)).toEqual(a)
    expect(demoAppointmentKey('astana-01').keyId).not.toBe(a.keyId)
    expect(a.publicJwk).not.toHaveProperty('d')
    const token = await sign(claims(0), a)
    const verified = await verifyAppointmentToken(token, {
      publicJwks: [a.publicJwk],
      branchId: BRANCH_ID,
      now: NOW,
    })
    expect(verified.ok).toBe(true)
  })
})
