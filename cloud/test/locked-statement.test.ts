import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { inlineStatement, runLockedStatement } from '../src/db/locked-statement.js'
import type { CloudDatabase } from '../src/db/open-database.js'
import { driversToRun, openTestDatabase } from './test-cloud.js'

describe(inlineStatement.name, () => {
  it('writes text as escaped literals and integers as digits', () => {
    expect(inlineStatement(sql`SELECT ${"it's"}, ${42}::bigint, ${-7}, ${null}`)).toBe(
      "SELECT 'it''s', (42)::bigint, (-7), NULL",
    )
    expect(inlineStatement(sql`SELECT ${'back\\slash'}`)).toBe("SELECT  E'back\\\\slash'")
  })

  it('refuses parameters it cannot write exactly', () => {
    expect(() => inlineStatement(sql`SELECT ${1.5}`)).toThrow(TypeError)
    expect(() => inlineStatement(sql`SELECT ${2 ** 60}`)).toThrow(TypeError)
    expect(() => inlineStatement(sql`SELECT ${{ a: 1 }}`)).toThrow(TypeError)
  })
})

describe.each(driversToRun())('%s: runLockedStatement', (driver) => {
  let database: CloudDatabase
  beforeAll(async () => {
    database = await openTestDatabase(driver)
  })
  afterAll(async () => {
    await database.close()
  })

  it('returns hostile text exactly as given (no injection through the literals)', async () => {
    const hostile = `it's \\'; DROP TABLE appointments; -- $1 "x" ${'\u00e9'}`
    const rows = await runLockedStatement<{ v: string }>(database.db, {
      lockKey: 'test:hostile',
      statement: sql`SELECT ${hostile}::text AS v`,
    })
    expect(rows).toEqual([{ v: hostile }])
  })

  it('holds the advisory lock while the statement runs on PostgreSQL (PGlite needs none)', async () => {
    const [row] = await runLockedStatement<{ n: string | number }>(database.db, {
      lockKey: 'test:held',
      statement: sql`SELECT count(*) AS n FROM pg_locks
                     WHERE locktype = 'advisory' AND pid = pg_backend_pid()`,
    })
    expect(Number(row?.n)).toBe(driver === 'postgres' ? 1 : 0)
  })

  it('after a failing statement, the lock is free and connections are clean', async () => {
    for (let n = 0; n < 3; n++)
      await expect(
        runLockedStatement(database.db, {
          lockKey: 'test:fails',
          statement: sql`SELECT 1 / ${0} AS v`,
        }),
      ).rejects.toThrow()
    // Many at once on the same key: no pooled connection is left in a failed transaction (its
    // next BEGIN would fail) and the lock is not stuck.
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, n) =>
        runLockedStatement<{ v: number }>(database.db, {
          lockKey: 'test:fails',
          statement: sql`SELECT ${n}::int AS v`,
        }),
      ),
    )
    expect(results.map((rows) => rows[0]?.v)).toEqual(Array.from({ length: 30 }, (_, n) => n))
  })
})
