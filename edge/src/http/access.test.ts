import type { Role } from '@kqms/shared/api'
import { beforeAll, describe, expect, it } from 'vitest'
import { AIDA, COUNTER_1 } from '../../test/given.js'
import { HTTP_ROUTES, pathOf } from '../../test/http-routes.js'
import { errorCode, startTestHttp, type TestHttp } from '../../test/test-http.js'
import { createUser } from './auth/users.js'

const RANK: Record<Role, number> = { operator: 1, manager: 2, admin: 3 }
const staffRoutes = HTTP_ROUTES.filter((r) => r.access !== 'public')
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
    return () => http[Symbol.dispose]()
  })

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
    route.access === 'public'
      ? []
      : lowerRoles(route.access).map(
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
          : route.access === 'public'
            ? undefined
            : tokens[route.access]
      const response = await http.request(route.method, pathOf(route.pattern), {
        body: route.body,
        token,
      })
      expect(response.status).toBeLessThan(500)
      expect([401, 403]).not.toContain(response.status)
    },
  )
})
