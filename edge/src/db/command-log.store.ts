import { eq, sql } from 'drizzle-orm'
import type { EdgeDb } from './open-database.js'
import { placeholders } from './prepared.js'
import { commandLog } from './schema.js'

export type CommandLogEntry = typeof commandLog.$inferSelect

/** Which idempotency keys were used, for what, and which events they produced. */
export function prepareCommandLog(db: EdgeDb) {
  const insert = db.insert(commandLog).values(placeholders(commandLog)).prepare()
  const find = db
    .select()
    .from(commandLog)
    .where(eq(commandLog.idempotencyKey, sql.placeholder('key')))
    .prepare()
  return {
    find(idempotencyKey: string): CommandLogEntry | null {
      return find.get({ key: idempotencyKey }) ?? null
    },
    insert(entry: CommandLogEntry): void {
      insert.run(entry)
    },
  }
}

export type CommandLog = ReturnType<typeof prepareCommandLog>
