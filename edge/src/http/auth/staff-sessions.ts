import { createHash, randomBytes } from 'node:crypto'
import type { LoginResponse, Role } from '@kqms/shared/api'
import type { EdgeDatabase } from '../../db/open-database.js'
import {
  deleteSession,
  findSession,
  findUserById,
  findUserByLogin,
  insertSession,
  touchSession,
} from '../../db/user.store.js'
import type { Clock, IdSource } from '../../usecases/ports.js'
import type { Session } from '../app-env.js'
import { HttpError } from '../errors.js'
import type { LoginThrottle } from '@kqms/server-kit/login-throttle'
import { burnVerification, verifySecret } from '@kqms/server-kit/password'
import { toSessionUser, toUserView } from './users.js'

/**
 * Staff accounts and sessions: scrypt-hashed secrets, random 32-byte bearer tokens of which only
 * the sha256 is stored, sliding expiry.
 */

export interface StaffAuthDeps {
  readonly db: EdgeDatabase
  readonly clock: Clock
  readonly ids: IdSource
}

export interface SessionDeps extends StaffAuthDeps {
  readonly sessionTtlMinutes: number
}

const ROLE_RANK: Record<Role, number> = { operator: 1, manager: 2, admin: 3 }

/** Whether a role includes another (operator < manager < admin). */
export const hasRole = (role: Role, required: Role): boolean =>
  ROLE_RANK[role] >= ROLE_RANK[required]

export const hashToken = (token: string): string =>
  createHash('sha256').update(token, 'utf8').digest('hex')

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/

export interface LoginInput {
  readonly login: string
  readonly secret: string
  /** The client's address, for throttling. */
  readonly ip: string
}

/** Checks the secret and opens a session; refuses while the login or address is throttled. */
export async function logIn(
  deps: SessionDeps & { readonly throttle: LoginThrottle },
  input: LoginInput,
): Promise<LoginResponse> {
  const retryAfterSeconds = deps.throttle.retryAfterSeconds(input)
  if (retryAfterSeconds > 0)
    throw new HttpError('TOO_MANY_ATTEMPTS', 'Too many failed sign-in attempts; try again later', {
      retryAfterSeconds,
    })
  const user = findUserByLogin(deps.db.db, input.login)
  let valid = false
  if (user) valid = await verifySecret(input.secret, user.secretHash)
  else await burnVerification(input.secret) // same timing as a known login
  if (!user || !valid || !user.active) {
    deps.throttle.recordFailure(input)
    throw new HttpError('UNAUTHENTICATED', 'Wrong login or secret')
  }
  deps.throttle.recordSuccess(input)
  const token = randomBytes(32).toString('base64url')
  const now = deps.clock.now()
  const expiresAt = now + deps.sessionTtlMinutes * 60_000
  insertSession(deps.db.db, {
    tokenHash: hashToken(token),
    userId: user.id,
    createdAt: now,
    expiresAt,
    lastSeenAt: now,
  })
  return { token, expiresAt: new Date(expiresAt).toISOString(), user: toUserView(user) }
}

/**
 * The session of a bearer token, its expiry slid forward; null when the token is unknown,
 * expired, or its account is gone or deactivated.
 */
export function authenticate(deps: SessionDeps, token: string): Session | null {
  if (!TOKEN_PATTERN.test(token)) return null
  return refreshSession(deps, hashToken(token))
}

/**
 * The session with this token hash, its expiry slid forward; null when unknown, expired, or its
 * account is gone or deactivated. Long-lived connections (MQTT) re-check their session with it.
 */
export function refreshSession(deps: SessionDeps, tokenHash: string): Session | null {
  const found = findSession(deps.db.db, tokenHash)
  const now = deps.clock.now()
  if (!found) return null
  if (found.expiresAt <= now) {
    deleteSession(deps.db.db, tokenHash)
    return null
  }
  const user = findUserById(deps.db.db, found.userId)
  if (!user?.active) return null
  const expiresAt = now + deps.sessionTtlMinutes * 60_000
  touchSession(deps.db.db, { tokenHash, lastSeenAt: now, expiresAt })
  return { user: toSessionUser(user), tokenHash, expiresAt }
}

export function logOut(deps: StaffAuthDeps, session: Session): void {
  deleteSession(deps.db.db, session.tokenHash)
}
