import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from './open-database.js'

const dirs: string[] = []
const tempDir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kqms-db-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

describe(openDatabase.name, () => {
  it('opens a file database durable against power loss: WAL, synchronous=FULL, foreign keys on', () => {
    using database = openDatabase({
      path: path.join(tempDir(), 'nested', 'folder', 'queue.sqlite'),
    })
    const pragma = (name: string): unknown => database.sqlite.pragma(name, { simple: true })

    expect(pragma('journal_mode')).toBe('wal')
    expect(pragma('synchronous')).toBe(2) // FULL
    expect(pragma('foreign_keys')).toBe(1)
    expect(pragma('busy_timeout')).toBe(5000)
  })

  it('applies migrations once and keeps the data when the file is opened again', () => {
    const file = path.join(tempDir(), 'queue.sqlite')
    const tables = (sqlite: ReturnType<typeof openDatabase>['sqlite']): string[] =>
      sqlite
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .pluck()
        .all() as string[]

    const first = openDatabase({ path: file })
    expect(tables(first.sqlite)).toEqual(
      expect.arrayContaining([
        'events',
        'command_log',
        'sync_outbox',
        'tickets',
        'users',
        'sessions',
        'devices',
        'pairing_codes',
      ]),
    )
    first.sqlite.prepare("INSERT INTO sync_state (key, value) VALUES ('hlc', 'kept')").run()
    const tablesBefore = tables(first.sqlite)
    first.close()

    using second = openDatabase({ path: file })
    expect(tables(second.sqlite)).toEqual(tablesBefore)
    // One row per migration in the journal: nothing ran twice.
    const journal = JSON.parse(
      readFileSync(new URL('../../drizzle/meta/_journal.json', import.meta.url), 'utf8'),
    ) as { entries: unknown[] }
    expect(second.sqlite.prepare('SELECT count(*) FROM __drizzle_migrations').pluck().get()).toBe(
      journal.entries.length,
    )
    expect(
      second.sqlite.prepare("SELECT value FROM sync_state WHERE key = 'hlc'").pluck().get(),
    ).toBe('kept')
  })

  it('enforces foreign keys: a session needs its user', () => {
    using database = openDatabase({ path: ':memory:' })
    const insertSession = () =>
      database.sqlite.prepare("INSERT INTO sessions VALUES ('hash', 'nobody', 0, 1, 0)").run()
    expect(insertSession).toThrow(/FOREIGN KEY/)
  })
})
