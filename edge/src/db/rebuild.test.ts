import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { CASH, LOANS } from '../../test/given.js'
import { randomSteps, runSteps } from '../../test/random-steps.js'
import { dumpProjections, startTestRuntime, tableCounts } from '../../test/test-runtime.js'
import { rebuildProjections } from './projection.store.js'

describe(rebuildProjections.name, () => {
  it('rebuilds byte-identical projection tables from the event log after random operating days', () => {
    fc.assert(
      fc.property(randomSteps(), (steps) => {
        using edge = startTestRuntime()
        edge.given.branch()
        edge.given.openCounters()
        runSteps(edge, steps)
        const live = dumpProjections(edge.database.sqlite)
        const events = edge.runtime.eventCount()

        expect(rebuildProjections(edge.database)).toEqual({ events })
        expect(dumpProjections(edge.database.sqlite)).toStrictEqual(live)
      }),
      { numRuns: 60 },
    )
  })

  it('repairs damaged projections and leaves the event log, outbox and command log alone', () => {
    using edge = startTestRuntime()
    edge.given.branch()
    const ticket = edge.given.ticket({ service: CASH })
    edge.given.ticket({ service: LOANS })
    const live = dumpProjections(edge.database.sqlite)
    const counts = tableCounts(edge.database.sqlite)
    const { sqlite } = edge.database
    sqlite.prepare("UPDATE tickets SET status = 'cancelled' WHERE id = ?").run(ticket.id)
    sqlite.prepare("DELETE FROM services WHERE id = 'loans'").run()
    sqlite.prepare("INSERT INTO counters VALUES ('ghost', '9', '{}', 1)").run()

    rebuildProjections(edge.database)

    expect(dumpProjections(sqlite)).toStrictEqual(live)
    expect(tableCounts(sqlite)).toEqual(counts)
    expect(edge.runtime.findTicket(ticket.id)).toMatchObject({ status: 'waiting' })
  })
})
