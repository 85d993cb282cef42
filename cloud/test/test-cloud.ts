import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import pg from 'pg'
import pino from 'pino'
import { TOTP, Secret } from 'otpauth'
import { inject } from 'vitest'
import { openDatabase, truncateAll, type CloudDatabase } from '../src/db/open-database.js'
import { customerOtps, notificationOutbox } from '../src/db/schema.js'
import { DEMO_ADMIN_TOTP_SECRET, DEMO_USERS, seedDemo } from '../src/demo.js'
import { createHttpApp } from '../src/http/app.js'
import { createLoginThrottle } from '@kqms/server-kit/login-throttle'
import { loadSigningKey } from '../src/signing-keys.js'
import type { Clock, CloudDeps } from '../src/usecases/ports.js'

/** Both database drivers: every DB test runs on PGlite and on a real PostgreSQL server. */
export const DRIVERS = ['pglite', 'postgres'] as const
export type Driver = (typeof DRIVERS)[number]

const postgresUrl = (): string => inject('postgresUrl')

/** Whether a driver can run here; under CI=true PostgreSQL must be there (fail, never skip). */
export function driverAvailable(driver: Driver): boolean {
  if (driver === 'pglite') return true
  if (postgresUrl() !== '') return true
  if (process.env['CI'] === 'true') throw new Error('CI=true but no PostgreSQL cluster was started')
  return false
}

let skipNoticePrinted = false
/** `describe.each` over the drivers; the PostgreSQL half skips loudly without a server (not in CI). */
export function driversToRun(): Driver[] {
  return DRIVERS.filter((driver) => {
    const ok = driverAvailable(driver)
    if (!ok && !skipNoticePrinted) {
      skipNoticePrinted = true
      process.stderr.write(
        '*** cloud tests: no PostgreSQL cluster: SKIPPING the postgres driver ***\n',
      )
    }
    return ok
  })
}

async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: postgresUrl() })
  await admin.connect()
  try {
    await admin.query(text)
  } finally {
    await admin.end()
  }
}

/** A new, empty database in the test cluster; `drop()` removes it. */
export async function createPostgresDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `kqms_test_${randomBytes(6).toString('hex')}`
  await adminQuery(`CREATE DATABASE ${name}`)
  const url = new URL(postgresUrl())
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  }
}

/** A fresh database: PGlite in memory, or a new database in the test cluster (dropped on close). */
export async function openTestDatabase(driver: Driver): Promise<CloudDatabase> {
  if (driver === 'pglite') return openDatabase({ kind: 'pglite', dataDir: null })
  const created = await createPostgresDatabase()
  const database = await openDatabase({ kind: 'postgres', url: created.url, maxConnections: 60 })
  const close = async (): Promise<void> => {
    await database.close()
    await created.drop()
  }
  return { db: database.db, driver: 'postgres', close, [Symbol.asyncDispose]: close }
}

/** A clock the test moves. */
export class FakeClock implements Clock {
  #now: number
  constructor(start: number) {
    this.#now = start
  }
  now(): number {
    return this.#now
  }
  set(ms: number): void {
    this.#now = ms
  }
  advance(ms: number): void {
    this.#now += ms
  }
}

/** Monday 2 March 2026, 08:00 in Almaty (UTC+5): the demo branches open at 09:00. */
export const MONDAY_0800_ALMATY = Date.parse('2026-03-02T03:00:00Z')

export const silentLog = pino({ level: 'silent' })

export interface TestCloud {
  readonly deps: CloudDeps
  readonly clock: FakeClock
  readonly app: ReturnType<typeof createHttpApp>
  /** `app.request` with JSON in and out. */
  request(
    path: string,
    init?: {
      method?: string
      body?: unknown
      token?: string | null
      headers?: Record<string, string>
    },
  ): Promise<{ status: number; body: unknown; headers: Headers }>
  /** Signs a customer in by SMS code (read from the outbox, as the SMS provider would). */
  customerToken(phone: string): Promise<string>
  /** Signs a demo staff member in (the administrator with the demo TOTP secret). */
  staffToken(who: keyof typeof DEMO_USERS): Promise<string>
}

/** Resets the database, seeds the demo, builds the HTTP app on a fake clock. */
export async function createTestCloud(
  database: CloudDatabase,
  options: { now?: number; seed?: boolean } = {},
): Promise<TestCloud> {
  await truncateAll(database.db)
  const clock = new FakeClock(options.now ?? MONDAY_0800_ALMATY)
  const signingKey = await loadSigningKey({ keysDir: null, db: database.db, now: clock.now() })
  const deps: CloudDeps = {
    db: database.db,
    clock,
    log: silentLog,
    signingKey,
    settings: { branchReachableMinutes: 5, reminderHours: 2, publicBaseUrl: 'https://kq.example' },
  }
  if (options.seed !== false) await seedDemo(deps)
  const app = createHttpApp({
    ...deps,
    driver: database.driver,
    sessionTtlMinutes: 60,
    maxBodyBytes: 64 * 1024,
    consoleDir: '/nonexistent/console',
    throttle: createLoginThrottle({ clock }),
  })

  const request: TestCloud['request'] = async (path, init = {}) => {
    const headers: Record<string, string> = { ...init.headers }
    if (init.body !== undefined) headers['content-type'] ??= 'application/json'
    if (init.token) headers['authorization'] = `Bearer ${init.token}`
    const response = await app.request(path, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      ...(init.body === undefined
        ? {}
        : { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) }),
    })
    const text = await response.text()
    let body: unknown = text
    try {
      body = JSON.parse(text)
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body, headers: response.headers }
  }

  return {
    deps,
    clock,
    app,
    request,
    async customerToken(phone) {
      const sent = await request('/api/v1/auth/otp', { body: { phone, language: 'en' } })
      if (sent.status !== 202) throw new Error(`otp: ${sent.status} ${JSON.stringify(sent.body)}`)
      const code = await lastOtpCode(deps, phone)
      const verified = await request('/api/v1/auth/verify', { body: { phone, code } })
      if (verified.status !== 200) throw new Error(`verify: ${verified.status}`)
      return (verified.body as { token: string }).token
    },
    async staffToken(who) {
      const user = DEMO_USERS[who]
      const login = await request('/api/admin/auth/login', { body: user })
      const body = login.body as {
        status: string
        challengeId?: string
        session?: { token: string }
      }
      if (body.status === 'signed-in' && body.session) return body.session.token
      if (body.status !== 'totp-required')
        throw new Error(`login: ${login.status} ${JSON.stringify(body)}`)
      // A TOTP code is accepted once: each sign-in uses the next 30-second step.
      clock.advance(30_000)
      const code = totpCode(DEMO_ADMIN_TOTP_SECRET, clock.now())
      const done = await request('/api/admin/auth/totp', {
        body: { challengeId: body.challengeId, code },
      })
      if (done.status !== 200) throw new Error(`totp: ${done.status} ${JSON.stringify(done.body)}`)
      return (done.body as { token: string }).token
    },
  }
}

export function totpCode(secret: string, now: number): string {
  return new TOTP({
    secret: Secret.fromBase32(secret),
    digits: 6,
    period: 30,
    algorithm: 'SHA1',
  }).generate({
    timestamp: now,
  })
}

/** The code of the newest OTP SMS to `phone`, as the SMS provider would deliver it. */
export async function lastOtpCode(deps: CloudDeps, phone: string): Promise<string> {
  const rows = await deps.db
    .select()
    .from(notificationOutbox)
    .where(eq(notificationOutbox.recipient, phone))
  const otp = rows
    .filter((r) => r.kind === 'otp')
    .sort((a, b) => a.createdAt - b.createdAt)
    .at(-1)
  const data = otp?.payload['data'] as { code?: string } | undefined
  if (!data?.code) throw new Error(`no OTP sent to ${phone}`)
  return data.code
}

/** Number of OTP rows for a phone (rate-limit tests). */
export async function otpCount(deps: CloudDeps, phone: string): Promise<number> {
  return (await deps.db.select().from(customerOtps).where(eq(customerOtps.phone, phone))).length
}
