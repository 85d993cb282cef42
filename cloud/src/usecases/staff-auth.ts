import { createHash, randomBytes } from 'node:crypto'
import { asc, eq } from 'drizzle-orm'
import { Secret, TOTP } from 'otpauth'
import { v7 as uuidv7 } from 'uuid'
import {
  CloudError,
  type CreateStaffUserRequest,
  type StaffLoginResponse,
  type StaffSessionView,
  type StaffUserView,
  type UpdateStaffUserRequest,
} from '@kqms/shared/cloud'
import type { BranchId } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import { loginChallenges, staffSessions, staffUsers } from '../db/schema.js'
import { burnVerification, hashSecret, verifySecret } from '@kqms/server-kit/password'
import { recordAudit } from './audit.js'
import type { Actor, CloudDeps } from './ports.js'

/**
 * Staff accounts of the central console: scrypt-hashed passwords, TOTP as the second factor of
 * central administrators, opaque session tokens (only their sha256 stored) with sliding expiry.
 */
type UserRow = typeof staffUsers.$inferSelect

export interface StaffPrincipal {
  readonly id: string
  readonly email: string
  readonly displayName: string
  readonly role: UserRow['role']
  readonly branchIds: readonly string[]
  readonly sessionExpiresAt: number
}

export const CHALLENGE_TTL_MS = 5 * 60_000
const CHALLENGE_MAX_ATTEMPTS = 5
const TOTP_ISSUER = 'KQMS'

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')
const iso = (ms: number): string => new Date(ms).toISOString()
const normaliseEmail = (email: string): string => email.trim().toLowerCase()

export const requiresTotp = (role: UserRow['role']): boolean => role === 'central-admin'

export const toUserView = (row: UserRow): StaffUserView => ({
  id: row.id,
  email: row.email,
  displayName: row.displayName,
  role: row.role,
  branchIds: row.branchIds as BranchId[],
  totpEnrolled: row.totpSecret !== null,
  disabled: row.disabled,
  createdAt: iso(row.createdAt),
})

const totpFor = (email: string, secret: string): TOTP =>
  new TOTP({
    issuer: TOTP_ISSUER,
    label: email,
    algorithm: 'SHA1',
    digits: 6,
    period: 30,
    secret: Secret.fromBase32(secret),
  })

const TOTP_PERIOD_MS = 30_000

/**
 * The time step of `code` when it is the TOTP of `secret` at `now` (±1 step for clock drift) and
 * newer than `lastStep` (a code is accepted once); otherwise null.
 */
export function acceptTotp(input: {
  email: string
  secret: string
  code: string
  now: number
  lastStep: number | null
}): number | null {
  const delta = totpFor(input.email, input.secret).validate({
    token: input.code,
    timestamp: input.now,
    window: 1,
  })
  if (delta === null) return null
  const step = Math.floor(input.now / TOTP_PERIOD_MS) + delta
  return input.lastStep !== null && step <= input.lastStep ? null : step
}

/** Outcome of the password step, before any HTTP status is chosen. */
export type PasswordOutcome =
  { kind: 'rejected' } | { kind: 'accepted'; response: StaffLoginResponse }

async function openSession(
  deps: CloudDeps & { sessionTtlMinutes: number },
  user: UserRow,
): Promise<StaffSessionView> {
  const now = deps.clock.now()
  const token = randomBytes(32).toString('base64url')
  const expiresAt = now + deps.sessionTtlMinutes * 60_000
  await deps.db
    .insert(staffSessions)
    .values({ tokenHash: sha256(token), userId: user.id, createdAt: now, expiresAt })
  return { token, expiresAt: iso(expiresAt), user: toUserView(user) }
}

/** Password step: signs in, or opens a TOTP challenge (enrolment on an administrator's first sign-in). */
export async function checkPassword(
  deps: CloudDeps & { sessionTtlMinutes: number },
  input: { email: string; password: string },
): Promise<PasswordOutcome> {
  const [user] = await deps.db
    .select()
    .from(staffUsers)
    .where(eq(staffUsers.email, normaliseEmail(input.email)))
  if (!user) {
    await burnVerification(input.password)
    return { kind: 'rejected' }
  }
  const ok = await verifySecret(input.password, user.passwordHash)
  if (!ok || user.disabled) return { kind: 'rejected' }
  if (!requiresTotp(user.role))
    return {
      kind: 'accepted',
      response: { status: 'signed-in', session: await openSession(deps, user) },
    }
  const now = deps.clock.now()
  const challengeId = randomBytes(24).toString('base64url')
  const expiresAt = now + CHALLENGE_TTL_MS
  const pendingSecret = user.totpSecret === null ? new Secret({ size: 20 }).base32 : null
  await deps.db
    .insert(loginChallenges)
    .values({ idHash: sha256(challengeId), userId: user.id, pendingSecret, expiresAt })
  if (pendingSecret === null)
    return {
      kind: 'accepted',
      response: { status: 'totp-required', challengeId, expiresAt: iso(expiresAt) },
    }
  return {
    kind: 'accepted',
    response: {
      status: 'totp-enrolment-required',
      challengeId,
      expiresAt: iso(expiresAt),
      secret: pendingSecret,
      otpauthUrl: totpFor(user.email, pendingSecret).toString(),
    },
  }
}

/** TOTP step: a matching code completes the sign-in (and the enrolment on first use). */
export async function completeTotp(
  deps: CloudDeps & { sessionTtlMinutes: number },
  input: { challengeId: string; code: string },
): Promise<{ user: UserRow; session: StaffSessionView }> {
  const now = deps.clock.now()
  const idHash = sha256(input.challengeId)
  const user = await deps.db.transaction(async (tx) => {
    const [challenge] = await tx
      .select()
      .from(loginChallenges)
      .where(eq(loginChallenges.idHash, idHash))
      .for('update')
    if (!challenge || challenge.expiresAt <= now || challenge.attempts >= CHALLENGE_MAX_ATTEMPTS)
      return null
    const [user] = await tx
      .select()
      .from(staffUsers)
      .where(eq(staffUsers.id, challenge.userId))
      .for('update')
    const secret = challenge.pendingSecret ?? user?.totpSecret ?? null
    if (!user || user.disabled || secret === null) return null
    const step = acceptTotp({
      email: user.email,
      secret,
      code: input.code,
      now,
      lastStep: challenge.pendingSecret === null ? user.totpLastStep : null,
    })
    if (step === null) {
      await tx
        .update(loginChallenges)
        .set({ attempts: challenge.attempts + 1 })
        .where(eq(loginChallenges.idHash, idHash))
      return null
    }
    await tx.delete(loginChallenges).where(eq(loginChallenges.idHash, idHash))
    if (challenge.pendingSecret === null) {
      await tx.update(staffUsers).set({ totpLastStep: step }).where(eq(staffUsers.id, user.id))
      return user
    }
    const enrolled = {
      ...user,
      totpSecret: challenge.pendingSecret,
      totpLastStep: step,
      updatedAt: now,
    }
    await tx
      .update(staffUsers)
      .set({ totpSecret: enrolled.totpSecret, totpLastStep: step, updatedAt: now })
      .where(eq(staffUsers.id, user.id))
    await recordAudit(tx, {
      actor: { id: user.id, email: user.email },
      at: now,
      action: 'user.totp-enrol',
      entity: 'user',
      entityId: user.id,
      before: { totpSecret: null },
      after: { totpSecret: enrolled.totpSecret },
    })
    return enrolled
  })
  if (user === null)
    throw new CloudError(
      'CODE_INVALID',
      'The code is wrong, or the sign-in has expired; sign in again',
    )
  return { user, session: await openSession(deps, user) }
}

/** The staff member behind a bearer token, with sliding expiry; null when unknown or expired. */
export async function authenticateStaff(
  deps: CloudDeps & { sessionTtlMinutes: number },
  token: string,
): Promise<StaffPrincipal | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null
  const tokenHash = sha256(token)
  const [row] = await deps.db
    .select({ user: staffUsers, expiresAt: staffSessions.expiresAt })
    .from(staffSessions)
    .innerJoin(staffUsers, eq(staffUsers.id, staffSessions.userId))
    .where(eq(staffSessions.tokenHash, tokenHash))
  const now = deps.clock.now()
  if (!row || row.expiresAt <= now || row.user.disabled) return null
  const ttlMs = deps.sessionTtlMinutes * 60_000
  let expiresAt = row.expiresAt
  // Slide only when half the lifetime is used: one write per half-TTL, not per request.
  if (expiresAt - now < ttlMs / 2) {
    expiresAt = now + ttlMs
    await deps.db
      .update(staffSessions)
      .set({ expiresAt })
      .where(eq(staffSessions.tokenHash, tokenHash))
  }
  return {
    id: row.user.id,
    email: row.user.email,
    displayName: row.user.displayName,
    role: row.user.role,
    branchIds: row.user.branchIds,
    sessionExpiresAt: expiresAt,
  }
}

export async function logOut(deps: CloudDeps, token: string): Promise<void> {
  await deps.db.delete(staffSessions).where(eq(staffSessions.tokenHash, sha256(token)))
}

export async function getUserOrThrow(deps: CloudDeps, id: string): Promise<UserRow> {
  const [row] = await deps.db.select().from(staffUsers).where(eq(staffUsers.id, id))
  if (!row) throw new DomainError('NOT_FOUND', `No user ${id}`)
  return row
}

export async function listUsers(deps: CloudDeps): Promise<StaffUserView[]> {
  const rows = await deps.db.select().from(staffUsers).orderBy(asc(staffUsers.email))
  return rows.map(toUserView)
}

function checkScope(role: UserRow['role'], branchIds: readonly string[]): void {
  if (role === 'branch-manager' && branchIds.length === 0)
    throw new DomainError('INVALID_CONFIGURATION', 'A branch manager needs at least one branch')
}

/** Creates a staff account (also used by the bootstrap and demo seed, with `actor: null`). */
export async function createUser(
  deps: Pick<CloudDeps, 'db' | 'clock'>,
  input: { actor: Actor | null; user: CreateStaffUserRequest; totpSecret?: string },
): Promise<StaffUserView> {
  const branchIds = input.user.role === 'branch-manager' ? [...new Set(input.user.branchIds)] : []
  checkScope(input.user.role, branchIds)
  const now = deps.clock.now()
  const row: UserRow = {
    id: uuidv7(),
    email: normaliseEmail(input.user.email),
    displayName: input.user.displayName,
    role: input.user.role,
    branchIds,
    passwordHash: await hashSecret(input.user.password),
    totpSecret: input.totpSecret ?? null,
    totpLastStep: null,
    disabled: false,
    createdAt: now,
    updatedAt: now,
  }
  await deps.db.transaction(async (tx) => {
    const inserted = await tx
      .insert(staffUsers)
      .values(row)
      .onConflictDoNothing()
      .returning({ id: staffUsers.id })
    if (inserted.length === 0)
      throw new DomainError('CONFLICT', `A user ${row.email} exists already`)
    await recordAudit(tx, {
      actor: input.actor,
      at: now,
      action: 'user.create',
      entity: 'user',
      entityId: row.id,
      before: null,
      after: row,
    })
  })
  return toUserView(row)
}

export async function updateUser(
  deps: CloudDeps,
  input: { actor: Actor; id: string; patch: UpdateStaffUserRequest },
): Promise<StaffUserView> {
  const now = deps.clock.now()
  const { patch } = input
  const passwordHash = patch.password === undefined ? undefined : await hashSecret(patch.password)
  return deps.db.transaction(async (tx) => {
    const [before] = await tx
      .select()
      .from(staffUsers)
      .where(eq(staffUsers.id, input.id))
      .for('update')
    if (!before) throw new DomainError('NOT_FOUND', `No user ${input.id}`)
    if (
      input.id === input.actor.id &&
      (patch.disabled === true || (patch.role !== undefined && patch.role !== before.role))
    )
      throw new DomainError('CONFLICT', 'You cannot disable yourself or change your own role')
    const role = patch.role ?? before.role
    const branchIds =
      role === 'branch-manager' ? [...new Set(patch.branchIds ?? before.branchIds)] : []
    checkScope(role, branchIds)
    const after: UserRow = {
      ...before,
      displayName: patch.displayName ?? before.displayName,
      role,
      branchIds,
      disabled: patch.disabled ?? before.disabled,
      passwordHash: passwordHash ?? before.passwordHash,
      totpSecret: patch.resetTotp ? null : before.totpSecret,
      totpLastStep: patch.resetTotp ? null : before.totpLastStep,
      updatedAt: now,
    }
    await tx.update(staffUsers).set(after).where(eq(staffUsers.id, input.id))
    // A changed password, role or disabled account ends the user's sessions.
    if (passwordHash !== undefined || after.disabled || role !== before.role || patch.resetTotp)
      await tx.delete(staffSessions).where(eq(staffSessions.userId, input.id))
    await recordAudit(tx, {
      actor: input.actor,
      at: now,
      action: 'user.update',
      entity: 'user',
      entityId: input.id,
      before,
      after,
    })
    return toUserView(after)
  })
}
