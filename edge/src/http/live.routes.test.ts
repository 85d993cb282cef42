import { describe, expect, it } from 'vitest'
import { AIDA, BOLAT, CASH, COUNTER_1, COUNTER_2 } from '../../test/given.js'
import { minutes } from '../../test/fake-clock.js'
import { startTestHttp } from '../../test/test-http.js'

describe('GET /api/v1/hall/now-serving', () => {
  it('lists the last calls newest first with counter label and ticket language', async () => {
    using http = startTestHttp()
    http.given.openCounters()
    const first = http.given.ticket({ language: 'kk' })
    const second = http.given.ticket({ language: 'en' })
    http.given.run({ type: 'CallNext', counterId: COUNTER_1 })
    http.clock.advance(5_000)
    http.given.run({ type: 'CallNext', counterId: COUNTER_2 })
    const response = await http.request('GET', '/api/v1/hall/now-serving')
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({
      items: [
        { ticketId: second.id, number: 'A002', counterLabel: '2', language: 'en', recallCount: 0 },
        { ticketId: first.id, number: 'A001', counterLabel: '1', language: 'kk', recallCount: 0 },
      ],
      ts: http.clock.now(),
    })
  })

  it('moves a recalled ticket to the top with its recall count', async () => {
    using http = startTestHttp()
    http.given.openCounters()
    http.given.ticket()
    http.given.ticket()
    http.given.run({ type: 'CallNext', counterId: COUNTER_1 })
    http.clock.advance(1_000)
    http.given.run({ type: 'CallNext', counterId: COUNTER_2 })
    http.clock.advance(minutes(1))
    http.given.run({ type: 'Recall', counterId: COUNTER_1 })
    const response = await http.request('GET', '/api/v1/hall/now-serving')
    expect(response.body).toMatchObject({
      items: [
        { number: 'A001', recallCount: 1 },
        { number: 'A002', recallCount: 0 },
      ],
    })
  })
})

describe('counter state', () => {
  it('shows what a counter display shows, publicly', async () => {
    using http = startTestHttp()
    http.given.openCounters()
    http.given.ticket({ language: 'kk' })
    http.given.run({ type: 'CallNext', counterId: COUNTER_1 })
    const one = await http.request('GET', `/api/v1/counters/${COUNTER_1}/state`)
    expect(one.status).toBe(200)
    expect(one.body).toMatchObject({
      counterId: COUNTER_1,
      label: '1',
      current: { number: 'A001', status: 'called', language: 'kk', recallCount: 0 },
      operator: { operatorId: AIDA, status: 'serving' },
    })
    const all = await http.request('GET', '/api/v1/counters')
    expect(all.body).toMatchObject({
      counters: [
        { counterId: COUNTER_1, current: { number: 'A001' } },
        { counterId: COUNTER_2, current: null, operator: { operatorId: BOLAT } },
      ],
    })
  })

  it('404s an unknown counter', async () => {
    using http = startTestHttp()
    const response = await http.request('GET', '/api/v1/counters/nope/state')
    expect(response.status).toBe(404)
  })
})

describe('GET /api/admin/live', () => {
  it('puts a ticket near its class limit at risk and one past it in breach, worst first', async () => {
    using http = startTestHttp()
    const manager = await http.tokenFor('manager')
    const breached = http.given.ticket({ priorityClass: 'elderly' })
    http.clock.advance(minutes(14))
    const atRisk = http.given.ticket() // regular: 25 min limit, nobody serves it yet
    http.clock.advance(minutes(6)) // elderly waited 20 of 15 min; regular 6 of 25 min
    const response = await http.request('GET', '/api/admin/live', { token: manager })
    expect(response.status).toBe(200)
    const body = response.body as {
      alerts: { ticketId: string; state: string }[]
      services: { serviceId: string; sla: string; waiting: number }[]
    }
    expect(body.alerts[0]).toMatchObject({ ticketId: breached.id, state: 'breached' })
    expect(body.alerts.find((a) => a.ticketId === atRisk.id)?.state ?? 'ok').not.toBe('breached')
    expect(body.services.find((s) => s.serviceId === CASH)).toMatchObject({
      sla: 'breached',
      waiting: 2,
    })
  })

  it('is for managers', async () => {
    using http = startTestHttp()
    const operator = await http.tokenFor('operator')
    const response = await http.request('GET', '/api/admin/live', { token: operator })
    expect(response.status).toBe(403)
  })
})
