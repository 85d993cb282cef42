import { and, eq, inArray } from 'drizzle-orm'
import type { EdgeDb } from './open-database.js'
import { printJobs, ticketCards } from './schema.js'

/** Print jobs and card identifications of tickets: rows only, the policy is in the use cases. */

export type PrintJobRow = typeof printJobs.$inferSelect
export type PrintJobState = PrintJobRow['state']
export type TicketCardRow = typeof ticketCards.$inferSelect

export function findPrintJob(db: EdgeDb, id: string): PrintJobRow | null {
  return db.select().from(printJobs).where(eq(printJobs.id, id)).get() ?? null
}

export function insertPrintJob(db: EdgeDb, job: PrintJobRow): void {
  db.insert(printJobs).values(job).run()
}

export function updatePrintJob(
  db: EdgeDb,
  input: { id: string; patch: Partial<Omit<PrintJobRow, 'id'>> },
): void {
  db.update(printJobs).set(input.patch).where(eq(printJobs.id, input.id)).run()
}

/**
 * Settles an open (queued or sent) job once; false when it was settled before (a duplicate
 * reply, or expired meanwhile).
 */
export function settlePrintJob(
  db: EdgeDb,
  input: {
    id: string
    state: 'printed' | 'failed' | 'expired'
    errorCode: string | null
    at: number
  },
): boolean {
  return (
    db
      .update(printJobs)
      .set({ state: input.state, errorCode: input.errorCode, settledAt: input.at })
      .where(and(eq(printJobs.id, input.id), inArray(printJobs.state, ['queued', 'sent'])))
      .run().changes > 0
  )
}

/** The printer's jobs not settled yet, oldest first. */
export function listOpenPrintJobs(db: EdgeDb, printerId: string): PrintJobRow[] {
  return db
    .select()
    .from(printJobs)
    .where(and(eq(printJobs.printerId, printerId), inArray(printJobs.state, ['queued', 'sent'])))
    .orderBy(printJobs.createdAt)
    .all()
}

/** Records a ticket's card identification once (a retried registration changes nothing). */
export function insertTicketCard(db: EdgeDb, row: TicketCardRow): void {
  db.insert(ticketCards).values(row).onConflictDoNothing().run()
}

export function findTicketCard(db: EdgeDb, ticketId: string): TicketCardRow | null {
  return db.select().from(ticketCards).where(eq(ticketCards.ticketId, ticketId)).get() ?? null
}
