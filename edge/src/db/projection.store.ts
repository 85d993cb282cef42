import type { QueueEvent } from '@kqms/shared/domain'
import { eq, sql } from 'drizzle-orm'
import { apply } from '../domain/apply.js'
import { emptyState, type OperatorPresence, type QueueState, type Ticket } from '../domain/state.js'
import { canonicalJson } from './canonical-json.js'
import { prepareEventStore } from './event.store.js'
import type { EdgeDatabase, EdgeDb } from './open-database.js'
import { excludedColumns, placeholderSet, placeholders } from './prepared.js'
import {
  branch,
  counters,
  dailyCounters,
  operators,
  priorityPolicy,
  PROJECTION_TABLES,
  services,
  tickets,
} from './schema.js'

/** One event and the states on either side of it. */
export interface ProjectionStep {
  readonly event: QueueEvent
  readonly before: QueueState
  readonly after: QueueState
}

export type Projector = (step: ProjectionStep) => void

/**
 * Keeps the projection tables equal to the engine's state: after each event, the rows the event
 * touched are written from the state right after it. Runs inside the caller's transaction.
 * Tickets are found through the event's `ticketId`; the small maps (services, counters, operators,
 * daily numbering) are compared by reference, since `apply` replaces exactly the entries it changes.
 */
export function prepareProjector(db: EdgeDb): Projector {
  const insertTicket = db.insert(tickets).values(placeholders(tickets)).prepare()
  const updateTicket = db
    .update(tickets)
    .set(placeholderSet(tickets, ['id']))
    .where(eq(tickets.id, sql.placeholder('id')))
    .prepare()
  const expireTicket = db
    .update(tickets)
    .set({ status: 'expired' })
    .where(eq(tickets.id, sql.placeholder('id')))
    .prepare()
  const upsertService = db
    .insert(services)
    .values(placeholders(services))
    .onConflictDoUpdate({ target: services.id, set: excludedColumns(services, ['id']) })
    .prepare()
  const upsertCounter = db
    .insert(counters)
    .values(placeholders(counters))
    .onConflictDoUpdate({ target: counters.id, set: excludedColumns(counters, ['id']) })
    .prepare()
  const upsertOperator = db
    .insert(operators)
    .values(placeholders(operators))
    .onConflictDoUpdate({ target: operators.id, set: excludedColumns(operators, ['id']) })
    .prepare()
  const upsertBranch = db
    .insert(branch)
    .values(placeholders(branch))
    .onConflictDoUpdate({ target: branch.id, set: excludedColumns(branch, ['id']) })
    .prepare()
  const upsertPolicy = db
    .insert(priorityPolicy)
    .values(placeholders(priorityPolicy))
    .onConflictDoUpdate({ target: priorityPolicy.id, set: excludedColumns(priorityPolicy, ['id']) })
    .prepare()
  const upsertDailyCounter = db
    .insert(dailyCounters)
    .values(placeholders(dailyCounters))
    .onConflictDoUpdate({
      target: [dailyCounters.day, dailyCounters.serviceId],
      set: excludedColumns(dailyCounters, ['day', 'serviceId']),
    })
    .prepare()

  return ({ event, before, after }) => {
    if (event.type === 'DayClosedV1') {
      // The engine forgets the day's tickets; the table keeps them, with the open ones expired.
      for (const id of event.expiredTicketIds) expireTicket.run({ id })
    } else if ('ticketId' in event) {
      const ticket = after.tickets.get(event.ticketId)
      if (ticket && ticket !== before.tickets.get(event.ticketId)) {
        if (event.type === 'TicketIssuedV1') insertTicket.run(ticketRow(ticket))
        else updateTicket.run(ticketRow(ticket))
      }
    }

    if (after.branch && after.branch !== before.branch) {
      const b = after.branch
      upsertBranch.run({
        id: 1,
        branchId: b.id,
        name: canonicalJson(b.name),
        address: canonicalJson(b.address),
        timeZone: b.timeZone,
        openingHours: canonicalJson(b.openingHours),
      })
    }
    if (after.policy !== before.policy)
      upsertPolicy.run({ id: 1, policy: canonicalJson(after.policy) })
    for (const [, s] of changed(before.services, after.services))
      upsertService.run({
        id: s.id,
        prefix: s.prefix,
        name: canonicalJson(s.name),
        category: canonicalJson(s.category),
        openingHours: s.openingHours ? canonicalJson(s.openingHours) : null,
        dailyCap: s.dailyCap,
        expectedServiceSeconds: s.expectedServiceSeconds,
        serviceTimeCv: s.serviceTimeCv,
        active: s.active,
      })
    for (const [, c] of changed(before.counters, after.counters))
      upsertCounter.run({ id: c.id, label: c.label, name: canonicalJson(c.name), active: c.active })
    const operatorIds = new Set([
      ...changed(before.operators, after.operators).map(([id]) => id),
      ...changed(before.presence, after.presence).map(([id]) => id),
    ])
    for (const id of operatorIds) {
      const operator = after.operators.get(id)
      if (!operator) continue
      const presence: OperatorPresence = after.presence.get(id) ?? {
        status: 'offline',
        counterId: null,
        pauseReason: null,
        since: event.at,
      }
      upsertOperator.run({
        id,
        displayName: operator.displayName,
        skills: canonicalJson(operator.skills),
        active: operator.active,
        status: presence.status,
        counterId: presence.counterId,
        pauseReason: presence.pauseReason,
        since: presence.since,
      })
    }
    if (after.sequenceDay !== null) {
      // A new business day restarts numbering: every service's counter is new then.
      const sequences =
        after.sequenceDay === before.sequenceDay
          ? changed(before.lastSequence, after.lastSequence)
          : [...after.lastSequence]
      for (const [serviceId, lastSequence] of sequences)
        upsertDailyCounter.run({ day: after.sequenceDay, serviceId, lastSequence })
    }
  }
}

/** Entries of `after` that are new or replaced since `before` (deleted entries are not listed). */
function changed<K, V>(before: ReadonlyMap<K, V>, after: ReadonlyMap<K, V>): [K, V][] {
  if (before === after) return []
  const out: [K, V][] = []
  for (const [key, value] of after) if (before.get(key) !== value) out.push([key, value])
  return out
}

function ticketRow(t: Ticket) {
  return {
    id: t.id,
    day: t.day,
    serviceId: t.serviceId,
    number: t.number,
    sequence: t.sequence,
    priorityClass: t.priorityClass,
    language: t.language,
    channel: t.channel,
    phoneMasked: t.phoneMasked,
    status: t.status,
    issuedAt: t.issuedAt,
    queuedAt: t.queuedAt,
    followUpServiceIds: canonicalJson(t.followUpServiceIds),
    assignedOperatorId: t.assignedOperatorId,
    counterId: t.counterId,
    operatorId: t.operatorId,
    calledAt: t.calledAt,
    lastCalledAt: t.lastCalledAt,
    recallCount: t.recallCount,
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
    outcome: t.outcome,
    callReason: t.callReason ? canonicalJson(t.callReason) : null,
    stepsDone: t.stepsDone,
  } satisfies Record<keyof Ticket, unknown> // a new Ticket field needs a column
}

/**
 * Clears every projection table and replays the whole event log through `apply` and the same
 * projector, in one transaction: either the tables are rebuilt or they are left as they were.
 * Run it with the runtime stopped (provisioning `rebuild`).
 */
export function rebuildProjections(database: EdgeDatabase): { events: number } {
  const { sqlite, db } = database
  const rebuild = sqlite.transaction(() => {
    for (const table of PROJECTION_TABLES) db.delete(table).run()
    const project = prepareProjector(db)
    let state = emptyState()
    let folded = 0
    for (const { event } of prepareEventStore(db).after(0)) {
      const next = apply(state, event)
      project({ event, before: state, after: next })
      state = next
      folded += 1
    }
    return folded
  })
  return { events: rebuild.immediate() }
}
