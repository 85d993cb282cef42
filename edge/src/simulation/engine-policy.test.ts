import { QueueEvent } from '@kqms/shared/domain'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { isOpenTicket } from '../domain/state.js'
import { createEnginePolicy, orderIdleOperators } from './engine-policy.js'
import { simulateOptionsOf } from './experiment.js'
import { parseScenario } from './scenario.js'
import { generateDay } from './script.js'
import { simulateDay } from './simulator.js'

const scenario = parseScenario(
  JSON.parse(
    readFileSync(
      path.resolve(import.meta.dirname, '../../../scripts/sim/scenarios/S-busy.json'),
      'utf8',
    ),
  ),
)

describe(createEnginePolicy.name, () => {
  it('runs a whole day through decide/apply and leaves every ticket closed', () => {
    const script = generateDay(scenario, { seed: 1, replication: 2 })
    const policy = createEnginePolicy(scenario, script)
    const result = simulateDay(script, policy, simulateOptionsOf(scenario))
    expect(() => QueueEvent.array().parse(policy.events)).not.toThrow()
    expect([...policy.state().tickets.values()].filter(isOpenTicket)).toEqual([])
    const types = new Set(policy.events.map((e) => e.type))
    for (const type of [
      'TicketCalledV1',
      'TicketFinishedV1',
      'TicketNoShowV1',
      'TicketCancelledV1',
      'OperatorPausedV1',
    ])
      expect(types).toContain(type)
    expect(result.tickets.filter((t) => t.outcome === 'served').length).toBe(
      policy.events.filter((e) => e.type === 'TicketFinishedV1').length,
    )
  })
})

describe(orderIdleOperators.name, () => {
  const { operators } = generateDay(scenario, { seed: 1, replication: 1 })
  const idle = operators.map((operator) => ({ operator, idleSince: 0 }))

  it('offers a ticket to primary-skill operators first, then to the one with the fewest skills', () => {
    const order = (serviceId: string, selection: 'fewest-skills' | 'longest-idle') =>
      orderIdleOperators({ serviceId }, { idle, selection }).map((i) => i.operator.role)
    // consultation: operator (4 skills) and manager (3 skills) primary, credit secondary
    expect(order('consultation', 'fewest-skills')).toEqual(['manager', 'operator', 'credit'])
    expect(order('consultation', 'longest-idle')).toEqual(['operator', 'manager', 'credit'])
    expect(order('fx', 'fewest-skills')).toEqual(['cashier'])
  })
})
