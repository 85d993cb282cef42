import type { Role } from '@kqms/shared/api'
import { pino } from 'pino'
import { beforeAll, describe, expect, it } from 'vitest'
import { AIDA, COUNTER_1 } from '../../test/given.js'
import { HTTP_ROUTES, pathOf } from '../../test/http-routes.js'
import { errorCode, startTestHttp, type TestHttp } from '../../test/test-http.js'
import { createDeviceRegistry } from '../usecases/device-registry.js'
import { createUser } from './auth/users.js'

const RANK: Record<Role, number> = { operator: 1, manager: 2, admin: 3 }
const staffRoutes = HTTP_ROUTES.flatMap((r) =>
  r.access === 'public' || r.access === 'device' ? [] : [{ ...r, access: r.access }],
)
const deviceRoutes = HTTP_ROUTES.filter((r) => r.access === 'device')
const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`
const KIOSK_SECRET = 'kiosk-secret-for-access-tests-0001'
const DISPLAY_SECRET = 'display-secret-for-access-tests-01'
const lowerRoles = (required: Role): Role[] =>
  (['operator', 'manager'] as const).filter((role) => RANK[role] < RANK[required])

describe('route access', () => {
  let http: TestHttp
  const tokens = {} as Record<Role, string>
  beforeAll(async () => {
    http = startTestHttp()
    for (const role of ['operator', 'manager', 'admin'] as const)
      tokens[role] = await http.tokenFor(role)
    // The login route's sample body signs in as this account.
    await createUser(
      { database: http.database, clock: http.clock, ids: http.ids },
      {
        login: 'someone',
        displayName: 'Someone',
        role: 'operator',
        secret: 'secret-123',
        operatorId: null,
      },
    )
    const registry = createDeviceRegistry({
      database: http.database,
      clock: http.clock,
      log: pino({ level: 'silent' }),
      runtime: http.runtime,
      branchId: 'test' as never,
    })
    await registry.enrol({
      id: 'kiosk-a',
      kind: 'kiosk',
      name: 'Kiosk',
      counterId: null,
      secret: KIOSK_SECRET,
    })
    await registry.enrol({
      id: 'hall-a',
      kind: 'hall-display',
      name: 'Hall',
      counterId: null,
      secret: DISPLAY_SECRET,
    })
    return () => http[Symbol.dispose]()
  })

  it.each(deviceRoutes.map((r) => [`${r.method} ${r.pattern}`, r] as const))(
    '%s needs the kiosk device: none or a staff token 401, wrong secret 401, another kind 403',
    async (_, route) => {
      const send = (headers: Record<string, string>, token?: string) =>
        http.request(route.method, pathOf(route.pattern), { body: route.body, headers, token })
      const none = await send({})
      expect([none.status, errorCode(none)]).toEqual([401, 'UNAUTHENTICATED'])
      const staff = await send({}, tokens.admin)
      expect([staff.status, errorCode(staff)]).toEqual([401, 'UNAUTHENTICATED'])
      const wrong = await send({ authorization: basic('kiosk-a', 'not-the-secret-000000') })
      expect([wrong.status, errorCode(wrong)]).toEqual([401, 'UNAUTHENTICATED'])
      const malformed = await send({ authorization: 'Basic a2lvc2stYQ==' }) // "kiosk-a", no secret
      expect([malformed.status, errorCode(malformed)]).toEqual([401, 'UNAUTHENTICATED'])
      const display = await send({ authorization: basic('hall-a', DISPLAY_SECRET) })
      expect([display.status, errorCode(display)]).toEqual([403, 'FORBIDDEN'])
    },
  )

  it.each(staffRoutes.map((r) => [`${r.method} ${r.pattern}`, r] as const))(
    '%s needs a session (401 UNAUTHENTICATED)',
    async (_, route) => {
      const response = await http.request(route.method, pathOf(route.pattern), { body: route.body })
      expect(response.status).toBe(401)
      expect(errorCode(response)).toBe('UNAUTHENTICATED')
    },
  )

  it.each(staffRoutes.map((r) => [`${r.method} ${r.pattern}`, r] as const))(
    '%s refuses an expired or unknown token (401)',
    async (_, route) => {
      const response = await http.request(route.method, pathOf(route.pattern), {
        body: route.body,
        token: 'A'.repeat(43),
      })
      expect(response.status).toBe(401)
    },
  )

  const gated = staffRoutes.flatMap((route) =>
    lowerRoles(route.access).map(
      (role) => [`${route.method} ${route.pattern}`, role, route] as const,
    ),
  )
  it.each(gated)('%s refuses the %s role (403 FORBIDDEN)', async (_, role, route) => {
    const response = await http.request(route.method, pathOf(route.pattern), {
      body: route.body,
      token: tokens[role],
    })
    expect(response.status).toBe(403)
    expect(errorCode(response)).toBe('FORBIDDEN')
  })

  it.each(HTTP_ROUTES.map((r) => [`${r.method} ${r.pattern}`, r] as const))(
    '%s lets its role through (never 401/403, never 5xx)',
    async (_, route) => {
      // Operators act only where they are signed in; logging out must not end the shared session.
      http.given.signIn(AIDA, COUNTER_1)
      const token =
        route.pattern === '/api/v1/auth/logout'
          ? await http.tokenFor('operator')
          : route.access === 'public' || route.access === 'device'
            ? undefined
            : tokens[route.access]
      const response = await http.request(route.method, pathOf(route.pattern), {
        body: route.body,
        token,
        headers: route.access === 'device' ? { authorization: basic('kiosk-a', KIOSK_SECRET) } : {},
      })
      expect(response.status).toBeLessThan(500)
      expect([401, 403]).not.toContain(response.status)
    },
  )
})
