import { desc, lte, sql } from 'drizzle-orm'
import { emptyState, type QueueState } from '../domain/state.js'
import type { EdgeDb } from './open-database.js'
import { placeholders } from './prepared.js'
import { stateSnapshots } from './schema.js'

/**
 * Bump when `QueueState` or a value inside it (a `Ticket`…) changes shape: older snapshots are then
 * ignored and the runtime folds the whole log once (snapshots are a cache; the log is the truth).
 * Added or removed top-level fields are noticed without a bump.
 */
export const STATE_SNAPSHOT_FORMAT = 1
const STATE_FIELDS = Object.keys(emptyState()).sort().join()

/** Snapshots kept; older ones are deleted when a new one is written. */
const KEEP_SNAPSHOTS = 3

type MapField = {
  [K in keyof QueueState]: QueueState[K] extends ReadonlyMap<unknown, unknown> ? K : never
}[keyof QueueState]

// A Record, so that a new Map in `QueueState` fails the build until it is listed here.
const MAP_FIELDS = Object.keys({
  services: true,
  counters: true,
  operators: true,
  presence: true,
  lastSequence: true,
  tickets: true,
} satisfies Record<MapField, true>) as MapField[]

/** `QueueState` as JSON, its Maps written as entry arrays. */
export function serializeState(state: QueueState): string {
  const plain: Record<string, unknown> = { format: STATE_SNAPSHOT_FORMAT, ...state }
  for (const field of MAP_FIELDS) plain[field] = [...state[field]]
  return JSON.stringify(plain)
}

/** The state back from `serializeState`, or null for another format or a damaged snapshot. */
export function deserializeState(text: string): QueueState | null {
  let plain: unknown
  try {
    plain = JSON.parse(text)
  } catch {
    return null
  }
  if (typeof plain !== 'object' || plain === null) return null
  const record = plain as Record<string, unknown>
  if (record['format'] !== STATE_SNAPSHOT_FORMAT) return null
  const { format: _format, ...rest } = record
  if (Object.keys(rest).sort().join() !== STATE_FIELDS) return null
  for (const field of MAP_FIELDS) {
    const entries = rest[field]
    if (!Array.isArray(entries)) return null
    rest[field] = new Map(entries as [unknown, unknown][])
  }
  return rest as unknown as QueueState
}

export interface Snapshot {
  /** Last event folded into `state`. */
  readonly seq: number
  readonly takenAt: number
  readonly state: QueueState
}

export function prepareSnapshotStore(db: EdgeDb) {
  const insert = db.insert(stateSnapshots).values(placeholders(stateSnapshots)).prepare()
  const newest = db
    .select()
    .from(stateSnapshots)
    .where(lte(stateSnapshots.seq, sql.placeholder('maxSeq')))
    .orderBy(desc(stateSnapshots.seq))
    .limit(1)
    .prepare()
  const prune = db
    .delete(stateSnapshots)
    .where(
      sql`${stateSnapshots.seq} < (SELECT seq FROM ${stateSnapshots} ORDER BY seq DESC LIMIT 1 OFFSET ${KEEP_SNAPSHOTS - 1})`,
    )
    .prepare()

  return {
    /** Writes a snapshot and drops all but the newest few. */
    save(snapshot: Snapshot): void {
      insert.run({
        seq: snapshot.seq,
        takenAt: snapshot.takenAt,
        state: serializeState(snapshot.state),
      })
      prune.run()
    },
    /** The newest readable snapshot at or before `maxSeq` (the log's last event), if any. */
    latest(maxSeq: number): Snapshot | null {
      const row = newest.get({ maxSeq })
      if (!row) return null
      const state = deserializeState(row.state)
      return state ? { seq: row.seq, takenAt: row.takenAt, state } : null
    },
  }
}

export type SnapshotStore = ReturnType<typeof prepareSnapshotStore>
