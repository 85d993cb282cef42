import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CloudRole } from '@kqms/shared/cloud'
import type { CloudDatabase } from '../src/db/open-database.js'
import { createTestCloud, driversToRun, openTestDatabase, type TestCloud } from './test-cloud.js'

/**
 * Every administration route refuses anonymous callers (401), staff of a role it does not allow
 * (403) and a branch manager acting on a branch that is not theirs (403). The table must name
 * every admin route of the OpenAPI document (checked below), so a new route cannot skip it.
 */
const FOREIGN = 'almaty-dostyk' // the demo manager manages almaty-demo only
const ALL: readonly CloudRole[] = ['central-admin', 'analyst', 'branch-manager']
const ADMIN: readonly CloudRole[] = ['central-admin']
const ADMIN_MANAGER: readonly CloudRole[] = ['central-admin', 'branch-manager']
const UUID = '0190a0a0-0000-7000-8000-000000000000'

interface RouteCase {
  readonly method: string
  /** OpenAPI template, e.g. `/api/admin/users/{id}`. */
  readonly template: string
  readonly path: string
  readonly body?: unknown
  readonly roles: readonly CloudRole[]
  /** Acts on FOREIGN: a branch manager must be refused even though the role is allowed. */
  readonly branchScoped?: boolean
}

const service = {
  prefix: 'L',
  name: { kk: 'Несиелер', ru: 'Кредиты', en: 'Loans' },
  category: { kk: 'Несие', ru: 'Кредиты', en: 'Loans' },
  expectedServiceSeconds: 1500,
  serviceTimeCv: 0.6,
  bookable: true,
  active: true,
}
const policy = {
  classes: {
    appointment: { headStart: 30, agingPerMinute: 1, maxWaitMinutes: 10 },
    vip: { headStart: 20, agingPerMinute: 1, maxWaitMinutes: 10 },
    elderly: { headStart: 15, agingPerMinute: 1, maxWaitMinutes: 15 },
    regular: { headStart: 0, agingPerMinute: 1, maxWaitMinutes: 25 },
  },
  selfDeclarable: ['elderly'],
  secondarySkillMargin: 10,
  shortServiceBonusPerMinute: 0,
  maxRecalls: 3,
  recallCooldownSeconds: 20,
  noShowAfterMinutes: 5,
  reactivateWithinMinutes: 60,
}

export const ADMIN_ROUTES: readonly RouteCase[] = [
  { method: 'GET', template: '/api/admin/auth/me', path: '/api/admin/auth/me', roles: ALL },
  { method: 'GET', template: '/api/admin/users', path: '/api/admin/users', roles: ADMIN },
  {
    method: 'POST',
    template: '/api/admin/users',
    path: '/api/admin/users',
    roles: ADMIN,
    body: {
      email: 'new@kqms.test',
      displayName: 'New',
      role: 'analyst',
      password: 'a-long-password-1',
    },
  },
  {
    method: 'PATCH',
    template: '/api/admin/users/{id}',
    path: `/api/admin/users/${UUID}`,
    roles: ADMIN,
    body: { displayName: 'X' },
  },
  { method: 'GET', template: '/api/admin/branches', path: '/api/admin/branches', roles: ALL },
  {
    method: 'POST',
    template: '/api/admin/branches',
    path: '/api/admin/branches',
    roles: ADMIN,
    body: {
      id: 'new-branch',
      name: { kk: 'Жаңа', ru: 'Новое', en: 'New' },
      address: { kk: 'Мекенжай', ru: 'Адрес', en: 'Address' },
      city: 'Almaty',
      location: { lat: 43.2, lon: 76.9 },
      timeZone: 'Asia/Almaty',
      openingHours: {},
      capacity: {
        counters: 2,
        slotMinutes: 15,
        appointmentsPerSlot: 1,
        horizonDays: 7,
        leadMinutes: 30,
        earlyArrivalMinutes: 10,
        lateArrivalMinutes: 10,
        walkInShareByHour: Array.from({ length: 24 }, () => 0),
      },
    },
  },
  {
    method: 'GET',
    template: '/api/admin/branches/{branchId}',
    path: `/api/admin/branches/${FOREIGN}`,
    roles: ALL,
    branchScoped: true,
  },
  {
    method: 'PATCH',
    template: '/api/admin/branches/{branchId}',
    path: `/api/admin/branches/${FOREIGN}`,
    roles: ADMIN_MANAGER,
    branchScoped: true,
    body: { city: 'Almaty' },
  },
  {
    method: 'GET',
    template: '/api/admin/configuration',
    path: '/api/admin/configuration',
    roles: ALL,
  },
  {
    method: 'PUT',
    template: '/api/admin/configuration/services/{serviceId}',
    path: '/api/admin/configuration/services/loan',
    roles: ADMIN,
    body: service,
  },
  {
    method: 'PUT',
    template: '/api/admin/configuration/priority-policy',
    path: '/api/admin/configuration/priority-policy',
    roles: ADMIN,
    body: policy,
  },
  {
    method: 'GET',
    template: '/api/admin/configuration/branches/{branchId}',
    path: `/api/admin/configuration/branches/${FOREIGN}`,
    roles: ALL,
    branchScoped: true,
  },
  {
    method: 'PUT',
    template: '/api/admin/configuration/branches/{branchId}/services/{serviceId}',
    path: `/api/admin/configuration/branches/${FOREIGN}/services/loan`,
    roles: ADMIN_MANAGER,
    branchScoped: true,
    body: {
      enabled: true,
      dailyCap: null,
      expectedServiceSeconds: null,
      appointmentsPerSlot: 3,
      openingHours: null,
    },
  },
  {
    method: 'POST',
    template: '/api/admin/configuration/branches/{branchId}/publish',
    path: `/api/admin/configuration/branches/${FOREIGN}/publish`,
    roles: ADMIN_MANAGER,
    branchScoped: true,
  },
  {
    method: 'GET',
    template: '/api/admin/configuration/branches/{branchId}/versions',
    path: `/api/admin/configuration/branches/${FOREIGN}/versions`,
    roles: ALL,
    branchScoped: true,
  },
  {
    method: 'GET',
    template: '/api/admin/operators',
    path: `/api/admin/operators?branchId=${FOREIGN}`,
    roles: ALL,
    branchScoped: true,
  },
  {
    method: 'PUT',
    template: '/api/admin/operators/{branchId}/{operatorId}',
    path: `/api/admin/operators/${FOREIGN}/asel`,
    roles: ADMIN_MANAGER,
    branchScoped: true,
    body: { displayName: 'Асель', skills: { loan: 1 } },
  },
  {
    method: 'GET',
    template: '/api/admin/appliances',
    path: `/api/admin/appliances?branchId=${FOREIGN}`,
    roles: ADMIN_MANAGER,
    branchScoped: true,
  },
  {
    method: 'POST',
    template: '/api/admin/appliances',
    path: '/api/admin/appliances',
    roles: ADMIN,
    body: { branchId: FOREIGN, name: 'Appliance', serialNumber: 'SN-1' },
  },
  {
    method: 'GET',
    template: '/api/admin/devices',
    path: `/api/admin/devices?branchId=${FOREIGN}`,
    roles: ADMIN_MANAGER,
    branchScoped: true,
  },
  {
    method: 'POST',
    template: '/api/admin/devices',
    path: '/api/admin/devices',
    roles: ADMIN_MANAGER,
    branchScoped: true,
    body: { branchId: FOREIGN, kind: 'kiosk', label: 'Kiosk 1' },
  },
  {
    method: 'DELETE',
    template: '/api/admin/devices/{id}',
    path: '/api/admin/devices/{device}',
    roles: ADMIN_MANAGER,
    branchScoped: true,
  },
  {
    method: 'GET',
    template: '/api/admin/appointments',
    path: `/api/admin/appointments?branchId=${FOREIGN}&date=2026-03-02`,
    roles: ALL,
    branchScoped: true,
  },
  {
    method: 'GET',
    template: '/api/admin/analytics',
    path: `/api/admin/analytics?from=2026-03-01&to=2026-03-31&branchId=${FOREIGN}`,
    roles: ALL,
    branchScoped: true,
  },
  { method: 'GET', template: '/api/admin/webhooks', path: '/api/admin/webhooks', roles: ADMIN },
  {
    method: 'POST',
    template: '/api/admin/webhooks',
    path: '/api/admin/webhooks',
    roles: ADMIN,
    body: { url: 'https://hooks.example/kqms', events: ['appointment.booked'] },
  },
  {
    method: 'DELETE',
    template: '/api/admin/webhooks/{id}',
    path: `/api/admin/webhooks/${UUID}`,
    roles: ADMIN,
  },
  { method: 'GET', template: '/api/admin/audit', path: '/api/admin/audit', roles: ADMIN },
  {
    method: 'POST',
    template: '/api/admin/auth/logout',
    path: '/api/admin/auth/logout',
    roles: ALL,
  },
]

const ROLE_USER = {
  'central-admin': 'admin',
  analyst: 'analyst',
  'branch-manager': 'manager',
} as const

describe.each(driversToRun())('admin route access on %s', (driver) => {
  let database: CloudDatabase
  let cloud: TestCloud
  let adminToken: string
  let deviceId: string
  beforeAll(async () => {
    database = await openTestDatabase(driver)
    cloud = await createTestCloud(database)
    adminToken = await cloud.staffToken('admin')
    const device = await cloud.request('/api/admin/devices', {
      token: adminToken,
      body: { branchId: FOREIGN, kind: 'kiosk', label: 'Kiosk to delete' },
    })
    deviceId = (device.body as { id: string }).id
  })
  afterAll(async () => {
    await database.close()
  })

  const send = (route: RouteCase, token: string | null) =>
    cloud.request(route.path.replace('{device}', deviceId), {
      method: route.method,
      token,
      ...(route.body === undefined ? {} : { body: route.body }),
    })

  it('covers every admin route of the OpenAPI document', async () => {
    const doc = (await cloud.request('/api/openapi.json')).body as {
      paths: Record<string, Record<string, unknown>>
    }
    const documented = Object.entries(doc.paths)
      .filter(
        ([path]) =>
          path.startsWith('/api/admin/') &&
          !['/api/admin/auth/login', '/api/admin/auth/totp'].includes(path),
      )
      .flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${path}`))
      .sort()
    expect(ADMIN_ROUTES.map((r) => `${r.method} ${r.template}`).sort()).toEqual(documented)
  })

  it.each(ADMIN_ROUTES.map((r) => [`${r.method} ${r.template}`, r] as const))(
    '%s refuses anonymous callers, a bogus token, and roles it does not allow',
    async (_name, route) => {
      const anonymous = await send(route, null)
      expect(anonymous.status).toBe(401)
      expect(anonymous.body).toMatchObject({ error: { code: 'UNAUTHENTICATED' } })
      expect((await send(route, 'x'.repeat(43))).status).toBe(401)
      for (const role of ALL.filter((r) => !route.roles.includes(r))) {
        const token = await cloud.staffToken(ROLE_USER[role])
        const refused = await send(route, token)
        expect({ role, status: refused.status }).toEqual({ role, status: 403 })
      }
    },
  )

  it.each(
    ADMIN_ROUTES.filter((r) => r.branchScoped && r.roles.includes('branch-manager')).map(
      (r) => [`${r.method} ${r.template}`, r] as const,
    ),
  )("%s refuses a branch manager on another manager's branch", async (_name, route) => {
    const token = await cloud.staffToken('manager')
    const refused = await send(route, token)
    expect(refused.status).toBe(403)
    expect(refused.body).toMatchObject({ error: { code: 'FORBIDDEN' } })
  })

  it.each(
    ADMIN_ROUTES.filter((r) => r.method !== 'POST' || r.template !== '/api/admin/auth/logout').map(
      (r) => [`${r.method} ${r.template}`, r] as const,
    ),
  )('%s lets the roles it allows through', async (_name, route) => {
    for (const role of route.roles) {
      const token = await cloud.staffToken(ROLE_USER[role])
      const path =
        role === 'branch-manager' ? route.path.replaceAll(FOREIGN, 'almaty-demo') : route.path
      const body =
        role === 'branch-manager'
          ? (JSON.parse(
              JSON.stringify(route.body ?? null).replaceAll(FOREIGN, 'almaty-demo'),
            ) as unknown)
          : route.body
      const answer = await cloud.request(path.replace('{device}', deviceId), {
        method: route.method,
        token,
        ...(body === undefined || body === null ? {} : { body }),
      })
      expect({ role, status: answer.status }).not.toMatchObject({
        status: expect.toSatisfy((s: number) => s === 401 || s === 403 || s >= 500),
      })
    }
  })

  it('shows a branch manager only their own branches', async () => {
    const token = await cloud.staffToken('manager')
    const { body } = await cloud.request('/api/admin/branches', { token })
    expect((body as { branches: { id: string }[] }).branches.map((b) => b.id)).toEqual([
      'almaty-demo',
    ])
  })
})
