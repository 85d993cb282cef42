import { describe, expect, it } from 'vitest'
import { minutes } from '../../../test/fake-clock.js'
import { errorCode, startTestHttp } from '../../../test/test-http.js'
import { createUser } from './users.js'

async function withUser(http: ReturnType<typeof startTestHttp>, secret = 'correct-horse-1') {
  await createUser(
    { database: http.database, clock: http.clock, ids: http.ids },
    { login: 'gulnar', displayName: 'Gulnar', role: 'manager', secret, operatorId: null },
  )
}

describe('POST /api/v1/auth/login', () => {
  it('returns a bearer token, its expiry and the user', async () => {
    using http = startTestHttp()
    await withUser(http)
    const response = await http.request('POST', '/api/v1/auth/login', {
      body: { login: 'gulnar', password: 'correct-horse-1' },
    })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({
      token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      expiresAt: new Date(http.clock.now() + minutes(30)).toISOString(),
      user: { login: 'gulnar', role: 'manager', operatorId: null, active: true },
    })
  })

  it('stores only the sha256 of the token and the scrypt hash of the secret', async () => {
    using http = startTestHttp()
    await withUser(http)
    const response = await http.request('POST', '/api/v1/auth/login', {
      body: { login: 'gulnar', password: 'correct-horse-1' },
    })
    const token = (response.body as { token: string }).token
    const dump = JSON.stringify([
      http.database.sqlite.prepare('SELECT * FROM sessions').all(),
      http.database.sqlite.prepare('SELECT * FROM users').all(),
    ])
    expect(dump).not.toContain(token)
    expect(dump).not.toContain('correct-horse-1')
    expect(dump).toMatch(/scrypt\$16384\$8\$1\$/)
  })

  it('refuses a wrong secret and an unknown login alike (401)', async () => {
    using http = startTestHttp()
    await withUser(http)
    const wrong = await http.request('POST', '/api/v1/auth/login', {
      body: { login: 'gulnar', password: 'wrong-password' },
    })
    const unknown = await http.request('POST', '/api/v1/auth/login', {
      body: { login: 'nobody', password: 'wrong-password' },
    })
    expect([wrong.status, unknown.status]).toEqual([401, 401])
    expect(wrong.body).toEqual(unknown.body)
  })

  it('throttles a login after 5 failures within 15 minutes (429), even with the right secret', async () => {
    using http = startTestHttp()
    await withUser(http)
    for (let i = 0; i < 5; i++) {
      const failed = await http.request('POST', '/api/v1/auth/login', {
        body: { login: 'gulnar', password: `wrong-${i}` },
        ip: `203.0.113.${i}`,
      })
      expect(failed.status).toBe(401)
    }
    const blocked = await http.request('POST', '/api/v1/auth/login', {
      body: { login: 'gulnar', password: 'correct-horse-1' },
      ip: '203.0.113.99',
    })
    expect(blocked.status).toBe(429)
    expect(errorCode(blocked)).toBe('TOO_MANY_ATTEMPTS')
    expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)

    http.clock.advance(minutes(15))
    const later = await http.request('POST', '/api/v1/auth/login', {
      body: { login: 'gulnar', password: 'correct-horse-1' },
      ip: '203.0.113.99',
    })
    expect(later.status).toBe(200)
  })

  it('throttles an address after 5 failures across logins', async () => {
    using http = startTestHttp()
    await withUser(http)
    for (let i = 0; i < 5; i++)
      await http.request('POST', '/api/v1/auth/login', {
        body: { login: `guess-${i}`, password: 'whatever-1' },
        ip: '203.0.113.7',
      })
    const blocked = await http.request('POST', '/api/v1/auth/login', {
      body: { login: 'gulnar', password: 'correct-horse-1' },
      ip: '203.0.113.7',
    })
    expect(blocked.status).toBe(429)
    const elsewhere = await http.request('POST', '/api/v1/auth/login', {
      body: { login: 'gulnar', password: 'correct-horse-1' },
      ip: '203.0.113.8',
    })
    expect(elsewhere.status).toBe(200)
  })

  it('accepts a PIN for an account created with a PIN', async () => {
    using http = startTestHttp()
    await createUser(
      { database: http.database, clock: http.clock, ids: http.ids },
      { login: 'aida', displayName: 'Aida', role: 'operator', secret: '2468', operatorId: 'aida' },
    )
    const response = await http.request('POST', '/api/v1/auth/login', {
      body: { login: 'aida', pin: '2468' },
    })
    expect(response.status).toBe(200)
    expect(response.body).toMatchObject({ user: { role: 'operator', operatorId: 'aida' } })
  })

  it('wants exactly one of password or pin', async () => {
    using http = startTestHttp()
    const both = await http.request('POST', '/api/v1/auth/login', {
      body: { login: 'gulnar', password: 'a', pin: '1234' },
    })
    const neither = await http.request('POST', '/api/v1/auth/login', { body: { login: 'gulnar' } })
    expect([both.status, neither.status]).toEqual([400, 400])
  })
})

describe('sessions', () => {
  it('GET /api/v1/auth/me answers for a live session and slides its expiry', async () => {
    using http = startTestHttp()
    const token = await http.tokenFor('manager')
    http.clock.advance(minutes(20))
    const me = await http.request('GET', '/api/v1/auth/me', { token })
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({
      user: { role: 'manager' },
      expiresAt: new Date(http.clock.now() + minutes(30)).toISOString(),
    })
    http.clock.advance(minutes(20)) // 40 min after login, 20 after the last request
    expect((await http.request('GET', '/api/v1/auth/me', { token })).status).toBe(200)
  })

  it('expires a session idle for longer than the TTL', async () => {
    using http = startTestHttp()
    const token = await http.tokenFor('manager')
    http.clock.advance(minutes(31))
    const me = await http.request('GET', '/api/v1/auth/me', { token })
    expect(me.status).toBe(401)
    expect(errorCode(me)).toBe('UNAUTHENTICATED')
  })

  it('ends the session on logout', async () => {
    using http = startTestHttp()
    const token = await http.tokenFor('operator')
    expect((await http.request('POST', '/api/v1/auth/logout', { token })).status).toBe(200)
    expect((await http.request('GET', '/api/v1/auth/me', { token })).status).toBe(401)
  })

  it('refuses a malformed Authorization header even on public routes (401)', async () => {
    using http = startTestHttp()
    for (const authorization of [
      'Basic abc',
      'Bearer',
      'Bearer not-a-token',
      `Bearer ${'x'.repeat(43)}`,
    ]) {
      const response = await http.request('GET', '/api/v1/queues', { headers: { authorization } })
      expect(response.status).toBe(401)
      expect(errorCode(response)).toBe('UNAUTHENTICATED')
    }
  })
})
