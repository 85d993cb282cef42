import { describe, expect, it } from 'vitest'
import { AIDA, BOLAT, CASH, COUNTER_1, LOANS } from '../../test/given.js'
import { errorCode, PUBLIC_BASE_URL, startTestHttp } from '../../test/test-http.js'

const register = (body: Record<string, unknown>, headers: Record<string, string> = {}) => ({
  body: { serviceId: CASH, language: 'kk', ...body },
  headers,
})

describe('GET /api/v1/branches', () => {
  it('describes this branch with its local opening state', async () => {
    using http = startTestHttp()
    const response = await http.request('GET', '/api/v1/branches')
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({
      branches: [
        {
          id: 'almaty-test',
          name: { kk: 'Almaty Test (kk)', ru: 'Almaty Test (ru)', en: 'Almaty Test' },
          timeZone: 'Asia/Almaty',
          isOpen: true,
        },
      ],
    })
  })

  it('says closed on Sunday', async () => {
    using http = startTestHttp()
    http.clock.set('2025-03-02T12:00:00+05:00')
    const response = await http.request('GET', '/api/v1/branches')
    expect(response.body).toMatchObject({ branches: [{ isOpen: false }] })
  })
})

describe('GET /api/v1/queues', () => {
  it('lists each active service with waiting count, new-ticket wait and no cap', async () => {
    using http = startTestHttp()
    http.given.openCounters()
    http.given.ticket()
    http.given.ticket()
    const response = await http.request('GET', '/api/v1/queues')
    expect(response.status).toBe(200)
    const body = response.body as { queues: { serviceId: string; newTicketWait: unknown }[] }
    expect(body.queues.map((q) => q.serviceId)).toEqual([CASH, LOANS])
    expect(body.queues[0]).toMatchObject({
      prefix: 'A',
      isOpen: true,
      waiting: 2,
      dailyCapRemaining: null,
      newTicketWait: { expectedSeconds: expect.any(Number), lowMinutes: expect.any(Number) },
    })
  })

  it('estimates from the configured operators when nobody has signed in yet', async () => {
    using http = startTestHttp()
    http.given.ticket()
    const response = await http.request('GET', '/api/v1/queues')
    const body = response.body as { queues: { newTicketWait: unknown }[] }
    expect(body.queues[0]?.newTicketWait).toMatchObject({ expectedSeconds: expect.any(Number) })
  })

  it('shows no wait while the branch is closed, instead of a misleading "0 min"', async () => {
    using http = startTestHttp()
    http.given.openCounters()
    http.clock.advance(12 * 60 * 60_000) // Monday 22:00 in Almaty
    const response = await http.request('GET', '/api/v1/queues')
    const body = response.body as { queues: { isOpen: boolean; newTicketWait: unknown }[] }
    expect(body.queues[0]).toMatchObject({ isOpen: false, newTicketWait: null })
  })
})

describe('POST /api/v1/register', () => {
  it('issues a ticket in Kazakh with position, wait range and status URL', async () => {
    using http = startTestHttp()
    http.given.openCounters()
    http.given.ticket()
    const response = await http.request('POST', '/api/v1/register', register({}))
    expect(response.status).toBe(201)
    const ticket = response.body as {
      id: string
      wait: { lowMinutes: number; highMinutes: number }
    }
    expect(response.body).toMatchObject({
      number: 'A002',
      language: 'kk',
      priorityClass: 'regular',
      status: 'waiting',
      service: { id: CASH, prefix: 'A' },
      position: 2,
      wait: {
        expectedSeconds: expect.any(Number),
        lowSeconds: expect.any(Number),
        highSeconds: expect.any(Number),
      },
      statusUrl: `${PUBLIC_BASE_URL}/api/v1/status/${ticket.id}`,
    })
    expect(ticket.wait.lowMinutes).toBeLessThanOrEqual(ticket.wait.highMinutes)
  })

  it('returns the same ticket with 200 for a repeated Idempotency-Key', async () => {
    using http = startTestHttp()
    const key = { 'idempotency-key': 'kiosk-1-000042' }
    const first = await http.request('POST', '/api/v1/register', register({}, key))
    const second = await http.request('POST', '/api/v1/register', register({}, key))
    expect(first.status).toBe(201)
    expect(second.status).toBe(200)
    expect((second.body as { id: string }).id).toBe((first.body as { id: string }).id)
    expect(http.runtime.state().tickets.size).toBe(1)
  })

  it('returns the first ticket, closed, for a retry after its day was closed', async () => {
    using http = startTestHttp()
    const key = { 'idempotency-key': 'kiosk-1-000044' }
    const first = await http.request('POST', '/api/v1/register', register({}, key))
    http.clock.set('2025-03-04T10:00:00+05:00')
    http.given.run({ type: 'CloseDay' })
    const retry = await http.request('POST', '/api/v1/register', register({}, key))
    expect(retry.status).toBe(200)
    expect(retry.body).toMatchObject({
      id: (first.body as { id: string }).id,
      number: 'A001',
      day: '2025-03-03',
      status: 'expired',
      position: null,
      wait: null,
    })
  })

  it('refuses the same Idempotency-Key with a different body (409)', async () => {
    using http = startTestHttp()
    const key = { 'idempotency-key': 'kiosk-1-000043' }
    await http.request('POST', '/api/v1/register', register({}, key))
    const response = await http.request(
      'POST',
      '/api/v1/register',
      register({ serviceId: LOANS }, key),
    )
    expect(response.status).toBe(409)
    expect(errorCode(response)).toBe('CONFLICT')
  })

  it('masks a full phone number at once and never stores or logs it', async () => {
    using http = startTestHttp()
    const response = await http.request(
      'POST',
      '/api/v1/register',
      register({ phone: '+7 701 123 4567' }),
    )
    expect(response.status).toBe(201)
    expect(response.body).toMatchObject({ phoneMasked: '+7701***4567' })
    const everything = [
      JSON.stringify(http.database.sqlite.prepare('SELECT * FROM events').all()),
      JSON.stringify(http.database.sqlite.prepare('SELECT * FROM tickets').all()),
      JSON.stringify(http.database.sqlite.prepare('SELECT * FROM sync_outbox').all()),
      JSON.stringify(http.httpLogLines),
      JSON.stringify(http.logLines),
    ].join('\n')
    expect(everything).not.toContain('1234567')
    expect(everything).not.toContain('123 4567')
  })

  it('accepts an already masked phone', async () => {
    using http = startTestHttp()
    const response = await http.request(
      'POST',
      '/api/v1/register',
      register({ phoneMasked: '+7701***4567' }),
    )
    expect(response.status).toBe(201)
    expect(response.body).toMatchObject({ phoneMasked: '+7701***4567' })
  })

  it('lets customers declare the self-declarable class but not VIP (403)', async () => {
    using http = startTestHttp()
    const elderly = await http.request(
      'POST',
      '/api/v1/register',
      register({ priorityClass: 'elderly' }),
    )
    expect(elderly.status).toBe(201)
    const vip = await http.request('POST', '/api/v1/register', register({ priorityClass: 'vip' }))
    expect(vip.status).toBe(403)
    expect(errorCode(vip)).toBe('PRIORITY_NOT_ALLOWED')
  })

  it('lets staff issue any class', async () => {
    using http = startTestHttp()
    const token = await http.tokenFor('operator')
    const vip = await http.request('POST', '/api/v1/register', {
      ...register({ priorityClass: 'vip' }),
      token,
    })
    expect(vip.status).toBe(201)
    expect(vip.body).toMatchObject({ priorityClass: 'vip' })
  })

  it('refuses an unknown service with 404', async () => {
    using http = startTestHttp()
    const response = await http.request('POST', '/api/v1/register', register({ serviceId: 'nope' }))
    expect(response.status).toBe(404)
    expect(errorCode(response)).toBe('NOT_FOUND')
  })

  it('refuses a kiosk ticket outside opening hours (409 SERVICE_CLOSED)', async () => {
    using http = startTestHttp()
    http.clock.set('2025-03-03T20:00:00+05:00')
    const response = await http.request('POST', '/api/v1/register', register({}))
    expect(response.status).toBe(409)
    expect(errorCode(response)).toBe('SERVICE_CLOSED')
  })

  it('names every invalid field', async () => {
    using http = startTestHttp()
    const response = await http.request('POST', '/api/v1/register', {
      body: { serviceId: 7, language: 'de', extra: true },
    })
    expect(response.status).toBe(400)
    expect(errorCode(response)).toBe('VALIDATION_FAILED')
    const message = (response.body as { error: { message: string } }).error.message
    expect(message).toContain('body.serviceId')
    expect(message).toContain('body.language')
    expect(message).toContain('extra')
  })
})

describe('GET /api/v1/status/{ticketId}', () => {
  it('shows position and wait while waiting, in the ticket language', async () => {
    using http = startTestHttp()
    http.given.openCounters()
    const issued = await http.request('POST', '/api/v1/register', register({ language: 'en' }))
    const id = (issued.body as { id: string }).id
    const response = await http.request('GET', `/api/v1/status/${id}`)
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({
      status: 'waiting',
      number: 'A001',
      position: 1,
      counter: null,
      message: 'Ticket A001 is in the queue, your place: 1',
    })
  })

  it.each([
    ['kk', '1 терезесіне өтіңіз'],
    ['ru', 'Пройдите к окну 1'],
    ['en', 'Please go to counter 1'],
  ])('says "go to counter N" in %s after a call', async (language, message) => {
    using http = startTestHttp()
    http.given.signIn(AIDA, COUNTER_1)
    const issued = await http.request('POST', '/api/v1/register', register({ language }))
    const id = (issued.body as { id: string }).id
    http.given.run({ type: 'CallNext', counterId: COUNTER_1 })
    const response = await http.request('GET', `/api/v1/status/${id}`)
    expect(response.body).toMatchObject({
      status: 'called',
      position: null,
      wait: null,
      counter: { id: COUNTER_1, label: '1' },
      message,
    })
  })

  it('shows a ticket of a past day from the archive', async () => {
    using http = startTestHttp()
    http.given.signIn(BOLAT, 'c-02' as never)
    const issued = await http.request('POST', '/api/v1/register', register({ language: 'ru' }))
    const id = (issued.body as { id: string }).id
    http.clock.set('2025-03-04T10:00:00+05:00')
    http.given.run({ type: 'CloseDay' })
    const response = await http.request('GET', `/api/v1/status/${id}`)
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({
      status: 'expired',
      number: 'A001',
      message: 'Срок действия талона истёк',
    })
  })

  it('answers 404 for an unknown ticket and 400 for a malformed id', async () => {
    using http = startTestHttp()
    const unknown = await http.request('GET', '/api/v1/status/00000000-0000-7000-8000-0000000fffff')
    expect(unknown.status).toBe(404)
    expect(errorCode(unknown)).toBe('NOT_FOUND')
    const malformed = await http.request('GET', '/api/v1/status/not-a-ticket')
    expect(malformed.status).toBe(400)
    expect(errorCode(malformed)).toBe('VALIDATION_FAILED')
  })
})
