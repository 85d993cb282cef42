import { sql } from 'drizzle-orm'
import { describe, expect, it } from 'vitest'
import { openDatabase, queryRows } from '../src/db/open-database.js'
import { createPostgresDatabase, driversToRun, openTestDatabase } from './test-cloud.js'

describe.each(driversToRun())('migrations on %s', (driver) => {
  it('apply cleanly to an empty database and create every table', async () => {
    await using database = await openTestDatabase(driver)
    const tables = await queryRows<{ table_name: string }>(
      database.db,
      sql`SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    )
    expect(tables.map((t) => t.table_name)).toEqual([
      'appliances',
      'appointments',
      'audit_log',
      'branch_services',
      'branch_sync_state',
      'branches',
      'config_versions',
      'customer_otps',
      'customer_sessions',
      'customers',
      'devices',
      'login_challenges',
      'notification_outbox',
      'operators',
      'remote_join_requests',
      'services',
      'settings',
      'signing_keys',
      'staff_sessions',
      'staff_users',
      'webhooks',
    ])
    const applied = await queryRows<{ n: string | number }>(
      database.db,
      sql`SELECT count(*) AS n FROM drizzle.__drizzle_migrations`,
    )
    expect(Number(applied[0]?.n)).toBeGreaterThan(0)
  })
})

describe.runIf(driversToRun().includes('postgres'))(
  'migrations of instances starting together',
  () => {
    it('migrate once while the other instances wait, and all of them start', async () => {
      const created = await createPostgresDatabase()
      try {
        const opened = await Promise.all(
          [1, 2, 3].map(() =>
            openDatabase({ kind: 'postgres', url: created.url, maxConnections: 3 }),
          ),
        )
        const rows = await queryRows<{ n: string | number }>(
          opened[0]?.db ?? (await Promise.reject(new Error('not opened'))),
          sql`SELECT count(*) AS n FROM drizzle.__drizzle_migrations`,
        )
        expect(Number(rows[0]?.n)).toBe(1)
        await Promise.all(opened.map((d) => d.close()))
      } finally {
        await created.drop()
      }
    })
  },
)
