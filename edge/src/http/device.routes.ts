import { createRoute } from '@hono/zod-openapi'
import {
  CreatePairingCodeRequest,
  DeviceList,
  DeviceView,
  EmptyRequest,
  PairingCodeView,
  PairRequest,
  PairResponse,
} from '@kqms/shared/api'
import type { CounterId } from '@kqms/shared/domain'
import { DeviceId } from '@kqms/shared/mqtt'
import { z } from 'zod'
import type { DeviceRow } from '../db/device.store.js'
import type { DeviceRegistry } from '../usecases/device-registry.js'
import type { PrintJobs } from '../usecases/print-jobs.js'
import { clientAddress, requireRole } from './auth/auth.middleware.js'
import { createLoginThrottle } from '@kqms/server-kit/login-throttle'
import { HttpError } from './errors.js'
import type { HttpDeps } from './http-deps.js'
import {
  BEARER,
  BODY_ERRORS,
  createRouter,
  errorResponses,
  jsonBody,
  jsonContent,
} from './openapi.js'
import { toIso, toIsoOrNull } from '../views/public.views.js'

/**
 * Device registry over HTTP: managers list devices with their health, create one-time pairing
 * codes and revoke devices; a device redeems its code once at `POST /api/v1/devices/pair`
 * (public, throttled per address) and receives its MQTT identity and secret.
 */

const manager = { security: BEARER, middleware: [requireRole('manager')] }
const DeviceParams = z.object({ id: DeviceId })

const listDevicesRoute = createRoute({
  ...manager,
  method: 'get',
  path: '/api/admin/devices',
  tags: ['devices'],
  summary: 'Enrolled devices with their health: connected, availability, last seen',
  responses: {
    200: jsonContent(DeviceList, 'The devices'),
    ...errorResponses(401, 403),
  },
})

const createCodeRoute = createRoute({
  ...manager,
  method: 'post',
  path: '/api/admin/devices/pairing-codes',
  tags: ['devices'],
  summary: 'A one-time code (valid 10 minutes) that enrols one device of this kind',
  request: { body: jsonBody(CreatePairingCodeRequest) },
  responses: {
    201: jsonContent(PairingCodeView, 'The code, shown once'),
    ...errorResponses(...BODY_ERRORS, 401, 403, 404, 422),
  },
})

const revokeRoute = createRoute({
  ...manager,
  method: 'post',
  path: '/api/admin/devices/{id}/revoke',
  tags: ['devices'],
  summary: 'Revoke a device: disconnected now, refused from now on',
  request: { params: DeviceParams, body: jsonBody(EmptyRequest, { required: false }) },
  responses: {
    200: jsonContent(DeviceView, 'The revoked device'),
    ...errorResponses(...BODY_ERRORS, 401, 403, 404),
  },
})

const pairRoute = createRoute({
  method: 'post',
  path: '/api/v1/devices/pair',
  tags: ['devices'],
  summary: 'Redeem a pairing code once: the device id (MQTT username) and its secret (password)',
  request: { body: jsonBody(PairRequest) },
  responses: {
    201: jsonContent(PairResponse, 'Paired: store the secret, it is not shown again'),
    ...errorResponses(...BODY_ERRORS, 404, 429),
  },
})

export function toDeviceView(
  registry: DeviceRegistry,
  device: DeviceRow,
  printing?: Pick<PrintJobs, 'status'>,
): DeviceView {
  const presence = registry.presence(device.id)
  const reported = device.kind === 'printer' ? (printing?.status(device.id).state ?? null) : null
  return {
    id: device.id as DeviceId,
    kind: device.kind,
    name: device.name,
    counterId: device.counterId as CounterId | null,
    bridgeId: device.bridgeId,
    attachedTo: device.attachedTo,
    createdAt: toIso(device.createdAt),
    revokedAt: toIsoOrNull(device.revokedAt),
    lastSeenAt: toIsoOrNull(device.lastSeenAt),
    health: {
      connected: presence.connected,
      availability: presence.availability,
      bdSeq: presence.bdSeq,
      reason: presence.reason,
      since: toIsoOrNull(presence.since),
    },
    printer:
      reported === null
        ? null
        : {
            online: reported.online,
            paper: reported.paper,
            paperRemainingPercent: reported.paperRemainingPercent,
            blockedBy: reported.blockedBy,
            ticketsPrinted: reported.ticketsPrinted,
            reportedAt: toIso(reported.ts),
          },
  }
}

export function deviceRoutes(deps: HttpDeps & { readonly devices: DeviceRegistry }) {
  const registry = deps.devices
  // Per address: a wrong code costs a guess; ten a quarter hour is far below guessing 2^50 codes.
  const throttle = createLoginThrottle({
    clock: deps.clock,
    maxFailures: 10,
    windowMs: 15 * 60_000,
  })

  return createRouter()
    .openapi(listDevicesRoute, (c) =>
      c.json(
        { devices: registry.list().map((d) => toDeviceView(registry, d, deps.printing)) },
        200,
      ),
    )
    .openapi(createCodeRoute, (c) => {
      const body = c.req.valid('json')
      const issued = registry.createPairingCode(body)
      return c.json({ ...issued, expiresAt: toIso(issued.expiresAt) }, 201)
    })
    .openapi(revokeRoute, (c) => {
      const { id } = c.req.valid('param')
      const device = registry.revoke(id)
      c.var.log.info({ deviceId: id }, 'device revoked')
      return c.json(toDeviceView(registry, device, deps.printing), 200)
    })
    .openapi(pairRoute, async (c) => {
      const { code } = c.req.valid('json')
      const ip = clientAddress(c)
      const key = { login: `pairing:${ip}`, ip }
      const retryAfterSeconds = throttle.retryAfterSeconds(key)
      if (retryAfterSeconds > 0)
        throw new HttpError('TOO_MANY_ATTEMPTS', 'Too many wrong pairing codes; try again later', {
          retryAfterSeconds,
        })
      let enrolled
      try {
        enrolled = await registry.redeemPairingCode(code)
      } catch (error) {
        throttle.recordFailure(key)
        throw error
      }
      const { device, secret } = enrolled
      c.var.log.info({ deviceId: device.id, kind: device.kind }, 'device paired')
      return c.json(
        {
          deviceId: device.id as DeviceId,
          secret,
          kind: device.kind,
          name: device.name,
          counterId: device.counterId as CounterId | null,
          branchId: registry.branchId,
          mqtt: {
            username: device.id,
            clientId: device.id,
            wsPath: '/mqtt',
            tcpPort: deps.mqttTcpPort ?? null,
          },
        },
        201,
      )
    })
}
