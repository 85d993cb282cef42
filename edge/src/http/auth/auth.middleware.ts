import type { Role } from '@kqms/shared/api'
import type { Context, MiddlewareHandler } from 'hono'
import type { AppEnv, Session } from '../app-env.js'
import { HttpError } from '../errors.js'
import { authenticateDevice, type DeviceAuthDeps } from './device-auth.js'
import { authenticate, hasRole, type SessionDeps } from './staff-sessions.js'

const BEARER = /^Bearer\s+(\S+)\s*$/i
const BASIC = /^Basic\s/i

/**
 * Reads `Authorization: Bearer <token>` on every API request (`Basic` is a device's
 * credentials, checked by the routes devices call). No header: an anonymous request
 * (public routes serve it). A header that is not a live session: 401, even on public routes, so a
 * client never silently loses its staff rights.
 */
export function loadSession(
  deps: SessionDeps & { devices?: DeviceAuthDeps },
): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization')
    c.set('device', undefined)
    if (header === undefined) {
      c.set('session', undefined)
      return next()
    }
    // A device's own credentials: checked here too, so a wrong one is never silently ignored.
    if (BASIC.test(header) && deps.devices) {
      c.set('session', undefined)
      c.set('device', await authenticateDevice(c, { ...deps.devices, ip: clientAddress(c) }))
      return next()
    }
    const token = BEARER.exec(header)?.[1]
    const session = token === undefined ? null : authenticate(deps, token)
    if (!session) throw new HttpError('UNAUTHENTICATED', 'The session is unknown or has expired')
    c.set('session', session)
    return next()
  }
}

/** The request's session, or 401. */
export function requireSession(c: Context<AppEnv>): Session {
  const session = c.var.session
  if (!session) throw new HttpError('UNAUTHENTICATED', 'Sign in first')
  return session
}

/** Route middleware: a session with at least `role` (operator < manager < admin). */
export function requireRole(role: Role): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const session = requireSession(c)
    if (!hasRole(session.user.role, role))
      throw new HttpError('FORBIDDEN', `This needs the ${role} role`)
    return next()
  }
}

/** The client's address for throttling; `unknown` when not served by a socket (tests). */
export function clientAddress(c: Context<AppEnv>): string {
  const env: unknown = c.env
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return 'unknown'
  const incoming = env.incoming as { socket?: { remoteAddress?: string } } | undefined
  return incoming?.socket?.remoteAddress ?? 'unknown'
}
