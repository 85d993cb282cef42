import { is, sql, type SQL } from 'drizzle-orm'
import { NodePgDatabase } from 'drizzle-orm/node-postgres'
import { PgDialect } from 'drizzle-orm/pg-core'
import { PgliteDatabase } from 'drizzle-orm/pglite'
import pg from 'pg'
import type { CloudDb } from './open-database.js'

/**
 * One statement under a transaction-scoped advisory lock, in as few round trips as the driver
 * allows (the hot path of booking: the lock, then a statement that counts and inserts).
 *
 * - PostgreSQL: `BEGIN; SELECT pg_advisory_xact_lock(…); <statement>; COMMIT` as one simple-query
 *   message, one round trip instead of four. The statements still run one after another, each
 *   with its own snapshot (READ COMMITTED), so the statement sees every change committed before
 *   the lock was granted. The simple protocol takes no parameters: they are written as literals
 *   (`pg.escapeLiteral` for text, digits for safe integers, anything else refused).
 * - PGlite: one connection that runs each statement and transaction exclusively, so nothing can
 *   commit while the statement runs: the statement alone is atomic and needs no lock.
 * - Any other database: a drizzle transaction (lock, then statement).
 */
export async function runLockedStatement<TRow>(
  db: CloudDb,
  input: { lockKey: string; statement: SQL },
): Promise<TRow[]> {
  if (is(db, PgliteDatabase)) return rowsOf<TRow>(await db.execute(input.statement))
  const client: unknown = is(db, NodePgDatabase) ? (db as { $client?: unknown }).$client : null
  if (client instanceof pg.Pool) return lockedOnPool<TRow>(client, input)
  return db.transaction(async (tx) => {
    await tx.execute(lockSql(input.lockKey))
    return rowsOf<TRow>(await tx.execute(input.statement))
  })
}

/** Same key derivation as every other slot lock: they all exclude each other. */
const lockSql = (key: string): SQL => sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`

const rowsOf = <TRow>(result: unknown): TRow[] => (result as { rows: TRow[] }).rows

async function lockedOnPool<TRow>(
  pool: pg.Pool,
  input: { lockKey: string; statement: SQL },
): Promise<TRow[]> {
  const text = [
    'BEGIN',
    `SELECT pg_advisory_xact_lock(hashtextextended(${pg.escapeLiteral(input.lockKey)}, 0))`,
    inlineStatement(input.statement),
    'COMMIT',
  ].join(';\n')
  const client = await pool.connect()
  let results: pg.QueryResult[]
  try {
    results = (await client.query(text)) as unknown as pg.QueryResult[]
  } catch (error) {
    // PostgreSQL skipped the rest of the message: end the failed transaction before the
    // connection goes back to the pool (or drop the connection when even that fails).
    try {
      await client.query('ROLLBACK')
      client.release()
    } catch (rollbackError) {
      client.release(rollbackError instanceof Error ? rollbackError : true)
    }
    throw error
  }
  client.release()
  return (results[2]?.rows ?? []) as TRow[]
}

const dialect = new PgDialect()

/** `statement` with its parameters written in as SQL literals. */
export function inlineStatement(statement: SQL): string {
  const { sql: text, params } = dialect.sqlToQuery(statement)
  return text.replace(/\$(\d+)/g, (_match, n: string) => literal(params[Number(n) - 1]))
}

function literal(value: unknown): string {
  if (value === null) return 'NULL'
  if (typeof value === 'string') return pg.escapeLiteral(value)
  if (typeof value === 'number' && Number.isSafeInteger(value)) return `(${String(value)})`
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE'
  throw new TypeError(`a parameter that cannot be written as a literal: ${typeof value}`)
}
