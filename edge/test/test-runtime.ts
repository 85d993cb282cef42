import type BetterSqlite3 from 'better-sqlite3'
import { pino, type Logger } from 'pino'
import { openDatabase, type EdgeDatabase } from '../src/db/open-database.js'
import type { IdSource } from '../src/usecases/ports.js'
import { startQueueRuntime, type RunningQueueRuntime } from '../src/usecases/queue-runtime.js'
import { fakeClock, type FakeClock } from './fake-clock.js'
import { fakeIds } from './fake-ids.js'
import { given, type Given } from './given.js'

export const TEST_NODE_ID = 'test-node-000001'

/** A real pino logger that keeps its lines for assertions. */
export function captureLog(): { log: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = []
  const log = pino(
    { level: 'debug' },
    { write: (line: string) => lines.push(JSON.parse(line) as Record<string, unknown>) },
  )
  return { log, lines }
}

export interface TestRuntime extends Disposable {
  readonly database: EdgeDatabase
  readonly runtime: RunningQueueRuntime
  readonly clock: FakeClock
  readonly ids: IdSource
  readonly given: Given
  readonly logLines: Record<string, unknown>[]
}

/**
 * A queue runtime on a real SQLite database (`:memory:` unless `path`), with a fake clock and ids.
 * Pass the previous run's `clock` and `ids` to restart on the same file.
 */
export function startTestRuntime(
  options: { path?: string; clock?: FakeClock; ids?: IdSource; snapshotEvery?: number } = {},
): TestRuntime {
  const database = openDatabase({ path: options.path ?? ':memory:' })
  const clock = options.clock ?? fakeClock()
  const ids = options.ids ?? fakeIds()
  const { log, lines } = captureLog()
  const runtime = startQueueRuntime({
    db: database,
    clock,
    ids,
    log,
    nodeId: TEST_NODE_ID,
    ...(options.snapshotEvery === undefined ? {} : { snapshotEvery: options.snapshotEvery }),
  })
  return {
    database,
    runtime,
    clock,
    ids,
    given: given({ runtime, ids }),
    logLines: lines,
    [Symbol.dispose]() {
      runtime.stop()
      database.close()
    },
  }
}

/** Row counts of the tables a command writes. */
export function tableCounts(sqlite: BetterSqlite3.Database): Record<string, number> {
  const tables = [
    'events',
    'sync_outbox',
    'command_log',
    'tickets',
    'daily_counters',
    'state_snapshots',
  ]
  return Object.fromEntries(
    tables.map((t) => [
      t,
      (sqlite.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n,
    ]),
  )
}

const PROJECTIONS: Record<string, string> = {
  tickets: 'id',
  services: 'id',
  counters: 'id',
  operators: 'id',
  daily_counters: 'day, service_id',
  branch: 'id',
  priority_policy: 'id',
}

/** Every projection table, every column, in key order: equal strings mean byte-identical tables. */
export function dumpProjections(sqlite: BetterSqlite3.Database): Record<string, string> {
  return Object.fromEntries(
    Object.entries(PROJECTIONS).map(([table, key]) => [
      table,
      JSON.stringify(sqlite.prepare(`SELECT * FROM ${table} ORDER BY ${key}`).raw().all()),
    ]),
  )
}
