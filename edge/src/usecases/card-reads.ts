import type { CardEvent } from '@kqms/shared/mqtt'
import type { EdgeDatabase } from '../db/open-database.js'
import { findTicketCard, insertTicketCard } from '../db/print-job.store.js'
import type { Clock, IdSource } from './ports.js'

/**
 * Bank cards read at a kiosk's card reader (design/devices.md §6.3): the reader's bridge sends a
 * keyed hash (`token`) and the masked number (first 6, last 4 digits), never the card number. A
 * read is relayed to the kiosk under a fresh id and may identify one ticket's customer for a few
 * minutes; the ticket then records the masked number and the token.
 */

export interface CardRead {
  readonly readId: string
  readonly masked: string
  readonly token: string
  readonly tokenKeyId: string
  readonly source: CardEvent['source']
  readonly readerId: string
  readonly kioskId: string
  readonly at: number
  readonly redeemableUntil: number
  /** The ticket it identified, once used. */
  ticketId: string | null
}

export interface CardReads {
  /** Records a reader's event once (a QoS 1 duplicate returns the first read, `fresh: false`). */
  record(input: { readerId: string; kioskId: string; event: CardEvent }): {
    read: CardRead
    fresh: boolean
  }
  /** The read with this id while it may still identify a ticket; null when unknown or too old. */
  find(readId: string): CardRead | null
  /** Records on the ticket that its customer identified with this card (once). */
  attach(input: { read: CardRead; ticketId: string }): void
  /** The card a ticket's customer identified with (masked number and token), or null. */
  ofTicket(ticketId: string): { masked: string; token: string } | null
}

/** How long after the read a customer may still take the ticket it identifies (default 5 min). */
const REDEEMABLE_MS = 5 * 60_000

export function createCardReads(deps: {
  database: EdgeDatabase
  clock: Clock
  ids: IdSource
  redeemableMs?: number
}): CardReads {
  const db = deps.database.db
  const redeemableMs = deps.redeemableMs ?? REDEEMABLE_MS
  const byId = new Map<string, CardRead>()
  const byEvent = new Map<string, string>()

  const sweep = (now: number): void => {
    for (const [readId, read] of byId)
      if (read.redeemableUntil <= now) {
        byId.delete(readId)
        for (const [eventId, id] of byEvent) if (id === readId) byEvent.delete(eventId)
      }
  }

  return {
    record({ readerId, kioskId, event }) {
      const now = deps.clock.now()
      sweep(now)
      const eventKey = `${readerId}:${event.id}`
      const seen = byEvent.get(eventKey)
      const known = seen === undefined ? undefined : byId.get(seen)
      if (known) return { read: known, fresh: false }
      const read: CardRead = {
        readId: `card-${deps.ids.uuid()}`,
        masked: event.masked,
        token: event.token,
        tokenKeyId: event.tokenKeyId,
        source: event.source,
        readerId,
        kioskId,
        at: now,
        redeemableUntil: now + redeemableMs,
        ticketId: null,
      }
      byId.set(read.readId, read)
      byEvent.set(eventKey, read.readId)
      return { read, fresh: true }
    },

    find(readId) {
      const read = byId.get(readId)
      if (!read || read.redeemableUntil <= deps.clock.now()) return null
      return read
    },

    attach({ read, ticketId }) {
      if (read.ticketId !== null) return
      read.ticketId = ticketId
      insertTicketCard(db, {
        ticketId,
        masked: read.masked,
        token: read.token,
        tokenKeyId: read.tokenKeyId,
        kioskId: read.kioskId,
        readerId: read.readerId,
        at: deps.clock.now(),
      })
    },

    ofTicket(ticketId) {
      const row = findTicketCard(db, ticketId)
      return row ? { masked: row.masked, token: row.token } : null
    },
  }
}
