import type { Logger } from 'pino'
import type { CloudDb } from '../db/open-database.js'
import type { JsonWebKey } from '../tokens/appointment-token.js'

/** The clock: use cases never read `Date.now()` themselves (tests pass a fake). */
export interface Clock {
  now(): number
}

export const systemClock: Clock = { now: () => Date.now() }

/** The appointment QR signing key: private half in the keys folder, public halves in the database. */
export interface SigningKey {
  readonly privateJwk: JsonWebKey
  readonly publicJwk: JsonWebKey
  readonly keyId: string
}

/** Business settings the use cases read (from configuration). */
export interface UseCaseSettings {
  /** A branch that has not synced within this many minutes is unreachable for remote join. */
  readonly branchReachableMinutes: number
  /** Appointment reminders are scheduled this many hours before the start. */
  readonly reminderHours: number
  readonly publicBaseUrl: string
}

/** What every use case gets: the database, a clock, a logger, settings and the signing key. */
export interface CloudDeps {
  readonly db: CloudDb
  readonly clock: Clock
  readonly log: Logger
  readonly settings: UseCaseSettings
  readonly signingKey: SigningKey
}

/** The staff member behind an administrative change (for the audit log). */
export interface Actor {
  readonly id: string
  readonly email: string
}
