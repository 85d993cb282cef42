import type { CloudRole } from '@kqms/shared/cloud'
import type { Context, MiddlewareHandler } from 'hono'
import { authenticateCustomer, type CustomerPrincipal } from '../../usecases/customer-auth.js'
import type { BranchScope } from '../../usecases/inventory.js'
import type { CloudDeps } from '../../usecases/ports.js'
import { authenticateStaff, type StaffPrincipal } from '../../usecases/staff-auth.js'
import type { AppEnv } from '../app-env.js'
import { HttpError } from '../errors.js'

export type AuthDeps = CloudDeps & { readonly sessionTtlMinutes: number }

const BEARER = /^Bearer\s+(\S+)\s*$/i

/** The bearer token of a request: undefined without the header, null when it is malformed. */
export function bearerToken(c: Context<AppEnv>): string | null | undefined {
  const header = c.req.header('authorization')
  if (header === undefined) return undefined
  return BEARER.exec(header)?.[1] ?? null
}

/** Who may call each kind of staff route (checked per route; see access.test.ts). */
export const ALL_STAFF: readonly CloudRole[] = ['central-admin', 'analyst', 'branch-manager']
export const ADMIN_ONLY: readonly CloudRole[] = ['central-admin']
export const ADMIN_OR_MANAGER: readonly CloudRole[] = ['central-admin', 'branch-manager']

/** Admin routes open to anonymous callers (the sign-in steps). */
const ANONYMOUS_ADMIN_PATHS = new Set(['/api/admin/auth/login', '/api/admin/auth/totp'])

/**
 * On `/api/admin/*`: every route but the sign-in steps needs a live staff session, checked before
 * the request is parsed, so an anonymous caller always gets 401 whatever it sends.
 */
export function loadStaff(deps: AuthDeps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set('staff', undefined)
    if (ANONYMOUS_ADMIN_PATHS.has(c.req.path)) return next()
    const token = bearerToken(c)
    if (token === undefined) throw new HttpError('UNAUTHENTICATED', 'Sign in first')
    const principal = token === null ? null : await authenticateStaff(deps, token)
    if (!principal) throw new HttpError('UNAUTHENTICATED', 'The session is unknown or has expired')
    c.set('staff', principal)
    return next()
  }
}

/** The signed-in staff member with one of `roles`, or 401/403. */
export function requireStaff(c: Context<AppEnv>, roles: readonly CloudRole[]): StaffPrincipal {
  const principal = c.var.staff
  if (!principal) throw new HttpError('UNAUTHENTICATED', 'Sign in first')
  if (!roles.includes(principal.role))
    throw new HttpError('FORBIDDEN', `This needs one of the roles: ${roles.join(', ')}`)
  return principal
}

/** Branches a staff member may see: all (`null`) or a branch manager's own. */
export const scopeOf = (principal: StaffPrincipal): BranchScope =>
  principal.role === 'branch-manager' ? principal.branchIds : null

/** 403 unless the staff member may act on `branchId`. */
export function assertBranchAccess(principal: StaffPrincipal, branchId: string): void {
  const scope = scopeOf(principal)
  if (scope !== null && !scope.includes(branchId))
    throw new HttpError('FORBIDDEN', `You are not a manager of branch ${branchId}`)
}

/** The signed-in customer, or 401. */
export async function requireCustomer(
  c: Context<AppEnv>,
  deps: CloudDeps,
): Promise<CustomerPrincipal> {
  const token = bearerToken(c)
  if (token === undefined) throw new HttpError('UNAUTHENTICATED', 'Sign in with your phone first')
  const principal = token === null ? null : await authenticateCustomer(deps, token)
  if (!principal) throw new HttpError('UNAUTHENTICATED', 'The session is unknown or has expired')
  return principal
}

/** The customer when a token is sent (401 if it is invalid), otherwise null. */
export async function optionalCustomer(
  c: Context<AppEnv>,
  deps: CloudDeps,
): Promise<CustomerPrincipal | null> {
  return bearerToken(c) === undefined ? null : requireCustomer(c, deps)
}

/** The client's address for throttling; `unknown` when not served by a socket (tests). */
export function clientAddress(c: Context<AppEnv>): string {
  const env: unknown = c.env
  if (typeof env !== 'object' || env === null || !('incoming' in env)) return 'unknown'
  const incoming = env.incoming as { socket?: { remoteAddress?: string } } | undefined
  return incoming?.socket?.remoteAddress ?? 'unknown'
}
