import { createRoute } from '@hono/zod-openapi'
import { LoginRequest, LoginResponse, SessionView } from '@kqms/shared/api'
import { z } from 'zod'
import type { HttpDeps } from '../http-deps.js'
import {
  BEARER,
  BODY_ERRORS,
  createRouter,
  errorResponses,
  jsonBody,
  jsonContent,
} from '../openapi.js'
import { clientAddress, requireRole, requireSession } from './auth.middleware.js'
import type { LoginThrottle } from '@kqms/server-kit/login-throttle'
import { logIn, logOut } from './staff-sessions.js'

const login = createRoute({
  method: 'post',
  path: '/api/v1/auth/login',
  tags: ['auth'],
  summary: 'Sign in with a password or PIN; returns a bearer token',
  request: { body: jsonBody(LoginRequest) },
  responses: {
    200: jsonContent(LoginResponse, 'Signed in'),
    ...errorResponses(...BODY_ERRORS, 401, 429),
  },
})

const logout = createRoute({
  method: 'post',
  path: '/api/v1/auth/logout',
  tags: ['auth'],
  summary: 'End the current session',
  security: BEARER,
  middleware: [requireRole('operator')],
  responses: {
    200: jsonContent(z.object({ ok: z.literal(true) }), 'Signed out'),
    ...errorResponses(401),
  },
})

const me = createRoute({
  method: 'get',
  path: '/api/v1/auth/me',
  tags: ['auth'],
  summary: 'The signed-in user and when the session expires',
  security: BEARER,
  middleware: [requireRole('operator')],
  responses: {
    200: jsonContent(SessionView, 'The session'),
    ...errorResponses(401),
  },
})

export function authRoutes(deps: HttpDeps, throttle: LoginThrottle) {
  const sessionDeps = { ...deps, sessionTtlMinutes: deps.config.sessionTtlMinutes, throttle }
  return createRouter()
    .openapi(login, async (c) => {
      const body = c.req.valid('json')
      const result = await logIn(sessionDeps, {
        login: body.login,
        secret: body.password ?? body.pin ?? '',
        ip: clientAddress(c),
      })
      c.var.log.info({ userId: result.user.id, role: result.user.role }, 'staff signed in')
      return c.json(result, 200)
    })
    .openapi(logout, (c) => {
      const session = requireSession(c)
      logOut(deps, session)
      c.var.log.info({ userId: session.user.id }, 'staff signed out')
      return c.json({ ok: true as const }, 200)
    })
    .openapi(me, (c) => {
      const session = requireSession(c)
      return c.json(
        {
          user: { ...session.user, active: true },
          expiresAt: new Date(session.expiresAt).toISOString(),
        },
        200,
      )
    })
}
