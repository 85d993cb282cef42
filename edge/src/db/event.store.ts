import { QueueEvent } from '@kqms/shared/domain'
import { and, asc, count, gt, gte, lte, max, sql } from 'drizzle-orm'
import type { EdgeDb } from './open-database.js'
import { placeholders } from './prepared.js'
import { events } from './schema.js'

/** One row of the event log, payload parsed. */
export interface EventRecord {
  readonly seq: number
  readonly id: string
  readonly hlc: string
  readonly idempotencyKey: string
  readonly version: number
  readonly event: QueueEvent
}

export interface NewEvent {
  readonly id: string
  readonly hlc: string
  readonly idempotencyKey: string
  readonly version: number
  readonly event: QueueEvent
  /** The event's canonical JSON, as stored (the caller reuses it for the sync outbox). */
  readonly payload: string
}

type EventRow = typeof events.$inferSelect

const toRecord = (row: EventRow): EventRecord => ({
  seq: row.seq,
  id: row.id,
  hlc: row.hlc,
  idempotencyKey: row.idempotencyKey,
  version: row.version,
  // The log is a file another program version may have written: parse, never cast.
  event: QueueEvent.parse(JSON.parse(row.payload)),
})

/** Prepared statements over the append-only event log. Build once, use on the hot path. */
export function prepareEventStore(db: EdgeDb) {
  const insert = db
    .insert(events)
    .values(placeholders(events, ['seq']))
    .prepare()
  const range = db
    .select()
    .from(events)
    .where(and(gte(events.seq, sql.placeholder('first')), lte(events.seq, sql.placeholder('last'))))
    .orderBy(asc(events.seq))
    .prepare()
  const page = db
    .select()
    .from(events)
    .where(gt(events.seq, sql.placeholder('after')))
    .orderBy(asc(events.seq))
    .limit(sql.placeholder('limit'))
    .prepare()
  const stats = db
    .select({ count: count(), lastSeq: max(events.seq) })
    .from(events)
    .prepare()

  return {
    /** Appends one event and returns its sequence number. */
    append(input: NewEvent): number {
      const result = insert.run({
        id: input.id,
        type: input.event.type,
        version: input.version,
        hlc: input.hlc,
        at: input.event.at,
        idempotencyKey: input.idempotencyKey,
        payload: input.payload,
      })
      return Number(result.lastInsertRowid)
    },
    /** Events `first..last` inclusive, in order. */
    range(first: number, last: number): EventRecord[] {
      return range.all({ first, last }).map(toRecord)
    },
    /** Every event after `afterSeq`, in order, read page by page so a long log never sits in memory. */
    *after(afterSeq: number, pageSize = 1000): Generator<EventRecord> {
      let cursor = afterSeq
      for (;;) {
        const rows = page.all({ after: cursor, limit: pageSize })
        for (const row of rows) yield toRecord(row)
        const last = rows.at(-1)
        if (!last || rows.length < pageSize) return
        cursor = last.seq
      }
    },
    stats(): { count: number; lastSeq: number } {
      const row = stats.get()
      return { count: row?.count ?? 0, lastSeq: row?.lastSeq ?? 0 }
    },
  }
}

export type EventStore = ReturnType<typeof prepareEventStore>
