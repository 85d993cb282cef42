import { createRoute } from '@hono/zod-openapi'
import {
  AppointmentIdParams,
  AppointmentListResponse,
  AppointmentView,
  BookAppointmentRequest,
  BranchListQuery,
  BranchListResponse,
  BranchUnreachableBody,
  CustomerSession,
  OtpAccepted,
  OtpRequest,
  OtpVerifyRequest,
  QueuesQuery,
  QueuesResponse,
  RemoteJoinRequest,
  RemoteJoinView,
  RescheduleAppointmentRequest,
  SigningKeysResponse,
  SlotsQuery,
  SlotsResponse,
  StatusParams,
  StatusResponse,
} from '@kqms/shared/cloud'
import { IdempotencyKey } from '@kqms/shared/api'
import type { BranchId } from '@kqms/shared/domain'
import { asc } from 'drizzle-orm'
import { z } from 'zod'
import { signingKeys } from '../db/schema.js'
import {
  bookAppointment,
  cancelAppointment,
  getOwnAppointment,
  listOwnAppointments,
  listSlots,
  rescheduleAppointment,
} from '../usecases/appointments.js'
import {
  getBranchOrThrow,
  isReachable,
  listPublicBranches,
  syncStates,
} from '../usecases/branches.js'
import { effectiveServices } from '../usecases/catalogue.js'
import { OtpThrottled, requestOtp, verifyOtp } from '../usecases/customer-auth.js'
import type { CloudDeps } from '../usecases/ports.js'
import { getStatus, requestRemoteJoin } from '../usecases/remote-join.js'
import { optionalCustomer, requireCustomer } from './auth/access.js'
import { HttpError } from './errors.js'
import {
  BEARER,
  BODY_ERRORS,
  createRouter,
  errorResponses,
  jsonBody,
  jsonContent,
} from './openapi.js'

const tags = ['public']
const iso = (ms: number): string => new Date(ms).toISOString()

const branchesRoute = createRoute({
  method: 'get',
  path: '/api/v1/branches',
  tags,
  summary: 'Branches: by city, nearest first from a point, with live waiting figures once synced',
  request: { query: BranchListQuery },
  responses: {
    200: jsonContent(BranchListResponse, 'Matching active branches'),
    ...errorResponses(400),
  },
})

const queuesRoute = createRoute({
  method: 'get',
  path: '/api/v1/queues',
  tags,
  summary: "A branch's services with waiting and expected wait (null until the branch syncs)",
  request: { query: QueuesQuery },
  responses: { 200: jsonContent(QueuesResponse, 'The services'), ...errorResponses(400, 404) },
})

const registerRoute = createRoute({
  method: 'post',
  path: '/api/v1/register',
  tags,
  summary: 'Remote join: ask the branch for a ticket (the branch issues the number through sync)',
  description:
    'Recorded as a pending request (202) that the branch accepts through sync. A repeat with the ' +
    'same `Idempotency-Key` returns the first request (200). A branch not heard from recently ' +
    'answers 503 `BRANCH_UNREACHABLE` with alternatives: nearby branches and appointment slots.',
  request: {
    headers: z.object({ 'idempotency-key': IdempotencyKey.optional() }),
    body: jsonBody(RemoteJoinRequest),
  },
  responses: {
    202: jsonContent(RemoteJoinView, 'Recorded; follow `statusUrl`'),
    200: jsonContent(RemoteJoinView, 'The request first recorded for this Idempotency-Key'),
    503: jsonContent(BranchUnreachableBody, 'The branch cannot take remote requests now'),
    ...errorResponses(...BODY_ERRORS, 401, 404, 409, 422),
  },
})

const statusRoute = createRoute({
  method: 'get',
  path: '/api/v1/status/{id}',
  tags,
  summary: 'Status of a remote join request or an appointment',
  request: { params: StatusParams },
  responses: { 200: jsonContent(StatusResponse, 'The status'), ...errorResponses(400, 404) },
})

const otpRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/otp',
  tags: ['customer'],
  summary: 'Send a one-time sign-in code by SMS (rate-limited per phone)',
  request: { body: jsonBody(OtpRequest) },
  responses: {
    202: jsonContent(OtpAccepted, 'The code is on its way'),
    ...errorResponses(...BODY_ERRORS, 429),
  },
})

const verifyRoute = createRoute({
  method: 'post',
  path: '/api/v1/auth/verify',
  tags: ['customer'],
  summary: 'Exchange the SMS code for a customer session token',
  request: { body: jsonBody(OtpVerifyRequest) },
  responses: {
    200: jsonContent(CustomerSession, 'Signed in'),
    ...errorResponses(...BODY_ERRORS, 401),
  },
})

const slotsRoute = createRoute({
  method: 'get',
  path: '/api/v1/appointments/slots',
  tags: ['appointments'],
  summary:
    'Bookable slots of a branch × service × local day (capacity minus bookings and walk-in share)',
  request: { query: SlotsQuery },
  responses: {
    200: jsonContent(SlotsResponse, 'Slots in the branch time zone'),
    ...errorResponses(400, 404, 422),
  },
})

const keysRoute = createRoute({
  method: 'get',
  path: '/api/v1/appointments/keys',
  tags: ['appointments'],
  summary: 'Public Ed25519 keys (JWK) that verify appointment QR tokens offline',
  responses: { 200: jsonContent(SigningKeysResponse, 'Every key still trusted') },
})

const listMineRoute = createRoute({
  method: 'get',
  path: '/api/v1/appointments',
  tags: ['appointments'],
  summary: "The signed-in customer's appointments",
  security: BEARER,
  responses: {
    200: jsonContent(AppointmentListResponse, 'Own appointments'),
    ...errorResponses(401),
  },
})

const bookRoute = createRoute({
  method: 'post',
  path: '/api/v1/appointments',
  tags: ['appointments'],
  summary: 'Book a slot (never overbooked, even under concurrent bookings)',
  security: BEARER,
  request: { body: jsonBody(BookAppointmentRequest) },
  responses: {
    201: jsonContent(AppointmentView, 'Booked, with the signed QR token'),
    ...errorResponses(...BODY_ERRORS, 401, 404, 409, 422),
  },
})

const getMineRoute = createRoute({
  method: 'get',
  path: '/api/v1/appointments/{id}',
  tags: ['appointments'],
  summary: 'One own appointment (others read as not found)',
  security: BEARER,
  request: { params: AppointmentIdParams },
  responses: {
    200: jsonContent(AppointmentView, 'The appointment'),
    ...errorResponses(400, 401, 404),
  },
})

const rescheduleRoute = createRoute({
  method: 'post',
  path: '/api/v1/appointments/{id}/reschedule',
  tags: ['appointments'],
  summary: 'Move an own appointment to another slot',
  security: BEARER,
  request: { params: AppointmentIdParams, body: jsonBody(RescheduleAppointmentRequest) },
  responses: {
    200: jsonContent(AppointmentView, 'Moved, with a new QR token'),
    ...errorResponses(...BODY_ERRORS, 401, 404, 409, 422),
  },
})

const cancelRoute = createRoute({
  method: 'post',
  path: '/api/v1/appointments/{id}/cancel',
  tags: ['appointments'],
  summary: 'Cancel an own appointment (frees the slot)',
  security: BEARER,
  request: { params: AppointmentIdParams },
  responses: {
    200: jsonContent(AppointmentView, 'Cancelled'),
    ...errorResponses(400, 401, 404, 409),
  },
})

export function publicRoutes(deps: CloudDeps) {
  return createRouter()
    .openapi(branchesRoute, async (c) => {
      const found = await listPublicBranches(deps, c.req.valid('query'))
      return c.json({ branches: found }, 200)
    })
    .openapi(queuesRoute, async (c) => {
      const { branchId } = c.req.valid('query')
      const branch = await getBranchOrThrow(deps.db, branchId)
      const sync = (await syncStates(deps.db, [branchId])).get(branchId)
      const reachable = isReachable(deps, sync)
      const live = reachable && sync?.waitingByService ? sync : null
      const services = await effectiveServices(deps.db, branch)
      return c.json(
        {
          branchId: branch.id as BranchId,
          reachable,
          live:
            live === null
              ? null
              : {
                  waiting: Object.values(live.waitingByService ?? {}).reduce((a, b) => a + b, 0),
                  expectedWaitMinutes: null,
                  updatedAt: iso(live.lastSeenAt),
                },
          services: services.map((s) => ({
            serviceId: s.id,
            name: s.name,
            category: s.category,
            prefix: s.prefix,
            bookable: s.bookable,
            waiting: live?.waitingByService?.[s.id] ?? null,
            expectedWaitMinutes: live?.expectedWaitMinutesByService?.[s.id] ?? null,
          })),
        },
        200,
      )
    })
    .openapi(registerRoute, async (c) => {
      const customer = await optionalCustomer(c, deps)
      const { view, created } = await requestRemoteJoin(deps, {
        request: c.req.valid('json'),
        customer,
        idempotencyKey: c.req.valid('header')['idempotency-key'] ?? null,
      })
      return created ? c.json(view, 202) : c.json(view, 200)
    })
    .openapi(statusRoute, async (c) => c.json(await getStatus(deps, c.req.valid('param').id), 200))
    .openapi(otpRoute, async (c) => {
      try {
        return c.json(await requestOtp(deps, c.req.valid('json')), 202)
      } catch (error) {
        if (error instanceof OtpThrottled)
          throw new HttpError('TOO_MANY_ATTEMPTS', error.message, {
            retryAfterSeconds: error.retryAfterSeconds,
          })
        throw error
      }
    })
    .openapi(verifyRoute, async (c) => c.json(await verifyOtp(deps, c.req.valid('json')), 200))
    .openapi(slotsRoute, async (c) => c.json(await listSlots(deps, c.req.valid('query')), 200))
    .openapi(keysRoute, async (c) => {
      const rows = await deps.db.select().from(signingKeys).orderBy(asc(signingKeys.createdAt))
      const keys = rows.map((r) => ({
        ...r.publicJwk,
        kid: r.keyId,
        kty: String(r.publicJwk.kty),
        crv: String(r.publicJwk.crv),
        x: String(r.publicJwk.x),
      }))
      return c.json({ keys }, 200, { 'Cache-Control': 'public, max-age=300' })
    })
    .openapi(listMineRoute, async (c) => {
      const customer = await requireCustomer(c, deps)
      return c.json({ appointments: await listOwnAppointments(deps, customer) }, 200)
    })
    .openapi(bookRoute, async (c) => {
      const customer = await requireCustomer(c, deps)
      const body = c.req.valid('json')
      const view = await bookAppointment(deps, {
        customer,
        branchId: body.branchId,
        serviceId: body.serviceId,
        startsAt: Date.parse(body.startsAt),
        language: body.language,
      })
      return c.json(view, 201)
    })
    .openapi(getMineRoute, async (c) => {
      const customer = await requireCustomer(c, deps)
      return c.json(await getOwnAppointment(deps, { customer, id: c.req.valid('param').id }), 200)
    })
    .openapi(rescheduleRoute, async (c) => {
      const customer = await requireCustomer(c, deps)
      const view = await rescheduleAppointment(deps, {
        customer,
        id: c.req.valid('param').id,
        startsAt: Date.parse(c.req.valid('json').startsAt),
      })
      return c.json(view, 200)
    })
    .openapi(cancelRoute, async (c) => {
      const customer = await requireCustomer(c, deps)
      return c.json(await cancelAppointment(deps, { customer, id: c.req.valid('param').id }), 200)
    })
}
