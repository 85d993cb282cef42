import type { Instant, QueueEvent, TicketId } from '@kqms/shared/domain'
import type { Logger } from 'pino'
import type { Command } from '../domain/commands.js'
import type { QueueState } from '../domain/state.js'

/** Time and randomness reach the core only through these. */
export interface Clock {
  now(): Instant
}
export interface IdSource {
  /** A new UUIDv7 (time-ordered), for tickets and events. */
  uuid(): string
}

/** One event as stored in the log. */
export interface StoredEvent {
  readonly seq: number
  readonly id: string
  readonly hlc: string
  readonly idempotencyKey: string
  readonly version: number
  readonly event: QueueEvent
}

/** Who asked: recorded for audits, used by use cases for permission-dependent rules. */
export type Actor =
  | { readonly kind: 'public' }
  | {
      readonly kind: 'staff'
      readonly userId: string
      readonly role: 'operator' | 'manager' | 'admin'
    }
  | { readonly kind: 'system' }
  /** An enrolled device, e.g. a counter's call-button panel (over MQTT). */
  | { readonly kind: 'device'; readonly deviceId: string }

export interface CommandInput {
  readonly command: Command
  /** Every command carries one; a repeat with the same key returns the first result. */
  readonly idempotencyKey: string
  readonly actor: Actor
}

export interface CommandResult {
  readonly events: readonly StoredEvent[]
  /** True when this key was seen before and the first result is returned. */
  readonly replayed: boolean
  /** The state after the command (after the first execution's events, for a replay: the current state). */
  readonly state: QueueState
}

/**
 * The appliance's single write path. Every transport calls `execute`: it decides against the
 * in-memory state, appends the events, updates projections and the sync outbox in one SQLite
 * transaction, then swaps the in-memory state. Synchronous because better-sqlite3 is.
 */
export interface QueueRuntime {
  execute(input: CommandInput): CommandResult
  state(): QueueState
  /** Number of events in the log. */
  eventCount(): number
  /** Look-up of a ticket of any day (projection), for status pages of closed days. */
  findTicket(ticketId: TicketId): TicketRow | null
  /** Subscribe to committed events (for MQTT, metrics); returns an unsubscribe function. */
  onCommitted(listener: (events: readonly StoredEvent[], state: QueueState) => void): () => void
}

/** The `tickets` projection row (camelCase), as stored. */
export interface TicketRow {
  readonly id: TicketId
  readonly day: string
  readonly serviceId: string
  readonly number: string
  readonly status: string
  readonly priorityClass: string
  readonly language: string
  readonly counterId: string | null
  readonly issuedAt: number
  readonly calledAt: number | null
  readonly finishedAt: number | null
  readonly outcome: string | null
}

export interface UseCaseDeps {
  readonly clock: Clock
  readonly ids: IdSource
  readonly log: Logger
  readonly runtime: QueueRuntime
}
