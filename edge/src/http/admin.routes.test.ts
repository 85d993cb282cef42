import { describe, expect, it } from 'vitest'
import { AIDA, CASH, testBranch } from '../../test/given.js'
import { errorCode, startTestHttp } from '../../test/test-http.js'

const text = (en: string) => ({ kk: `${en} (kk)`, ru: `${en} (ru)`, en })
const cardsService = {
  prefix: 'C',
  name: text('Cards'),
  category: text('Everyday'),
  dailyCap: 50,
  expectedServiceSeconds: 600,
  serviceTimeCv: 0.5,
  active: true,
}

describe('administration', () => {
  it('lets an admin add a service that then shows in the public queues', async () => {
    using http = startTestHttp()
    const token = await http.tokenFor('admin')
    const put = await http.request('PUT', '/api/admin/services/cards', {
      token,
      body: cardsService,
    })
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({ id: 'cards', prefix: 'C', dailyCap: 50 })
    const queues = await http.request('GET', '/api/v1/queues')
    expect(queues.body).toMatchObject({
      queues: expect.arrayContaining([
        expect.objectContaining({ serviceId: 'cards', dailyCapRemaining: 50 }),
      ]),
    })
    const list = await http.request('GET', '/api/admin/services', { token })
    expect((list.body as { services: unknown[] }).services).toHaveLength(3)
    expect((await http.request('GET', '/api/admin/services/cards', { token })).status).toBe(200)
  })

  it('refuses a prefix already used by another service (409 CONFLICT)', async () => {
    using http = startTestHttp()
    const token = await http.tokenFor('admin')
    const response = await http.request('PUT', '/api/admin/services/cards', {
      token,
      body: { ...cardsService, prefix: 'A' },
    })
    expect(response.status).toBe(409)
    expect(errorCode(response)).toBe('CONFLICT')
  })

  it('keeps configuration for admins: a manager reads but may not change a service (403)', async () => {
    using http = startTestHttp()
    const token = await http.tokenFor('manager')
    expect((await http.request('GET', `/api/admin/services/${CASH}`, { token })).status).toBe(200)
    const put = await http.request('PUT', '/api/admin/services/cards', {
      token,
      body: cardsService,
    })
    expect(put.status).toBe(403)
    expect(errorCode(put)).toBe('FORBIDDEN')
  })

  it('lets a manager change an operator’s skills matrix', async () => {
    using http = startTestHttp()
    const token = await http.tokenFor('manager')
    const response = await http.request('PUT', `/api/admin/operators/${AIDA}`, {
      token,
      body: { displayName: 'Aida', skills: { [CASH]: 2 }, active: true },
    })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({
      operator: { id: AIDA, skills: { [CASH]: 2 } },
      presence: { status: 'offline' },
    })
    const list = await http.request('GET', '/api/admin/operators', { token })
    expect((list.body as { operators: unknown[] }).operators).toHaveLength(2)
  })

  it('refuses a skill for an unknown service (404) and a level outside 1–3 (400)', async () => {
    using http = startTestHttp()
    const token = await http.tokenFor('manager')
    const unknown = await http.request('PUT', `/api/admin/operators/${AIDA}`, {
      token,
      body: { displayName: 'Aida', skills: { nope: 1 }, active: true },
    })
    expect(unknown.status).toBe(404)
    const level = await http.request('PUT', `/api/admin/operators/${AIDA}`, {
      token,
      body: { displayName: 'Aida', skills: { [CASH]: 4 }, active: true },
    })
    expect(level.status).toBe(400)
  })

  it('reads and replaces the priority policy', async () => {
    using http = startTestHttp()
    const token = await http.tokenFor('admin')
    const policy = (await http.request('GET', '/api/admin/priority-policy', { token })).body as {
      selfDeclarable: string[]
    }
    const put = await http.request('PUT', '/api/admin/priority-policy', {
      token,
      body: { ...policy, selfDeclarable: ['elderly', 'vip'] },
    })
    expect(put.status).toBe(200)
    expect(put.body).toMatchObject({ selfDeclarable: ['elderly', 'vip'] })
    const vip = await http.request('POST', '/api/v1/register', {
      body: { serviceId: CASH, language: 'ru', priorityClass: 'vip' },
    })
    expect(vip.status).toBe(201)
  })

  it('configures counters and the branch; refuses an unknown time zone (422)', async () => {
    using http = startTestHttp()
    const token = await http.tokenFor('admin')
    const counter = await http.request('PUT', '/api/admin/counters/c-03', {
      token,
      body: { label: '3', name: text('Counter 3'), active: true },
    })
    expect(counter.status).toBe(200)
    expect((await http.request('GET', '/api/admin/counters', { token })).body).toMatchObject({
      counters: expect.arrayContaining([expect.objectContaining({ id: 'c-03' })]),
    })
    expect((await http.request('GET', '/api/admin/counters/c-03', { token })).status).toBe(200)
    const branch = await http.request('PUT', '/api/admin/branch', {
      token,
      body: { ...testBranch, name: text('Renamed') },
    })
    expect(branch.status).toBe(200)
    expect((await http.request('GET', '/api/admin/branch', { token })).body).toMatchObject({
      name: { en: 'Renamed' },
    })
    const zone = await http.request('PUT', '/api/admin/branch', {
      token,
      body: { ...testBranch, timeZone: 'Mars/Olympus' },
    })
    expect(zone.status).toBe(422)
    expect(errorCode(zone)).toBe('INVALID_CONFIGURATION')
    const otherBranch = await http.request('PUT', '/api/admin/branch', {
      token,
      body: { ...testBranch, id: 'astana-01' },
    })
    expect(otherBranch.status).toBe(409)
  })

  it('creates staff accounts (admin only) and never lists their secrets', async () => {
    using http = startTestHttp()
    const token = await http.tokenFor('admin')
    const created = await http.request('POST', '/api/admin/users', {
      token,
      body: { login: 'dana', displayName: 'Dana', role: 'operator', pin: '8642', operatorId: AIDA },
    })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ login: 'dana', role: 'operator', operatorId: AIDA })
    const duplicate = await http.request('POST', '/api/admin/users', {
      token,
      body: { login: 'dana', displayName: 'Dana', role: 'operator', pin: '8642' },
    })
    expect(duplicate.status).toBe(409)
    const unknownOperator = await http.request('POST', '/api/admin/users', {
      token,
      body: {
        login: 'erlan',
        displayName: 'Erlan',
        role: 'operator',
        pin: '8642',
        operatorId: 'ghost',
      },
    })
    expect(unknownOperator.status).toBe(404)
    const list = await http.request('GET', '/api/admin/users', { token })
    expect(list.status).toBe(200)
    expect(list.text).not.toContain('scrypt')
    expect((list.body as { users: unknown[] }).users).toHaveLength(2)
    const login = await http.request('POST', '/api/v1/auth/login', {
      body: { login: 'dana', pin: '8642' },
    })
    expect(login.status).toBe(200)
  })

  it('closes the day: open tickets expire; numbers are not reused the same day', async () => {
    using http = startTestHttp()
    http.given.ticket()
    http.given.ticket()
    const token = await http.tokenFor('manager')
    const closed = await http.request('POST', '/api/admin/day/close', { token })
    expect(closed.status).toBe(200)
    expect(closed.body).toEqual({ closed: true, day: '2025-03-03', expiredTickets: 2 })
    const again = await http.request('POST', '/api/admin/day/close', { token })
    expect(again.body).toEqual({ closed: false, day: null, expiredTickets: 0 })
    const issued = await http.request('POST', '/api/v1/register', {
      body: { serviceId: CASH, language: 'ru' },
    })
    expect(issued.body).toMatchObject({ number: 'A003', status: 'waiting' })
    const expired = [...http.runtime.state().tickets.values()].filter((t) => t.status === 'waiting')
    expect(expired).toHaveLength(1)
  })
})
