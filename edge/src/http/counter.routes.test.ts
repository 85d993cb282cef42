import { describe, expect, it } from 'vitest'
import { minutes } from '../../test/fake-clock.js'
import { AIDA, BOLAT, CASH, COUNTER_1, COUNTER_2, LOANS } from '../../test/given.js'
import { errorCode, startTestHttp, type TestHttp } from '../../test/test-http.js'

const counter = (action = '', counterId: string = COUNTER_1) =>
  `/api/v1/counters/${counterId}${action === '' ? '' : `/${action}`}`

/** Aida signed in at counter 1 through the API, with her token. */
async function aidaAtCounter1(http: TestHttp): Promise<string> {
  const token = await http.tokenFor('operator', { operatorId: AIDA })
  const signedIn = await http.request('POST', counter('sign-in'), { token })
  expect(signedIn.status).toBe(200)
  return token
}

describe('operator flow at a counter', () => {
  it('signs in, calls next with the reason, starts and finishes', async () => {
    using http = startTestHttp()
    const token = await aidaAtCounter1(http)
    const ticket = http.given.ticket({ language: 'kk' })

    const called = await http.request('POST', counter('call-next'), { token })
    expect(called.status).toBe(200)
    expect(called.body).toMatchObject({
      outcome: 'called',
      ticket: { id: ticket.id, number: 'A001', status: 'called', counterId: COUNTER_1 },
      reason: { mode: 'next', skillLevel: 1, candidates: 1 },
    })

    const started = await http.request('POST', counter('start'), { token })
    expect(started.status).toBe(200)
    expect(started.body).toMatchObject({
      operator: { operatorId: AIDA, status: 'serving' },
      current: { id: ticket.id, status: 'serving', timerStartedAt: expect.any(String) },
    })

    http.clock.advance(minutes(3))
    const finished = await http.request('POST', counter('finish'), {
      token,
      body: { outcome: 'served' },
    })
    expect(finished.status).toBe(200)
    expect(finished.body).toMatchObject({ current: null, operator: { status: 'available' } })
    expect(http.runtime.state().tickets.get(ticket.id)).toMatchObject({ status: 'finished' })
  })

  it('answers queue_empty when nothing waits', async () => {
    using http = startTestHttp()
    const token = await aidaAtCounter1(http)
    const response = await http.request('POST', counter('call-next'), { token })
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ outcome: 'queue_empty' })
  })

  it('shows the counter: presence, current ticket, waiting list in call order with masked phones', async () => {
    using http = startTestHttp()
    const token = await aidaAtCounter1(http)
    await http.request('POST', '/api/v1/register', {
      body: { serviceId: CASH, language: 'ru', phone: '+77011234567' },
    })
    http.given.ticket({ service: LOANS })
    const view = await http.request('GET', counter(), { token })
    expect(view.status).toBe(200)
    expect(view.body).toMatchObject({
      counter: { id: COUNTER_1, label: '1' },
      operator: { operatorId: AIDA, displayName: 'Aida', status: 'available' },
      current: null,
      waiting: [
        { number: 'A001', phoneMasked: '+7701***4567', skillLevel: 1 },
        { number: 'L001', phoneMasked: null, skillLevel: 2 },
      ],
      parked: [],
    })
    expect(view.text).not.toContain('1234567')
  })

  it('refuses finish before a call (409 INVALID_TRANSITION)', async () => {
    using http = startTestHttp()
    const token = await aidaAtCounter1(http)
    http.given.ticket()
    const response = await http.request('POST', counter('finish'), {
      token,
      body: { outcome: 'served' },
    })
    expect(response.status).toBe(409)
    expect(errorCode(response)).toBe('INVALID_TRANSITION')
  })

  it('lets an operator act only at the counter they are signed in at', async () => {
    using http = startTestHttp()
    const token = await aidaAtCounter1(http)
    http.given.signIn(BOLAT, COUNTER_2)
    http.given.ticket({ service: LOANS })
    const elsewhere = await http.request('POST', counter('call-next', COUNTER_2), { token })
    expect(elsewhere.status).toBe(403)
    expect(errorCode(elsewhere)).toBe('FORBIDDEN')
    // Reading another counter is allowed.
    expect((await http.request('GET', counter('', COUNTER_2), { token })).status).toBe(200)
  })

  it('lets a manager act at any counter', async () => {
    using http = startTestHttp()
    http.given.signIn(BOLAT, COUNTER_2)
    http.given.ticket({ service: LOANS })
    const token = await http.tokenFor('manager')
    const response = await http.request('POST', counter('call-next', COUNTER_2), { token })
    expect(response.body).toMatchObject({ outcome: 'called', ticket: { number: 'L001' } })
  })

  it('lets operators sign in only as themselves; a manager may name the operator', async () => {
    using http = startTestHttp()
    const operator = await http.tokenFor('operator', { operatorId: AIDA })
    const asBolat = await http.request('POST', counter('sign-in', COUNTER_2), {
      token: operator,
      body: { operatorId: BOLAT },
    })
    expect(asBolat.status).toBe(403)
    const manager = await http.tokenFor('manager')
    const byManager = await http.request('POST', counter('sign-in', COUNTER_2), {
      token: manager,
      body: { operatorId: BOLAT },
    })
    expect(byManager.status).toBe(200)
    expect(byManager.body).toMatchObject({ operator: { operatorId: BOLAT } })
    const unlinked = await http.request('POST', counter('sign-in'), { token: manager })
    expect(unlinked.status).toBe(400)
  })

  it('refuses a second operator at a taken counter (409 COUNTER_BUSY)', async () => {
    using http = startTestHttp()
    await aidaAtCounter1(http)
    const bolat = await http.tokenFor('operator', { operatorId: BOLAT })
    const response = await http.request('POST', counter('sign-in'), { token: bolat })
    expect(response.status).toBe(409)
    expect(errorCode(response)).toBe('COUNTER_BUSY')
  })

  it('pauses with a reason and resumes', async () => {
    using http = startTestHttp()
    const token = await aidaAtCounter1(http)
    const paused = await http.request('POST', counter('pause'), {
      token,
      body: { reason: 'lunch' },
    })
    expect(paused.body).toMatchObject({ operator: { status: 'paused', pauseReason: 'lunch' } })
    const call = await http.request('POST', counter('call-next'), { token })
    expect(call.status).toBe(409)
    const resumed = await http.request('POST', counter('resume'), { token })
    expect(resumed.body).toMatchObject({ operator: { status: 'available', pauseReason: null } })
  })

  it('calls a specific ticket, recalls after the cooldown, marks a no-show, and reactivates it', async () => {
    using http = startTestHttp()
    const token = await aidaAtCounter1(http)
    http.given.ticket()
    const second = http.given.ticket()
    const called = await http.request('POST', counter('call'), {
      token,
      body: { ticketId: second.id },
    })
    expect(called.body).toMatchObject({
      outcome: 'called',
      ticket: { id: second.id },
      reason: { mode: 'specific' },
    })
    const tooSoon = await http.request('POST', counter('recall'), { token })
    expect(tooSoon.status).toBe(409)
    expect(errorCode(tooSoon)).toBe('RECALL_TOO_SOON')
    http.clock.advance(30_000)
    const recalled = await http.request('POST', counter('recall'), { token })
    expect(recalled.body).toMatchObject({ current: { id: second.id, recallCount: 1 } })
    const noShow = await http.request('POST', counter('no-show'), { token })
    expect(noShow.body).toMatchObject({ current: null })
    const reactivated = await http.request('POST', `/api/v1/tickets/${second.id}/reactivate`, {
      token,
      body: { keepPlace: true },
    })
    expect(reactivated.status).toBe(200)
    expect(reactivated.body).toMatchObject({ id: second.id, status: 'waiting' })
  })

  it('transfers the current ticket to another service', async () => {
    using http = startTestHttp()
    const token = await aidaAtCounter1(http)
    const ticket = http.given.ticket()
    await http.request('POST', counter('call-next'), { token })
    const response = await http.request('POST', counter('transfer'), {
      token,
      body: { toServiceId: LOANS, toOperatorId: BOLAT, keepPlace: true },
    })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ current: null })
    expect(http.runtime.state().tickets.get(ticket.id)).toMatchObject({
      status: 'waiting',
      serviceId: LOANS,
      assignedOperatorId: BOLAT,
    })
  })

  it('redirects a served ticket to its next planned service', async () => {
    using http = startTestHttp()
    const token = await aidaAtCounter1(http)
    const ticket = http.given.ticket({ followUpServiceIds: [LOANS] })
    await http.request('POST', counter('call-next'), { token })
    await http.request('POST', counter('start'), { token })
    const response = await http.request('POST', counter('redirect'), {
      token,
      body: { outcome: 'served', keepPlace: true },
    })
    expect(response.status).toBe(200)
    expect(http.runtime.state().tickets.get(ticket.id)).toMatchObject({
      status: 'waiting',
      serviceId: LOANS,
    })
  })

  it('parks the current ticket and resumes it later', async () => {
    using http = startTestHttp()
    const token = await aidaAtCounter1(http)
    const ticket = http.given.ticket()
    await http.request('POST', counter('call-next'), { token })
    await http.request('POST', counter('start'), { token })
    const parked = await http.request('POST', counter('park'), { token })
    expect(parked.body).toMatchObject({
      current: null,
      parked: [{ id: ticket.id, status: 'parked' }],
    })
    const resumed = await http.request('POST', counter('resume-parked'), {
      token,
      body: { ticketId: ticket.id },
    })
    expect(resumed.body).toMatchObject({
      outcome: 'called',
      ticket: { id: ticket.id },
      reason: null,
    })
  })

  it('signs out', async () => {
    using http = startTestHttp()
    const token = await aidaAtCounter1(http)
    const response = await http.request('POST', counter('sign-out'), { token })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ operator: null })
  })

  it('replays an action for a repeated Idempotency-Key instead of calling twice', async () => {
    using http = startTestHttp()
    const token = await aidaAtCounter1(http)
    http.given.ticket()
    http.given.ticket()
    const headers = { 'idempotency-key': 'terminal-1-call-0001' }
    const first = await http.request('POST', counter('call-next'), { token, headers })
    const second = await http.request('POST', counter('call-next'), { token, headers })
    expect(second.status).toBe(200)
    expect((second.body as { ticket: { id: string } }).ticket.id).toBe(
      (first.body as { ticket: { id: string } }).ticket.id,
    )
    const waiting = [...http.runtime.state().tickets.values()].filter((t) => t.status === 'waiting')
    expect(waiting).toHaveLength(1)
  })
})

describe('POST /api/v1/tickets/{ticketId}/cancel', () => {
  it('cancels a waiting ticket for a manager, and is refused to an operator', async () => {
    using http = startTestHttp()
    const ticket = http.given.ticket()
    const operator = await http.tokenFor('operator')
    const refused = await http.request('POST', `/api/v1/tickets/${ticket.id}/cancel`, {
      token: operator,
      body: { reason: 'duplicate' },
    })
    expect(refused.status).toBe(403)
    const manager = await http.tokenFor('manager')
    const cancelled = await http.request('POST', `/api/v1/tickets/${ticket.id}/cancel`, {
      token: manager,
      body: { reason: 'duplicate' },
    })
    expect(cancelled.status).toBe(200)
    expect(cancelled.body).toMatchObject({ id: ticket.id, status: 'cancelled' })
    const again = await http.request('POST', `/api/v1/tickets/${ticket.id}/cancel`, {
      token: manager,
      body: { reason: 'duplicate' },
    })
    expect(again.status).toBe(409)
  })
})
