import { createRoute } from '@hono/zod-openapi'
import {
  AdminAppointmentListResponse,
  AdminAppointmentsQuery,
  AdminBranch,
  AdminBranchListResponse,
  AdminOperator,
  AdminOperatorListResponse,
  AnalyticsQuery,
  AnalyticsResponse,
  ApplianceListResponse,
  ApplianceView,
  AuditListResponse,
  AuditQuery,
  BranchConfigurationResponse,
  BranchParams,
  ConfigurationResponse,
  ConfigVersionListResponse,
  CreateApplianceRequest,
  CreateBranchRequest,
  CreatedWebhook,
  CreateDeviceRequest,
  CreateStaffUserRequest,
  CreateWebhookRequest,
  DeviceListResponse,
  DeviceView,
  InventoryQuery,
  OperatorParams,
  OperatorsQuery,
  PublishResponse,
  PutOperatorRequest,
  PutServiceMasterRequest,
  PutServiceOverrideRequest,
  ServiceMaster,
  ServiceOverride,
  StaffLoginRequest,
  StaffLoginResponse,
  StaffMeResponse,
  StaffSessionView,
  StaffUserListResponse,
  StaffUserView,
  TotpVerifyRequest,
  UpdateBranchRequest,
  UpdateStaffUserRequest,
  UuidParams,
  WebhookListResponse,
} from '@kqms/shared/cloud'
import { BranchId, PriorityPolicy, ServiceId } from '@kqms/shared/domain'
import { z } from 'zod'
import { getAnalytics } from '../usecases/analytics.js'
import { listBranchAppointments } from '../usecases/appointments.js'
import {
  createBranch,
  getAdminBranch,
  listAdminBranches,
  updateBranch,
} from '../usecases/branches.js'
import {
  getBranchConfiguration,
  getConfiguration,
  listConfigVersions,
  publishBranchConfig,
  putPriorityPolicy,
  putServiceMaster,
  putServiceOverride,
} from '../usecases/catalogue.js'
import {
  createAppliance,
  createDevice,
  createWebhook,
  deleteDevice,
  deleteWebhook,
  getDeviceOrThrow,
  listAppliances,
  listAudit,
  listDevices,
  listOperators,
  listWebhooks,
  putOperator,
} from '../usecases/inventory.js'
import {
  checkPassword,
  completeTotp,
  createUser,
  getUserOrThrow,
  listUsers,
  logOut,
  toUserView,
  updateUser,
} from '../usecases/staff-auth.js'
import {
  ADMIN_ONLY,
  ADMIN_OR_MANAGER,
  ALL_STAFF,
  assertBranchAccess,
  bearerToken,
  clientAddress,
  requireStaff,
  scopeOf,
  type AuthDeps,
} from './auth/access.js'
import type { LoginThrottle } from '@kqms/server-kit/login-throttle'
import { HttpError } from './errors.js'
import {
  BEARER,
  BODY_ERRORS,
  createRouter,
  errorResponses,
  jsonBody,
  jsonContent,
  STAFF_ERRORS,
} from './openapi.js'

const tags = ['admin']
const security = BEARER
const NoContent = { description: 'Done' }

/* ───────────── auth ───────────── */

const loginRoute = createRoute({
  method: 'post',
  path: '/api/admin/auth/login',
  tags: ['admin-auth'],
  summary: 'Staff sign-in, step 1: e-mail and password (administrators then need a TOTP code)',
  request: { body: jsonBody(StaffLoginRequest) },
  responses: {
    200: jsonContent(StaffLoginResponse, 'Signed in, or a TOTP challenge'),
    ...errorResponses(...BODY_ERRORS, 401, 429),
  },
})
const totpRoute = createRoute({
  method: 'post',
  path: '/api/admin/auth/totp',
  tags: ['admin-auth'],
  summary: 'Staff sign-in, step 2: the TOTP code of the challenge (enrols on first sign-in)',
  request: { body: jsonBody(TotpVerifyRequest) },
  responses: {
    200: jsonContent(StaffSessionView, 'Signed in'),
    ...errorResponses(...BODY_ERRORS, 401, 429),
  },
})
const meRoute = createRoute({
  method: 'get',
  path: '/api/admin/auth/me',
  tags: ['admin-auth'],
  summary: 'The signed-in staff member',
  security,
  responses: { 200: jsonContent(StaffMeResponse, 'The session'), ...errorResponses(401) },
})
const logoutRoute = createRoute({
  method: 'post',
  path: '/api/admin/auth/logout',
  tags: ['admin-auth'],
  summary: 'End the session',
  security,
  responses: { 204: NoContent, ...errorResponses(401) },
})

/* ───────────── users ───────────── */

const listUsersRoute = createRoute({
  method: 'get',
  path: '/api/admin/users',
  tags,
  security,
  summary: 'Staff accounts (central administrators only)',
  responses: {
    200: jsonContent(StaffUserListResponse, 'Users'),
    ...errorResponses(...STAFF_ERRORS),
  },
})
const createUserRoute = createRoute({
  method: 'post',
  path: '/api/admin/users',
  tags,
  security,
  summary: 'Create a staff account',
  request: { body: jsonBody(CreateStaffUserRequest) },
  responses: {
    201: jsonContent(StaffUserView, 'Created'),
    ...errorResponses(...BODY_ERRORS, ...STAFF_ERRORS, 409, 422),
  },
})
const updateUserRoute = createRoute({
  method: 'patch',
  path: '/api/admin/users/{id}',
  tags,
  security,
  summary: 'Change a staff account (role, branches, password, disable, reset TOTP)',
  request: { params: UuidParams, body: jsonBody(UpdateStaffUserRequest) },
  responses: {
    200: jsonContent(StaffUserView, 'Changed'),
    ...errorResponses(...BODY_ERRORS, ...STAFF_ERRORS, 404, 409, 422),
  },
})

/* ───────────── branches ───────────── */

const listBranchesRoute = createRoute({
  method: 'get',
  path: '/api/admin/branches',
  tags,
  security,
  summary: 'Branches (a branch manager sees their own)',
  responses: {
    200: jsonContent(AdminBranchListResponse, 'Branches'),
    ...errorResponses(...STAFF_ERRORS),
  },
})
const createBranchRoute = createRoute({
  method: 'post',
  path: '/api/admin/branches',
  tags,
  security,
  summary: 'Create a branch',
  request: { body: jsonBody(CreateBranchRequest) },
  responses: {
    201: jsonContent(AdminBranch, 'Created'),
    ...errorResponses(...BODY_ERRORS, ...STAFF_ERRORS, 409, 422),
  },
})
const getBranchRoute = createRoute({
  method: 'get',
  path: '/api/admin/branches/{branchId}',
  tags,
  security,
  summary: 'One branch',
  request: { params: BranchParams },
  responses: {
    200: jsonContent(AdminBranch, 'The branch'),
    ...errorResponses(400, ...STAFF_ERRORS, 404),
  },
})
const updateBranchRoute = createRoute({
  method: 'patch',
  path: '/api/admin/branches/{branchId}',
  tags,
  security,
  summary: 'Change a branch (address, hours, capacity, …)',
  request: { params: BranchParams, body: jsonBody(UpdateBranchRequest) },
  responses: {
    200: jsonContent(AdminBranch, 'Changed'),
    ...errorResponses(...BODY_ERRORS, ...STAFF_ERRORS, 404, 422),
  },
})

/* ───────────── configuration ───────────── */

const getConfigRoute = createRoute({
  method: 'get',
  path: '/api/admin/configuration',
  tags,
  security,
  summary: 'The bank-wide service catalogue and priority policy',
  responses: {
    200: jsonContent(ConfigurationResponse, 'Configuration'),
    ...errorResponses(...STAFF_ERRORS),
  },
})
const putServiceRoute = createRoute({
  method: 'put',
  path: '/api/admin/configuration/services/{serviceId}',
  tags,
  security,
  summary: 'Create or change a service master',
  request: { params: z.object({ serviceId: ServiceId }), body: jsonBody(PutServiceMasterRequest) },
  responses: {
    200: jsonContent(ServiceMaster, 'Saved'),
    ...errorResponses(...BODY_ERRORS, ...STAFF_ERRORS),
  },
})
const putPolicyRoute = createRoute({
  method: 'put',
  path: '/api/admin/configuration/priority-policy',
  tags,
  security,
  summary: 'Replace the priority policy',
  request: { body: jsonBody(PriorityPolicy) },
  responses: {
    200: jsonContent(PriorityPolicy, 'Saved'),
    ...errorResponses(...BODY_ERRORS, ...STAFF_ERRORS),
  },
})
const getBranchConfigRoute = createRoute({
  method: 'get',
  path: '/api/admin/configuration/branches/{branchId}',
  tags,
  security,
  summary: "A branch's overrides, its draft configuration and the last published version",
  request: { params: BranchParams },
  responses: {
    200: jsonContent(BranchConfigurationResponse, 'Branch configuration'),
    ...errorResponses(400, ...STAFF_ERRORS, 404),
  },
})
const putOverrideRoute = createRoute({
  method: 'put',
  path: '/api/admin/configuration/branches/{branchId}/services/{serviceId}',
  tags,
  security,
  summary: "Set a branch's override of a service (enabled, cap, capacity, hours)",
  request: {
    params: z.object({ branchId: BranchId, serviceId: ServiceId }),
    body: jsonBody(PutServiceOverrideRequest),
  },
  responses: {
    200: jsonContent(ServiceOverride, 'Saved'),
    ...errorResponses(...BODY_ERRORS, ...STAFF_ERRORS, 404),
  },
})
const publishRoute = createRoute({
  method: 'post',
  path: '/api/admin/configuration/branches/{branchId}/publish',
  tags,
  security,
  summary: 'Publish the branch configuration as a new immutable, content-hashed version',
  request: { params: BranchParams },
  responses: {
    200: jsonContent(PublishResponse, 'The version (new, or the unchanged last one)'),
    ...errorResponses(400, ...STAFF_ERRORS, 404),
  },
})
const versionsRoute = createRoute({
  method: 'get',
  path: '/api/admin/configuration/branches/{branchId}/versions',
  tags,
  security,
  summary: 'Published configuration versions, newest first',
  request: { params: BranchParams },
  responses: {
    200: jsonContent(ConfigVersionListResponse, 'Versions'),
    ...errorResponses(400, ...STAFF_ERRORS, 404),
  },
})

/* ───────────── operators, appliances, devices ───────────── */

const listOperatorsRoute = createRoute({
  method: 'get',
  path: '/api/admin/operators',
  tags,
  security,
  summary: 'Operators and their skills',
  request: { query: OperatorsQuery },
  responses: {
    200: jsonContent(AdminOperatorListResponse, 'Operators'),
    ...errorResponses(400, ...STAFF_ERRORS),
  },
})
const putOperatorRoute = createRoute({
  method: 'put',
  path: '/api/admin/operators/{branchId}/{operatorId}',
  tags,
  security,
  summary: 'Create or change an operator of a branch',
  request: { params: OperatorParams, body: jsonBody(PutOperatorRequest) },
  responses: {
    200: jsonContent(AdminOperator, 'Saved'),
    ...errorResponses(...BODY_ERRORS, ...STAFF_ERRORS, 404, 422),
  },
})
const listAppliancesRoute = createRoute({
  method: 'get',
  path: '/api/admin/appliances',
  tags,
  security,
  summary: 'Branch appliances',
  request: { query: InventoryQuery },
  responses: {
    200: jsonContent(ApplianceListResponse, 'Appliances'),
    ...errorResponses(400, ...STAFF_ERRORS),
  },
})
const createApplianceRoute = createRoute({
  method: 'post',
  path: '/api/admin/appliances',
  tags,
  security,
  summary: 'Register an appliance for a branch',
  request: { body: jsonBody(CreateApplianceRequest) },
  responses: {
    201: jsonContent(ApplianceView, 'Registered'),
    ...errorResponses(...BODY_ERRORS, ...STAFF_ERRORS, 404, 409),
  },
})
const listDevicesRoute = createRoute({
  method: 'get',
  path: '/api/admin/devices',
  tags,
  security,
  summary: 'Devices (kiosks, displays, printers, …) per branch',
  request: { query: InventoryQuery },
  responses: {
    200: jsonContent(DeviceListResponse, 'Devices'),
    ...errorResponses(400, ...STAFF_ERRORS),
  },
})
const createDeviceRoute = createRoute({
  method: 'post',
  path: '/api/admin/devices',
  tags,
  security,
  summary: 'Add a device to the inventory',
  request: { body: jsonBody(CreateDeviceRequest) },
  responses: {
    201: jsonContent(DeviceView, 'Added'),
    ...errorResponses(...BODY_ERRORS, ...STAFF_ERRORS, 404, 422),
  },
})
const deleteDeviceRoute = createRoute({
  method: 'delete',
  path: '/api/admin/devices/{id}',
  tags,
  security,
  summary: 'Remove a device from the inventory',
  request: { params: UuidParams },
  responses: { 204: NoContent, ...errorResponses(400, ...STAFF_ERRORS, 404) },
})

/* ───────────── appointments, analytics, webhooks, audit ───────────── */

const appointmentsRoute = createRoute({
  method: 'get',
  path: '/api/admin/appointments',
  tags,
  security,
  summary: "A branch's appointments of a local day (phones masked)",
  request: { query: AdminAppointmentsQuery },
  responses: {
    200: jsonContent(AdminAppointmentListResponse, 'Appointments'),
    ...errorResponses(400, ...STAFF_ERRORS, 404),
  },
})
const analyticsRoute = createRoute({
  method: 'get',
  path: '/api/admin/analytics',
  tags,
  security,
  summary: 'Appointments and remote join requests per branch and local day',
  request: { query: AnalyticsQuery },
  responses: {
    200: jsonContent(AnalyticsResponse, 'Counts'),
    ...errorResponses(400, ...STAFF_ERRORS, 422),
  },
})
const listWebhooksRoute = createRoute({
  method: 'get',
  path: '/api/admin/webhooks',
  tags,
  security,
  summary: 'Integrator webhooks (HMAC-SHA-256 signed)',
  responses: {
    200: jsonContent(WebhookListResponse, 'Webhooks'),
    ...errorResponses(...STAFF_ERRORS),
  },
})
const createWebhookRoute = createRoute({
  method: 'post',
  path: '/api/admin/webhooks',
  tags,
  security,
  summary: 'Register a webhook; the signing secret is shown once',
  request: { body: jsonBody(CreateWebhookRequest) },
  responses: {
    201: jsonContent(CreatedWebhook, 'Registered'),
    ...errorResponses(...BODY_ERRORS, ...STAFF_ERRORS),
  },
})
const deleteWebhookRoute = createRoute({
  method: 'delete',
  path: '/api/admin/webhooks/{id}',
  tags,
  security,
  summary: 'Deactivate a webhook',
  request: { params: UuidParams },
  responses: { 204: NoContent, ...errorResponses(400, ...STAFF_ERRORS, 404) },
})
const auditRoute = createRoute({
  method: 'get',
  path: '/api/admin/audit',
  tags,
  security,
  summary: 'Audit log of every administrative change: who, what, before/after, when',
  request: { query: AuditQuery },
  responses: {
    200: jsonContent(AuditListResponse, 'Entries, newest first'),
    ...errorResponses(400, ...STAFF_ERRORS),
  },
})

export function adminRoutes(deps: AuthDeps & { throttle: LoginThrottle }) {
  const staff = requireStaff
  const actorOf = (p: { id: string; email: string }) => ({ id: p.id, email: p.email })

  return createRouter()
    .openapi(loginRoute, async (c) => {
      const { email, password } = c.req.valid('json')
      const key = { login: email.trim().toLowerCase(), ip: clientAddress(c) }
      const wait = deps.throttle.retryAfterSeconds(key)
      if (wait > 0)
        throw new HttpError(
          'TOO_MANY_ATTEMPTS',
          'Too many failed sign-in attempts; try again later',
          {
            retryAfterSeconds: wait,
          },
        )
      const outcome = await checkPassword(deps, { email, password })
      if (outcome.kind === 'rejected') {
        deps.throttle.recordFailure(key)
        c.var.log.warn({ ip: key.ip }, 'staff sign-in refused')
        throw new HttpError('UNAUTHENTICATED', 'Wrong e-mail or password')
      }
      if (outcome.response.status === 'signed-in') deps.throttle.recordSuccess(key)
      return c.json(outcome.response, 200)
    })
    .openapi(totpRoute, async (c) => {
      const body = c.req.valid('json')
      const key = { login: `totp:${body.challengeId.slice(0, 64)}`, ip: clientAddress(c) }
      const wait = deps.throttle.retryAfterSeconds(key)
      if (wait > 0)
        throw new HttpError('TOO_MANY_ATTEMPTS', 'Too many wrong codes; try again later', {
          retryAfterSeconds: wait,
        })
      try {
        const { session } = await completeTotp(deps, body)
        return c.json(session, 200)
      } catch (error) {
        deps.throttle.recordFailure(key)
        throw error
      }
    })
    .openapi(meRoute, async (c) => {
      const principal = staff(c, ALL_STAFF)
      const user = await getUserOrThrow(deps, principal.id)
      return c.json(
        { user: toUserView(user), expiresAt: new Date(principal.sessionExpiresAt).toISOString() },
        200,
      )
    })
    .openapi(logoutRoute, async (c) => {
      staff(c, ALL_STAFF)
      const token = bearerToken(c)
      if (typeof token === 'string') await logOut(deps, token)
      return c.body(null, 204)
    })
    .openapi(listUsersRoute, async (c) => {
      staff(c, ADMIN_ONLY)
      return c.json({ users: await listUsers(deps) }, 200)
    })
    .openapi(createUserRoute, async (c) => {
      const principal = staff(c, ADMIN_ONLY)
      return c.json(
        await createUser(deps, { actor: actorOf(principal), user: c.req.valid('json') }),
        201,
      )
    })
    .openapi(updateUserRoute, async (c) => {
      const principal = staff(c, ADMIN_ONLY)
      const view = await updateUser(deps, {
        actor: actorOf(principal),
        id: c.req.valid('param').id,
        patch: c.req.valid('json'),
      })
      return c.json(view, 200)
    })
    .openapi(listBranchesRoute, async (c) => {
      const principal = staff(c, ALL_STAFF)
      return c.json({ branches: await listAdminBranches(deps, scopeOf(principal)) }, 200)
    })
    .openapi(createBranchRoute, async (c) => {
      const principal = staff(c, ADMIN_ONLY)
      return c.json(
        await createBranch(deps, { actor: actorOf(principal), branch: c.req.valid('json') }),
        201,
      )
    })
    .openapi(getBranchRoute, async (c) => {
      const principal = staff(c, ALL_STAFF)
      const { branchId } = c.req.valid('param')
      assertBranchAccess(principal, branchId)
      return c.json(await getAdminBranch(deps, branchId), 200)
    })
    .openapi(updateBranchRoute, async (c) => {
      const principal = staff(c, ADMIN_OR_MANAGER)
      const { branchId } = c.req.valid('param')
      assertBranchAccess(principal, branchId)
      const patch = c.req.valid('json')
      if (principal.role === 'branch-manager' && patch.active !== undefined)
        throw new HttpError('FORBIDDEN', 'Only a central administrator opens or closes branches')
      return c.json(await updateBranch(deps, { actor: actorOf(principal), branchId, patch }), 200)
    })
    .openapi(getConfigRoute, async (c) => {
      staff(c, ALL_STAFF)
      return c.json(await getConfiguration(deps), 200)
    })
    .openapi(putServiceRoute, async (c) => {
      const principal = staff(c, ADMIN_ONLY)
      const saved = await putServiceMaster(deps, {
        actor: actorOf(principal),
        serviceId: c.req.valid('param').serviceId,
        service: c.req.valid('json'),
      })
      return c.json(saved, 200)
    })
    .openapi(putPolicyRoute, async (c) => {
      const principal = staff(c, ADMIN_ONLY)
      return c.json(
        await putPriorityPolicy(deps, { actor: actorOf(principal), policy: c.req.valid('json') }),
        200,
      )
    })
    .openapi(getBranchConfigRoute, async (c) => {
      const principal = staff(c, ALL_STAFF)
      const { branchId } = c.req.valid('param')
      assertBranchAccess(principal, branchId)
      return c.json(await getBranchConfiguration(deps, branchId), 200)
    })
    .openapi(putOverrideRoute, async (c) => {
      const principal = staff(c, ADMIN_OR_MANAGER)
      const { branchId, serviceId } = c.req.valid('param')
      assertBranchAccess(principal, branchId)
      const saved = await putServiceOverride(deps, {
        actor: actorOf(principal),
        branchId,
        serviceId,
        override: c.req.valid('json'),
      })
      return c.json(saved, 200)
    })
    .openapi(publishRoute, async (c) => {
      const principal = staff(c, ADMIN_OR_MANAGER)
      const { branchId } = c.req.valid('param')
      assertBranchAccess(principal, branchId)
      return c.json(await publishBranchConfig(deps, { actor: actorOf(principal), branchId }), 200)
    })
    .openapi(versionsRoute, async (c) => {
      const principal = staff(c, ALL_STAFF)
      const { branchId } = c.req.valid('param')
      assertBranchAccess(principal, branchId)
      return c.json({ versions: await listConfigVersions(deps, branchId) }, 200)
    })
    .openapi(listOperatorsRoute, async (c) => {
      const principal = staff(c, ALL_STAFF)
      const { branchId } = c.req.valid('query')
      if (branchId !== undefined) assertBranchAccess(principal, branchId)
      return c.json(
        { operators: await listOperators(deps, { branchId, scope: scopeOf(principal) }) },
        200,
      )
    })
    .openapi(putOperatorRoute, async (c) => {
      const principal = staff(c, ADMIN_OR_MANAGER)
      const { branchId, operatorId } = c.req.valid('param')
      assertBranchAccess(principal, branchId)
      const saved = await putOperator(deps, {
        actor: actorOf(principal),
        branchId,
        operatorId,
        operator: c.req.valid('json'),
      })
      return c.json(saved, 200)
    })
    .openapi(listAppliancesRoute, async (c) => {
      const principal = staff(c, ADMIN_OR_MANAGER)
      const { branchId } = c.req.valid('query')
      if (branchId !== undefined) assertBranchAccess(principal, branchId)
      return c.json(
        { appliances: await listAppliances(deps, { branchId, scope: scopeOf(principal) }) },
        200,
      )
    })
    .openapi(createApplianceRoute, async (c) => {
      const principal = staff(c, ADMIN_ONLY)
      return c.json(
        await createAppliance(deps, { actor: actorOf(principal), appliance: c.req.valid('json') }),
        201,
      )
    })
    .openapi(listDevicesRoute, async (c) => {
      const principal = staff(c, ADMIN_OR_MANAGER)
      const { branchId } = c.req.valid('query')
      if (branchId !== undefined) assertBranchAccess(principal, branchId)
      return c.json(
        { devices: await listDevices(deps, { branchId, scope: scopeOf(principal) }) },
        200,
      )
    })
    .openapi(createDeviceRoute, async (c) => {
      const principal = staff(c, ADMIN_OR_MANAGER)
      const device = c.req.valid('json')
      assertBranchAccess(principal, device.branchId)
      return c.json(await createDevice(deps, { actor: actorOf(principal), device }), 201)
    })
    .openapi(deleteDeviceRoute, async (c) => {
      const principal = staff(c, ADMIN_OR_MANAGER)
      const { id } = c.req.valid('param')
      const device = await getDeviceOrThrow(deps, id)
      assertBranchAccess(principal, device.branchId)
      await deleteDevice(deps, { actor: actorOf(principal), id })
      return c.body(null, 204)
    })
    .openapi(appointmentsRoute, async (c) => {
      const principal = staff(c, ALL_STAFF)
      const query = c.req.valid('query')
      assertBranchAccess(principal, query.branchId)
      return c.json({ appointments: await listBranchAppointments(deps, query) }, 200)
    })
    .openapi(analyticsRoute, async (c) => {
      const principal = staff(c, ALL_STAFF)
      const query = c.req.valid('query')
      if (query.branchId !== undefined) assertBranchAccess(principal, query.branchId)
      return c.json(await getAnalytics(deps, { query, scope: scopeOf(principal) }), 200)
    })
    .openapi(listWebhooksRoute, async (c) => {
      staff(c, ADMIN_ONLY)
      return c.json({ webhooks: await listWebhooks(deps) }, 200)
    })
    .openapi(createWebhookRoute, async (c) => {
      const principal = staff(c, ADMIN_ONLY)
      return c.json(
        await createWebhook(deps, { actor: actorOf(principal), webhook: c.req.valid('json') }),
        201,
      )
    })
    .openapi(deleteWebhookRoute, async (c) => {
      const principal = staff(c, ADMIN_ONLY)
      await deleteWebhook(deps, { actor: actorOf(principal), id: c.req.valid('param').id })
      return c.body(null, 204)
    })
    .openapi(auditRoute, async (c) => {
      staff(c, ADMIN_ONLY)
      return c.json({ entries: await listAudit(deps, c.req.valid('query')) }, 200)
    })
}
