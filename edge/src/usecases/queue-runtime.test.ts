import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { TicketId } from '@kqms/shared/domain'
import { DomainError } from '@kqms/shared/errors'
import { toHlcString } from '@kqms/shared/sync'
import { afterEach, describe, expect, it } from 'vitest'
import type { Command } from '../domain/commands.js'
import { MONDAY_10_00_ALMATY, minutes } from '../../test/fake-clock.js'
import { AIDA, CASH, COUNTER_1, COUNTER_2, LOANS } from '../../test/given.js'
import { startTestRuntime, tableCounts, type TestRuntime } from '../../test/test-runtime.js'
import type { StoredEvent } from './ports.js'
import { startQueueRuntime } from './queue-runtime.js'

const dirs: string[] = []
const tempFile = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'kqms-runtime-'))
  dirs.push(dir)
  return path.join(dir, 'queue.sqlite')
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true })
})

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected an error')
}

const issue = (ticketId: string, serviceId = CASH): Command => ({
  type: 'IssueTicket',
  ticketId: ticketId as TicketId,
  serviceId,
  priorityClass: 'regular',
  language: 'kk',
  channel: 'kiosk',
  phoneMasked: null,
  followUpServiceIds: [],
  byStaff: false,
})
const kiosk = { kind: 'public' } as const

type Row = Record<string, unknown>
const lastRow = (edge: TestRuntime, sql: string): Row =>
  edge.database.sqlite.prepare(sql).get() as Row

describe(startQueueRuntime.name, () => {
  it('issues a ticket: event, ticket row, sync outbox, clock and command log in one commit', () => {
    using edge = startTestRuntime()
    edge.given.branch()
    const before = tableCounts(edge.database.sqlite)

    const result = edge.runtime.execute({
      command: issue(edge.ids.uuid()),
      idempotencyKey: 'kiosk-1',
      actor: kiosk,
    })

    expect(result.replayed).toBe(false)
    expect(result.events.map((e) => e.event.type)).toEqual(['TicketIssuedV1'])
    expect(tableCounts(edge.database.sqlite)).toEqual({
      ...before,
      events: before['events']! + 1,
      sync_outbox: before['sync_outbox']! + 1,
      command_log: before['command_log']! + 1,
      tickets: 1,
      daily_counters: 1,
    })
    const [stored] = result.events as [StoredEvent]
    const event = lastRow(edge, 'SELECT * FROM events ORDER BY seq DESC LIMIT 1')
    const outbox = lastRow(edge, 'SELECT * FROM sync_outbox ORDER BY local_seq DESC LIMIT 1')
    expect(event).toMatchObject({
      seq: stored.seq,
      id: stored.id,
      type: 'TicketIssuedV1',
      version: 1,
    })
    expect(JSON.parse(event['payload'] as string)).toMatchObject({
      number: 'A001',
      serviceId: 'cash',
    })
    expect(outbox).toMatchObject({
      change_id: stored.id,
      class: 'A',
      entity: 'queue_event',
      op: 'event',
      data: event['payload'],
      schema_version: 1,
      acked_at: null,
    })
    const outboxHlc = {
      l: outbox['hlc_ms'] as number,
      c: outbox['hlc_c'] as number,
      node: outbox['hlc_node'] as string,
    }
    expect(toHlcString(outboxHlc)).toBe(stored.hlc)
    expect(lastRow(edge, "SELECT value FROM sync_state WHERE key = 'hlc'")['value']).toBe(
      stored.hlc,
    )
    expect(
      lastRow(edge, "SELECT * FROM command_log WHERE idempotency_key = 'kiosk-1'"),
    ).toMatchObject({
      command_type: 'IssueTicket',
      first_seq: stored.seq,
      last_seq: stored.seq,
      actor: '{"kind":"public"}',
    })
    const ticketId = (stored.event as { ticketId: TicketId }).ticketId
    expect(edge.runtime.findTicket(ticketId)).toMatchObject({
      number: 'A001',
      status: 'waiting',
      serviceId: 'cash',
    })
    expect(edge.runtime.eventCount()).toBe(before['events']! + 1)
  })

  it('writes nothing for a refused command, and the key stays free for a later attempt', () => {
    using edge = startTestRuntime()
    edge.given.branch()
    const before = tableCounts(edge.database.sqlite)
    const stateBefore = edge.runtime.state()
    edge.clock.set('2025-03-02T10:00:00+05:00') // Sunday: the branch is closed

    const error = thrown(() =>
      edge.runtime.execute({
        command: issue(edge.ids.uuid()),
        idempotencyKey: 'kiosk-1',
        actor: kiosk,
      }),
    )

    expect(error).toBeInstanceOf(DomainError)
    expect((error as DomainError).code).toBe('SERVICE_CLOSED')
    expect(tableCounts(edge.database.sqlite)).toEqual(before)
    expect(edge.runtime.state()).toBe(stateBefore)
    edge.clock.set(MONDAY_10_00_ALMATY)
    const retry = edge.runtime.execute({
      command: issue(edge.ids.uuid()),
      idempotencyKey: 'kiosk-1',
      actor: kiosk,
    })
    expect(retry).toMatchObject({ replayed: false, events: [{ event: { number: 'A001' } }] })
  })

  it('rolls back events already inserted when a later write of the command fails', () => {
    using edge = startTestRuntime()
    edge.given.branch()
    edge.given.ticket({ service: CASH }) // A001, waiting
    // A projection that already holds the next number (say, restored from another appliance's
    // backup): the unique index refuses the second A002 and the whole command rolls back.
    edge.database.sqlite.prepare("UPDATE tickets SET number = 'A002' WHERE number = 'A001'").run()
    const before = tableCounts(edge.database.sqlite)
    const stateBefore = edge.runtime.state()
    const hlcBefore = lastRow(edge, "SELECT value FROM sync_state WHERE key = 'hlc'")

    const error = thrown(() =>
      edge.runtime.execute({
        command: issue(edge.ids.uuid(), CASH),
        idempotencyKey: 'dup',
        actor: kiosk,
      }),
    )

    expect(error).toBeInstanceOf(DomainError)
    expect((error as DomainError).code).toBe('CONFLICT')
    expect(tableCounts(edge.database.sqlite)).toEqual(before)
    expect(lastRow(edge, "SELECT value FROM sync_state WHERE key = 'hlc'")).toEqual(hlcBefore)
    expect(edge.runtime.state()).toBe(stateBefore)
    expect(edge.runtime.eventCount()).toBe(before['events'])
    expect(edge.logLines).toContainEqual(
      expect.objectContaining({ msg: 'refused a duplicate ticket number' }),
    )
  })

  it('returns the first result for a repeated idempotency key and writes nothing', () => {
    using edge = startTestRuntime()
    edge.given.branch()
    const first = edge.runtime.execute({
      command: issue(edge.ids.uuid()),
      idempotencyKey: 'kiosk-1',
      actor: kiosk,
    })
    const before = tableCounts(edge.database.sqlite)

    // A retried kiosk request: the shell drew a new ticket id, everything else is the same.
    const retry = edge.runtime.execute({
      command: issue(edge.ids.uuid()),
      idempotencyKey: 'kiosk-1',
      actor: kiosk,
    })

    expect(retry.replayed).toBe(true)
    expect(retry.events).toEqual(first.events)
    expect(retry.state.tickets.size).toBe(1)
    expect(tableCounts(edge.database.sqlite)).toEqual(before)
  })

  it('refuses a used idempotency key for a different request with CONFLICT', () => {
    using edge = startTestRuntime()
    edge.given.branch()
    const a = edge.given.ticket()
    const b = edge.given.ticket()
    edge.runtime.execute({
      command: issue(edge.ids.uuid(), CASH),
      idempotencyKey: 'k',
      actor: kiosk,
    })
    edge.runtime.execute({
      command: { type: 'Cancel', ticketId: a.id, reason: 'customer_request' },
      idempotencyKey: 'cancel',
      actor: kiosk,
    })
    const before = tableCounts(edge.database.sqlite)

    const otherService = thrown(() =>
      edge.runtime.execute({
        command: issue(edge.ids.uuid(), LOANS),
        idempotencyKey: 'k',
        actor: kiosk,
      }),
    )
    const otherTicket = thrown(() =>
      edge.runtime.execute({
        command: { type: 'Cancel', ticketId: b.id, reason: 'customer_request' },
        idempotencyKey: 'cancel',
        actor: kiosk,
      }),
    )

    for (const error of [otherService, otherTicket]) {
      expect(error).toBeInstanceOf(DomainError)
      expect(error).toMatchObject({
        code: 'CONFLICT',
        message: 'Idempotency-Key was already used for a different request',
      })
    }
    expect(tableCounts(edge.database.sqlite)).toEqual(before)
    expect(edge.runtime.state().tickets.get(b.id)?.status).toBe('waiting')
  })

  describe.each([
    { title: 'with snapshots', snapshotEvery: 4 },
    { title: 'without snapshots', snapshotEvery: 1_000_000 },
  ])('restart from the same file $title', ({ snapshotEvery }) => {
    it('restores the same state, and numbering continues', () => {
      const file = tempFile()
      const first = startTestRuntime({ path: file, snapshotEvery })
      const { given, clock, ids } = first
      given.branch()
      given.openCounters()
      const tickets = [
        given.ticket(),
        given.ticket({ service: LOANS }),
        given.ticket(),
        given.ticket(),
      ]
      clock.advance(minutes(3))
      given.run({ type: 'CallNext', counterId: COUNTER_1 })
      given.run({ type: 'StartService', counterId: COUNTER_1 })
      given.run({ type: 'CallNext', counterId: COUNTER_2 })
      clock.advance(minutes(4))
      given.run({ type: 'Finish', counterId: COUNTER_1, outcome: 'served' })
      given.run({
        type: 'Transfer',
        ticketId: tickets[3]!.id,
        toServiceId: LOANS,
        toOperatorId: null,
        keepPlace: true,
      })
      given.run({ type: 'Pause', operatorId: AIDA, reason: 'lunch' })
      const state = first.runtime.state()
      const events = first.runtime.eventCount()
      const snapshots = tableCounts(first.database.sqlite)['state_snapshots']
      first[Symbol.dispose]()

      using second = startTestRuntime({ path: file, snapshotEvery, clock, ids })

      expect(second.runtime.state()).toEqual(state)
      expect(second.runtime.eventCount()).toBe(events)
      const restored = second.logLines.find((l) => l['msg'] === 'queue state restored')
      if (snapshotEvery < events) {
        expect(snapshots).toBeGreaterThan(0)
        expect(restored?.['folded']).toBeLessThan(events)
      } else {
        expect(snapshots).toBe(0)
        expect(restored?.['folded']).toBe(events)
      }
      expect(second.given.ticket().number).toBe('A004')
    })
  })

  it('ignores a snapshot of another state shape and folds the whole log instead', () => {
    const file = tempFile()
    const first = startTestRuntime({ path: file, snapshotEvery: 2 })
    first.given.branch()
    first.given.ticket()
    first.given.ticket({ service: LOANS })
    const state = first.runtime.state()
    // As if written by an older version, before a field was added to the state.
    first.database.sqlite
      .prepare("UPDATE state_snapshots SET state = json_remove(state, '$.sequenceDay')")
      .run()
    first[Symbol.dispose]()

    using second = startTestRuntime({ path: file, clock: first.clock, ids: first.ids })

    const restored = second.logLines.find((l) => l['msg'] === 'queue state restored')
    expect(restored).toMatchObject({ snapshotSeq: null, folded: second.runtime.eventCount() })
    expect(second.runtime.state()).toEqual(state)
    expect(second.given.ticket().number).toBe('A002')
  })

  it('snapshots at a day close; after a restart the closed day is expired and numbering restarts', () => {
    const file = tempFile()
    const first = startTestRuntime({ path: file })
    first.given.branch()
    const monday = first.given.ticket()
    first.clock.set('2025-03-04T09:30:00+05:00') // Tuesday: the day rolls over on the next command
    const result = first.given.run({
      type: 'IssueTicket',
      ticketId: first.ids.uuid() as TicketId,
      serviceId: CASH,
      priorityClass: 'regular',
      language: 'en',
      channel: 'kiosk',
      phoneMasked: null,
      followUpServiceIds: [],
      byStaff: false,
    })
    expect(result.events.map((e) => e.event.type)).toEqual(['DayClosedV1', 'TicketIssuedV1'])
    expect(result.events[1]?.event).toMatchObject({ number: 'A001', day: '2025-03-04' })
    const lastSeq = result.events[1]!.seq
    expect(lastRow(first, 'SELECT max(seq) AS seq FROM state_snapshots')['seq']).toBe(lastSeq)
    const state = first.runtime.state()
    first[Symbol.dispose]()

    using second = startTestRuntime({ path: file, clock: first.clock, ids: first.ids })

    expect(second.logLines.find((l) => l['msg'] === 'queue state restored')).toMatchObject({
      folded: 0,
    })
    expect(second.runtime.state()).toEqual(state)
    expect(second.runtime.findTicket(monday.id)).toMatchObject({
      number: 'A001',
      day: '2025-03-03',
      status: 'expired',
    })
    expect(second.runtime.state().tickets.has(monday.id)).toBe(false)
  })

  it('continues numbering when the day is closed early and tickets are issued again that date', () => {
    using edge = startTestRuntime()
    edge.given.branch()
    const early = [edge.given.ticket(), edge.given.ticket(), edge.given.ticket()]
    edge.given.run({ type: 'CloseDay' })
    edge.clock.advance(minutes(10))

    const late = edge.given.ticket({ byStaff: true })

    expect(late.number).toBe('A004')
    expect(edge.runtime.findTicket(early[0]!.id)).toMatchObject({
      number: 'A001',
      status: 'expired',
    })
    expect(
      edge.database.sqlite
        .prepare('SELECT day, service_id, last_sequence FROM daily_counters')
        .all(),
    ).toEqual([{ day: '2025-03-03', service_id: 'cash', last_sequence: 4 }])
  })

  it('stamps new events after old ones even when the wall clock stepped back across a restart', () => {
    const file = tempFile()
    const first = startTestRuntime({ path: file })
    first.given.branch()
    const before = first.given.run(issue(first.ids.uuid())).events[0]!.hlc
    first[Symbol.dispose]()
    first.clock.advance(-minutes(30))

    using second = startTestRuntime({ path: file, clock: first.clock, ids: first.ids })
    const after = second.given.run(issue(second.ids.uuid())).events[0]!.hlc

    expect(after > before).toBe(true)
  })

  it('logs a listener that throws; the command and the other listeners are unaffected', () => {
    using edge = startTestRuntime()
    edge.given.branch()
    const seen: string[] = []
    edge.runtime.onCommitted(() => {
      throw new Error('display link down')
    })
    const unsubscribe = edge.runtime.onCommitted((events, state) => {
      for (const e of events)
        if (e.event.type === 'TicketIssuedV1') seen.push(`${e.event.number}/${state.tickets.size}`)
    })

    const ticket = edge.given.ticket()

    expect(ticket.number).toBe('A001')
    expect(seen).toEqual(['A001/1'])
    expect(edge.logLines).toContainEqual(
      expect.objectContaining({
        level: 50,
        msg: 'onCommitted listener failed',
        err: expect.objectContaining({ message: 'display link down' }),
      }),
    )
    unsubscribe()
    edge.given.ticket()
    expect(seen).toEqual(['A001/1'])
  })

  it('does not announce replays or refused commands to listeners', () => {
    using edge = startTestRuntime()
    edge.given.branch()
    let calls = 0
    edge.runtime.onCommitted(() => void calls++)
    const command = issue(edge.ids.uuid())
    edge.runtime.execute({ command, idempotencyKey: 'k', actor: kiosk })
    edge.runtime.execute({ command, idempotencyKey: 'k', actor: kiosk })
    thrown(() =>
      edge.runtime.execute({
        command: { type: 'CallNext', counterId: COUNTER_1 },
        idempotencyKey: 'x',
        actor: kiosk,
      }),
    )
    expect(calls).toBe(1)
  })
})
