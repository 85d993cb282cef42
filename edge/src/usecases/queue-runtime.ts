import { EVENT_VERSION, type TicketId } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import { hlcZero, tick, toHlcString, type Hlc } from '@kqms/shared/sync'
import BetterSqlite3 from 'better-sqlite3'
import { eq, sql } from 'drizzle-orm'
import type { Logger } from 'pino'
import { canonicalJson } from '../db/canonical-json.js'
import { prepareCommandLog } from '../db/command-log.store.js'
import { prepareEventStore } from '../db/event.store.js'
import type { EdgeDatabase } from '../db/open-database.js'
import { prepareProjector } from '../db/projection.store.js'
import { tickets } from '../db/schema.js'
import { prepareSnapshotStore } from '../db/snapshot.store.js'
import { prepareSyncStore } from '../db/sync.store.js'
import { apply } from '../domain/apply.js'
import { decide } from '../domain/decide.js'
import { emptyState, type QueueState } from '../domain/state.js'
import { fingerprintCommand } from './command-fingerprint.js'
import type {
  Clock,
  CommandInput,
  CommandResult,
  IdSource,
  QueueRuntime,
  StoredEvent,
  TicketRow,
} from './ports.js'

export interface QueueRuntimeDeps {
  readonly db: EdgeDatabase
  readonly clock: Clock
  readonly ids: IdSource
  readonly log: Logger
  /** This appliance's HLC node id: 16 letters or digits. */
  readonly nodeId: string
  /** Write a state snapshot at least every this many events (and at every day close). */
  readonly snapshotEvery?: number
}

export type RunningQueueRuntime = QueueRuntime & { stop(): void }

type Listener = Parameters<QueueRuntime['onCommitted']>[0]

type Outcome =
  | { readonly kind: 'replayed'; readonly events: StoredEvent[] }
  | {
      readonly kind: 'committed'
      readonly events: StoredEvent[]
      readonly state: QueueState
      readonly hlc: Hlc
      readonly snapshotSeq: number
    }

/**
 * Restores the queue state (newest snapshot + the events after it) and returns the appliance's
 * single write path. One command is one SQLite transaction: events, projections, sync outbox, HLC,
 * command log and, now and then, a snapshot. The in-memory state changes only after the commit.
 */
export function startQueueRuntime(deps: QueueRuntimeDeps): RunningQueueRuntime {
  const { clock, ids, log } = deps
  const { sqlite, db } = deps.db
  const snapshotEvery = deps.snapshotEvery ?? 1000
  if (!Number.isInteger(snapshotEvery) || snapshotEvery < 1)
    throw new RangeError(`snapshotEvery must be a positive integer, got ${snapshotEvery}`)

  const eventStore = prepareEventStore(db)
  const project = prepareProjector(db)
  const snapshots = prepareSnapshotStore(db)
  const sync = prepareSyncStore(db)
  const commandLog = prepareCommandLog(db)
  const ticketById = db
    .select()
    .from(tickets)
    .where(eq(tickets.id, sql.placeholder('id')))
    .prepare()

  const started = performance.now()
  const stats = eventStore.stats()
  const snapshot = snapshots.latest(stats.lastSeq)
  let state = snapshot?.state ?? emptyState()
  let folded = 0
  for (const { event } of eventStore.after(snapshot?.seq ?? 0)) {
    state = apply(state, event)
    folded += 1
  }
  const zero = hlcZero(deps.nodeId) // also validates the node id
  const saved = sync.loadHlc()
  let hlc: Hlc = saved ? { ...saved, node: zero.node } : zero
  let eventCount = stats.count
  let snapshotSeq = snapshot?.seq ?? 0
  let stopped = false
  const listeners = new Set<Listener>()
  log.info(
    {
      events: stats.count,
      folded,
      snapshotSeq: snapshot?.seq ?? null,
      ms: Math.round(performance.now() - started),
    },
    'queue state restored',
  )

  // The key look-up shares the write transaction: one BEGIN/COMMIT per command, replays included.
  const run = sqlite.transaction((input: CommandInput): Outcome => {
    const fingerprint = fingerprintCommand(input.command)
    const prior = commandLog.find(input.idempotencyKey)
    if (prior) {
      if (prior.fingerprint !== fingerprint)
        throw new DomainError(
          'CONFLICT',
          'Idempotency-Key was already used for a different request',
        )
      const events =
        prior.firstSeq === null || prior.lastSeq === null
          ? []
          : eventStore.range(prior.firstSeq, prior.lastSeq)
      return { kind: 'replayed', events }
    }
    const now = clock.now()
    const decided = decide(state, input.command, now)
    let running = state
    let stamp = hlc
    let closesDay = false
    const stored: StoredEvent[] = []
    for (const event of decided) {
      stamp = tick(stamp, now)
      const id = ids.uuid()
      const payload = canonicalJson(event)
      const hlcText = toHlcString(stamp)
      const version = EVENT_VERSION
      const seq = eventStore.append({
        id,
        hlc: hlcText,
        idempotencyKey: input.idempotencyKey,
        version,
        event,
        payload,
      })
      const next = apply(running, event)
      project({ event, before: running, after: next })
      sync.appendEvent({ eventId: id, payload, hlc: stamp, schemaVersion: version, createdAt: now })
      stored.push({ seq, id, hlc: hlcText, idempotencyKey: input.idempotencyKey, version, event })
      running = next
      closesDay ||= event.type === 'DayClosedV1'
    }
    if (stored.length > 0) sync.saveHlc(stamp)
    const lastSeq = stored.at(-1)?.seq ?? null
    commandLog.insert({
      idempotencyKey: input.idempotencyKey,
      fingerprint,
      commandType: input.command.type,
      firstSeq: stored[0]?.seq ?? null,
      lastSeq,
      actor: canonicalJson(input.actor),
      at: now,
    })
    let nextSnapshotSeq = snapshotSeq
    if (lastSeq !== null && (closesDay || lastSeq - snapshotSeq >= snapshotEvery)) {
      snapshots.save({ seq: lastSeq, takenAt: now, state: running })
      nextSnapshotSeq = lastSeq
    }
    return {
      kind: 'committed',
      events: stored,
      state: running,
      hlc: stamp,
      snapshotSeq: nextSnapshotSeq,
    }
  })

  const notify = (events: readonly StoredEvent[], after: QueueState): void => {
    for (const listener of listeners) {
      try {
        listener(events, after)
      } catch (error) {
        log.error({ err: error, events: events.length }, 'onCommitted listener failed')
      }
    }
  }

  return {
    execute(input) {
      if (stopped) throw new Error('The queue runtime is stopped')
      let outcome: Outcome
      try {
        outcome = run.immediate(input)
      } catch (error) {
        throw duplicateNumberAsConflict(error, log)
      }
      if (outcome.kind === 'replayed')
        return { events: outcome.events, replayed: true, state } satisfies CommandResult
      state = outcome.state
      hlc = outcome.hlc
      snapshotSeq = outcome.snapshotSeq
      eventCount += outcome.events.length
      if (outcome.events.length > 0) notify(outcome.events, state)
      return { events: outcome.events, replayed: false, state }
    },
    state: () => state,
    eventCount: () => eventCount,
    findTicket(ticketId: TicketId): TicketRow | null {
      const row = ticketById.get({ id: ticketId })
      if (!row) return null
      return {
        id: row.id as TicketId,
        day: row.day,
        serviceId: row.serviceId,
        number: row.number,
        status: row.status,
        priorityClass: row.priorityClass,
        language: row.language,
        counterId: row.counterId,
        issuedAt: row.issuedAt,
        calledAt: row.calledAt,
        finishedAt: row.finishedAt,
        outcome: row.outcome,
      }
    },
    onCommitted(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    stop() {
      stopped = true
      listeners.clear()
    },
  }
}

/**
 * The `tickets_day_number` unique index refuses a number already given out that day. The engine
 * should never produce one; if it does, the customer gets a refusal, not a duplicate.
 */
function duplicateNumberAsConflict(error: unknown, log: Logger): unknown {
  if (
    error instanceof BetterSqlite3.SqliteError &&
    error.code === 'SQLITE_CONSTRAINT_UNIQUE' &&
    error.message.includes('tickets.number')
  ) {
    log.error({ err: error }, 'refused a duplicate ticket number')
    return new DomainError('CONFLICT', 'This ticket number was already given out today', {
      cause: error,
    })
  }
  return error
}
