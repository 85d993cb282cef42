import { getTableColumns, sql, type Placeholder, type SQL } from 'drizzle-orm'
import type { SQLiteTable, SQLiteUpdateSetSource } from 'drizzle-orm/sqlite-core'

type Columns<T extends SQLiteTable> = keyof T['$inferInsert'] & string

/**
 * `{ column: sql.placeholder('column') }` for every column of a table (but `omit`, e.g. an
 * autoincrement key), so one prepared statement serves every row and values still pass through
 * drizzle's column encoders (booleans → 0/1).
 */
export function placeholders<T extends SQLiteTable, O extends Columns<T> = never>(
  table: T,
  omit: readonly O[] = [],
): { [K in Exclude<Columns<T>, O>]: Placeholder<K> } {
  const entries = Object.keys(getTableColumns(table))
    .filter((key) => !omit.includes(key as O))
    .map((key) => [key, sql.placeholder(key)])
  return Object.fromEntries(entries) as { [K in Exclude<Columns<T>, O>]: Placeholder<K> }
}

/** `SET column = excluded.column` for an upsert, for every column but the conflict target. */
export function excludedColumns<T extends SQLiteTable>(
  table: T,
  except: readonly Columns<T>[],
): Partial<Record<Columns<T>, SQL>> {
  const entries = Object.entries(getTableColumns(table))
    .filter(([key]) => !except.includes(key as Columns<T>))
    .map(([key, column]) => [key, sql.raw(`excluded."${column.name}"`)])
  return Object.fromEntries(entries) as Partial<Record<Columns<T>, SQL>>
}

/**
 * Placeholders for `update().set()`. At run time drizzle binds them through the column encoders
 * exactly as insert values, but its types (0.45) only admit values and SQL there, hence the cast.
 */
export function placeholderSet<T extends SQLiteTable>(
  table: T,
  except: readonly Columns<T>[],
): SQLiteUpdateSetSource<T> {
  const entries = Object.keys(getTableColumns(table))
    .filter((key) => !except.includes(key as Columns<T>))
    .map((key) => [key, sql.placeholder(key)])
  return Object.fromEntries(entries) as SQLiteUpdateSetSource<T>
}
