import { mkdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { PGlite } from '@electric-sql/pglite'
import { sql } from 'drizzle-orm'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator'
import pg from 'pg'
import { invalidateConfiguration } from '../usecases/config-cache.js'
import { forgetCustomerSessions } from '../usecases/customer-auth.js'
import * as schema from './schema.js'

/** The cloud's database through drizzle, whichever driver is underneath. */
export type CloudDb = PgDatabase<PgQueryResultHKT, typeof schema>
/** A transaction or the database itself: stores accept either. */
export type CloudTx = Parameters<Parameters<CloudDb['transaction']>[0]>[0] | CloudDb

export type DatabaseTarget =
  | {
      readonly kind: 'pglite'
      /** A folder, or `null` for an in-memory database. */ readonly dataDir: string | null
    }
  | { readonly kind: 'postgres'; readonly url: string; readonly maxConnections?: number }

export interface CloudDatabase extends AsyncDisposable {
  readonly db: CloudDb
  readonly driver: 'pglite' | 'postgres'
  close(): Promise<void>
}

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url))
/** Advisory lock key held while migrating (any fixed 64-bit number unique to KQMS). */
const MIGRATION_LOCK_KEY = 73_027_751

/**
 * Opens the cloud database and applies the committed migrations: embedded PGlite in a data folder
 * (the default: `pnpm start` needs no server) or PostgreSQL through a connection pool.
 */
export async function openDatabase(target: DatabaseTarget): Promise<CloudDatabase> {
  if (target.kind === 'pglite') {
    if (target.dataDir !== null) mkdirSync(target.dataDir, { recursive: true })
    const client = await PGlite.create(target.dataDir ?? undefined)
    const close = async (): Promise<void> => {
      if (!client.closed) await client.close()
    }
    try {
      const db = drizzlePglite({ client, schema })
      await migratePglite(db, { migrationsFolder: MIGRATIONS_FOLDER })
      return { db: db as unknown as CloudDb, driver: 'pglite', close, [Symbol.asyncDispose]: close }
    } catch (error) {
      await close()
      throw error
    }
  }
  const pool = new pg.Pool({
    connectionString: target.url,
    max: target.maxConnections ?? 20,
    // A request waits at most this long for a connection, then fails instead of hanging.
    connectionTimeoutMillis: 10_000,
  })
  // An idle client's error (server restart) must not crash the process; the next query reconnects.
  pool.on('error', ignoreIdleClientError)
  let closed = false
  const close = async (): Promise<void> => {
    if (closed) return
    closed = true
    await pool.end()
  }
  try {
    const db = drizzlePg({ client: pool, schema })
    // Several cloud instances may start at once: one migrates while the others wait on the lock.
    const lock = await pool.connect()
    try {
      await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY])
      await migratePg(db, { migrationsFolder: MIGRATIONS_FOLDER })
    } finally {
      await lock.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined)
      lock.release()
    }
    return { db: db as unknown as CloudDb, driver: 'postgres', close, [Symbol.asyncDispose]: close }
  } catch (error) {
    await close()
    throw error
  }
}

function ignoreIdleClientError(): void {
  // pg emits `error` for an idle pooled client whose server went away; the pool replaces it.
}

/** Every table of the schema, for tests that reset the database between cases. */
export async function truncateAll(db: CloudDb): Promise<void> {
  const tables = [
    'audit_log',
    'notification_outbox',
    'webhooks',
    'devices',
    'appliances',
    'remote_join_requests',
    'appointments',
    'customer_sessions',
    'customer_otps',
    'customers',
    'login_challenges',
    'staff_sessions',
    'staff_users',
    'operators',
    'config_versions',
    'settings',
    'branch_services',
    'services',
    'branch_sync_state',
    'branches',
    'signing_keys',
  ]
  await db.execute(sql.raw(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY CASCADE`))
  invalidateConfiguration()
  forgetCustomerSessions()
}

/** Rows of a raw query, the same on both drivers. */
export async function queryRows<TRow>(db: CloudTx, query: ReturnType<typeof sql>): Promise<TRow[]> {
  const result = await db.execute(query)
  return (result as { rows: TRow[] }).rows
}
