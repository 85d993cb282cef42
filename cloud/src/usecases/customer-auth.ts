import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { and, desc, eq, gt, isNull, sql } from 'drizzle-orm'
import { v7 as uuidv7 } from 'uuid'
import { CloudError, maskPhone, type CustomerSession, type OtpAccepted } from '@kqms/shared/cloud'
import { customerOtps, customers, customerSessions } from '../db/schema.js'
import { enqueueMessage } from '../notify/outbox.js'
import type { CloudDeps } from './ports.js'

/**
 * Customer identity: a phone number proven by a one-time SMS code (sent through the outbox), then
 * an opaque session token of which only the sha256 is stored.
 */
export const OTP_RULES = {
  ttlMs: 5 * 60_000,
  /** Least time between two codes for one phone. */
  resendAfterMs: 60_000,
  /** Most codes per phone per hour (SMS cost, abuse). */
  maxPerHour: 5,
  /** Wrong guesses before a code is spent. */
  maxAttempts: 5,
  sessionTtlMs: 30 * 24 * 3_600_000,
} as const

export class OtpThrottled extends Error {
  override readonly name = 'OtpThrottled'
  readonly retryAfterSeconds: number
  constructor(retryAfterSeconds: number) {
    super('Too many codes requested for this phone; try again later')
    this.retryAfterSeconds = retryAfterSeconds
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex')
const hashCode = (phone: string, code: string): string => sha256(`${phone}:${code}`)
export const hashToken = sha256

export interface CustomerPrincipal {
  readonly customerId: string
  readonly phone: string
}

/** Sends a fresh code by SMS; refuses (OtpThrottled) when asked too often for the phone. */
export async function requestOtp(
  deps: CloudDeps,
  input: { phone: string; language: 'kk' | 'ru' | 'en' },
): Promise<OtpAccepted> {
  const now = deps.clock.now()
  return deps.db.transaction(async (tx) => {
    // One requester per phone at a time: the rate check and the insert are atomic.
    await tx.execute(
      sql`SELECT pg_advisory_xact_lock(hashtextextended(${`otp:${input.phone}`}, 0))`,
    )
    const recent = await tx
      .select({ createdAt: customerOtps.createdAt })
      .from(customerOtps)
      .where(and(eq(customerOtps.phone, input.phone), gt(customerOtps.createdAt, now - 3_600_000)))
      .orderBy(desc(customerOtps.createdAt))
    const last = recent[0]
    if (last && now - last.createdAt < OTP_RULES.resendAfterMs)
      throw new OtpThrottled(Math.ceil((last.createdAt + OTP_RULES.resendAfterMs - now) / 1000))
    const oldestInHour = recent[OTP_RULES.maxPerHour - 1]
    if (oldestInHour)
      throw new OtpThrottled(Math.ceil((oldestInHour.createdAt + 3_600_000 - now) / 1000))
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    // Earlier codes stop working once a new one is sent.
    await tx
      .update(customerOtps)
      .set({ usedAt: now })
      .where(and(eq(customerOtps.phone, input.phone), isNull(customerOtps.usedAt)))
    await tx.insert(customerOtps).values({
      id: uuidv7(),
      phone: input.phone,
      codeHash: hashCode(input.phone, code),
      createdAt: now,
      expiresAt: now + OTP_RULES.ttlMs,
    })
    await enqueueMessage(tx, {
      channel: 'sms',
      kind: 'otp',
      recipient: input.phone,
      language: input.language,
      data: { code, ttlMinutes: OTP_RULES.ttlMs / 60_000 },
      notBefore: now,
      createdAt: now,
    })
    deps.log.info({ recipient: maskPhone(input.phone) }, 'one-time code requested')
    return {
      expiresAt: new Date(now + OTP_RULES.ttlMs).toISOString(),
      resendAfterSeconds: OTP_RULES.resendAfterMs / 1000,
    }
  })
}

/** Checks the code; on success opens a customer session (creating the customer on first use). */
export async function verifyOtp(
  deps: CloudDeps,
  input: { phone: string; code: string },
): Promise<CustomerSession> {
  const now = deps.clock.now()
  const outcome = await deps.db.transaction(async (tx) => {
    const [otp] = await tx
      .select()
      .from(customerOtps)
      .where(
        and(
          eq(customerOtps.phone, input.phone),
          isNull(customerOtps.usedAt),
          gt(customerOtps.expiresAt, now),
        ),
      )
      .orderBy(desc(customerOtps.createdAt))
      .limit(1)
      .for('update')
    if (!otp) return { ok: false as const }
    const given = Buffer.from(hashCode(input.phone, input.code))
    const matches = timingSafeEqual(given, Buffer.from(otp.codeHash))
    if (!matches) {
      const attempts = otp.attempts + 1
      await tx
        .update(customerOtps)
        .set({ attempts, ...(attempts >= OTP_RULES.maxAttempts ? { usedAt: now } : {}) })
        .where(eq(customerOtps.id, otp.id))
      return { ok: false as const }
    }
    await tx.update(customerOtps).set({ usedAt: now }).where(eq(customerOtps.id, otp.id))
    await tx
      .insert(customers)
      .values({ id: uuidv7(), phone: input.phone, createdAt: now })
      .onConflictDoNothing()
    const [customer] = await tx.select().from(customers).where(eq(customers.phone, input.phone))
    if (!customer) throw new Error('customer row vanished')
    const token = randomBytes(32).toString('base64url')
    const expiresAt = now + OTP_RULES.sessionTtlMs
    await tx
      .insert(customerSessions)
      .values({ tokenHash: hashToken(token), customerId: customer.id, expiresAt })
    return { ok: true as const, token, expiresAt }
  })
  // Outside the transaction: a wrong code's attempt count must be committed, not rolled back.
  if (!outcome.ok)
    throw new CloudError('CODE_INVALID', 'The code is wrong or has expired; request a new one')
  return {
    token: outcome.token,
    expiresAt: new Date(outcome.expiresAt).toISOString(),
    phone: maskPhone(input.phone),
  }
}

/**
 * Sessions recently read, by database and token hash, so a signed-in customer's requests do not
 * each re-read the session. A session row never changes once written (no sign-out exists), so a
 * cached entry is exactly what the database says; its expiry is still checked against the clock on
 * every request. Entries live `SESSION_CACHE_TTL_MS`; call `forgetCustomerSessions()` when sessions
 * are removed (e.g. a future sign-out).
 */
export const SESSION_CACHE_TTL_MS = 10_000
const SESSION_CACHE_LIMIT = 10_000

interface CachedSession {
  readonly principal: CustomerPrincipal
  readonly expiresAt: number
  readonly cachedAt: number
}

let sessionCache = new WeakMap<object, Map<string, CachedSession>>()

export function forgetCustomerSessions(): void {
  sessionCache = new WeakMap()
}

/** The customer behind a bearer token, or null. */
export async function authenticateCustomer(
  deps: CloudDeps,
  token: string,
): Promise<CustomerPrincipal | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null
  const tokenHash = hashToken(token)
  let cache = sessionCache.get(deps.db)
  const hit = cache?.get(tokenHash)
  if (hit && performance.now() - hit.cachedAt < SESSION_CACHE_TTL_MS)
    return hit.expiresAt <= deps.clock.now() ? null : hit.principal
  const [row] = await deps.db
    .select({
      customerId: customers.id,
      phone: customers.phone,
      expiresAt: customerSessions.expiresAt,
    })
    .from(customerSessions)
    .innerJoin(customers, eq(customers.id, customerSessions.customerId))
    .where(eq(customerSessions.tokenHash, tokenHash))
  if (!row) return null
  const principal = { customerId: row.customerId, phone: row.phone }
  if (!cache) {
    cache = new Map()
    sessionCache.set(deps.db, cache)
  }
  if (cache.size >= SESSION_CACHE_LIMIT) cache.clear()
  cache.set(tokenHash, { principal, expiresAt: row.expiresAt, cachedAt: performance.now() })
  return row.expiresAt <= deps.clock.now() ? null : principal
}
