import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import BetterSqlite3 from 'better-sqlite3'
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'
import * as schema from './schema.js'

export type EdgeDb = BetterSQLite3Database<typeof schema>

export interface EdgeDatabase extends Disposable {
  /** The raw connection: transactions and pragmas. */
  readonly sqlite: BetterSqlite3.Database
  readonly db: EdgeDb
  close(): void
}

const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../drizzle', import.meta.url))

/**
 * Opens the queue database (a file path or `:memory:`) and brings its schema up to date.
 * WAL with `synchronous=FULL`: a ticket acknowledged to the kiosk survives a power cut.
 */
export function openDatabase(options: { path: string }): EdgeDatabase {
  const inMemory = options.path === ':memory:'
  if (!inMemory) mkdirSync(dirname(options.path), { recursive: true })
  const sqlite = new BetterSqlite3(options.path)
  try {
    sqlite.pragma('journal_mode = WAL')
    sqlite.pragma('synchronous = FULL')
    sqlite.pragma('foreign_keys = ON')
    sqlite.pragma('busy_timeout = 5000')
    const db = drizzle({ client: sqlite, schema })
    migrate(db, { migrationsFolder: MIGRATIONS_FOLDER })
    const close = (): void => {
      if (sqlite.open) sqlite.close()
    }
    return { sqlite, db, close, [Symbol.dispose]: close }
  } catch (error) {
    sqlite.close()
    throw error
  }
}
