import { parseHlc, toHlcString, type Hlc } from '@kqms/shared/sync'
import { eq, sql } from 'drizzle-orm'
import type { EdgeDb } from './open-database.js'
import { excludedColumns, placeholders } from './prepared.js'
import { syncOutbox, syncState } from './schema.js'

/** A queue event for the cloud (sync class A), written in the same transaction as the event. */
export interface OutboxEvent {
  /** The event id: the cloud inserts each change once by it. */
  readonly eventId: string
  /** The event's canonical JSON, exactly as in the log. */
  readonly payload: string
  readonly hlc: Hlc
  readonly schemaVersion: number
  readonly createdAt: number
}

const HLC_KEY = 'hlc'

/** The transactional outbox and the sync key/value state (design/sync.md §9.2). */
export function prepareSyncStore(db: EdgeDb) {
  const insertOutbox = db
    .insert(syncOutbox)
    .values({
      changeId: sql.placeholder('changeId'),
      class: 'A',
      entity: 'queue_event',
      entityId: sql.placeholder('changeId'),
      op: 'event',
      data: sql.placeholder('data'),
      hlcMs: sql.placeholder('hlcMs'),
      hlcC: sql.placeholder('hlcC'),
      hlcNode: sql.placeholder('hlcNode'),
      schemaVersion: sql.placeholder('schemaVersion'),
      createdAt: sql.placeholder('createdAt'),
    })
    .prepare()
  const setValue = db
    .insert(syncState)
    .values(placeholders(syncState))
    .onConflictDoUpdate({ target: syncState.key, set: excludedColumns(syncState, ['key']) })
    .prepare()
  const getValue = db
    .select({ value: syncState.value })
    .from(syncState)
    .where(eq(syncState.key, sql.placeholder('key')))
    .prepare()

  return {
    appendEvent(input: OutboxEvent): void {
      insertOutbox.run({
        changeId: input.eventId,
        data: input.payload,
        hlcMs: input.hlc.l,
        hlcC: input.hlc.c,
        hlcNode: input.hlc.node,
        schemaVersion: input.schemaVersion,
        createdAt: input.createdAt,
      })
    },
    /** The clock as last saved, or null on a new appliance. */
    loadHlc(): Hlc | null {
      const row = getValue.get({ key: HLC_KEY })
      return row ? parseHlc(row.value) : null
    },
    /** Save it in the same transaction as the writes it stamped (design/sync.md §9.1 rule 1). */
    saveHlc(hlc: Hlc): void {
      setValue.run({ key: HLC_KEY, value: toHlcString(hlc) })
    },
  }
}

export type SyncStore = ReturnType<typeof prepareSyncStore>
