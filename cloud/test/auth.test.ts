import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import type { StaffLoginResponse, StaffSessionView } from '@kqms/shared/cloud'
import type { CloudDatabase } from '../src/db/open-database.js'
import { DEMO_ADMIN_TOTP_SECRET, DEMO_USERS } from '../src/demo.js'
import { createUser } from '../src/usecases/staff-auth.js'
import {
  createTestCloud,
  driversToRun,
  lastOtpCode,
  openTestDatabase,
  otpCount,
  totpCode,
  type TestCloud,
} from './test-cloud.js'

describe.each(driversToRun())('sign-in on %s', (driver) => {
  let database: CloudDatabase
  let cloud: TestCloud
  beforeAll(async () => {
    database = await openTestDatabase(driver)
  })
  afterAll(async () => {
    await database.close()
  })
  beforeEach(async () => {
    cloud = await createTestCloud(database)
  })

  const login = (body: unknown) => cloud.request('/api/admin/auth/login', { body })

  describe('staff', () => {
    it('asks an administrator for a TOTP code and signs in only with the right one', async () => {
      const first = await login(DEMO_USERS.admin)
      expect(first.status).toBe(200)
      const challenge = first.body as Extract<StaffLoginResponse, { status: 'totp-required' }>
      expect(challenge.status).toBe('totp-required')
      expect(challenge).not.toHaveProperty('session')
      const wrong = await cloud.request('/api/admin/auth/totp', {
        body: {
          challengeId: challenge.challengeId,
          code:
            '000000' === totpCode(DEMO_ADMIN_TOTP_SECRET, cloud.clock.now()) ? '111111' : '000000',
        },
      })
      expect(wrong.status).toBe(401)
      expect(wrong.body).toMatchObject({ error: { code: 'CODE_INVALID' } })
      const right = await cloud.request('/api/admin/auth/totp', {
        body: {
          challengeId: challenge.challengeId,
          code: totpCode(DEMO_ADMIN_TOTP_SECRET, cloud.clock.now()),
        },
      })
      expect(right.status).toBe(200)
      const session = right.body as StaffSessionView
      expect(session.user).toMatchObject({
        email: 'admin@kqms.demo',
        role: 'central-admin',
        totpEnrolled: true,
      })
      const me = await cloud.request('/api/admin/auth/me', { token: session.token })
      expect(me.body).toMatchObject({ user: { email: 'admin@kqms.demo' } })
      // The challenge is single use.
      const replay = await cloud.request('/api/admin/auth/totp', {
        body: {
          challengeId: challenge.challengeId,
          code: totpCode(DEMO_ADMIN_TOTP_SECRET, cloud.clock.now()),
        },
      })
      expect(replay.status).toBe(401)
    })

    it('accepts a TOTP code only once (a replayed code is refused)', async () => {
      const code = totpCode(DEMO_ADMIN_TOTP_SECRET, cloud.clock.now())
      const first = (await login(DEMO_USERS.admin)).body as { challengeId: string }
      const ok = await cloud.request('/api/admin/auth/totp', {
        body: { challengeId: first.challengeId, code },
      })
      expect(ok.status).toBe(200)
      const second = (await login(DEMO_USERS.admin)).body as { challengeId: string }
      const replay = await cloud.request('/api/admin/auth/totp', {
        body: { challengeId: second.challengeId, code },
      })
      expect(replay.status).toBe(401)
      cloud.clock.advance(30_000)
      const next = await cloud.request('/api/admin/auth/totp', {
        body: {
          challengeId: second.challengeId,
          code: totpCode(DEMO_ADMIN_TOTP_SECRET, cloud.clock.now()),
        },
      })
      expect(next.status).toBe(200)
    })

    it('expires a TOTP challenge after five minutes', async () => {
      const challenge = (await login(DEMO_USERS.admin)).body as { challengeId: string }
      cloud.clock.advance(5 * 60_000 + 1)
      const late = await cloud.request('/api/admin/auth/totp', {
        body: {
          challengeId: challenge.challengeId,
          code: totpCode(DEMO_ADMIN_TOTP_SECRET, cloud.clock.now()),
        },
      })
      expect(late.status).toBe(401)
    })

    it('signs an analyst in with the password alone', async () => {
      const answer = await login(DEMO_USERS.analyst)
      expect(answer.body).toMatchObject({
        status: 'signed-in',
        session: { user: { role: 'analyst' } },
      })
    })

    it('makes a new administrator enrol TOTP at first sign-in, then asks for codes', async () => {
      await createUser(cloud.deps, {
        actor: null,
        user: {
          email: 'root@kqms.test',
          displayName: 'Root',
          role: 'central-admin',
          branchIds: [],
          password: 'a-very-long-password',
        },
      })
      const first = (await login({ email: 'root@kqms.test', password: 'a-very-long-password' }))
        .body as Extract<StaffLoginResponse, { status: 'totp-enrolment-required' }>
      expect(first.status).toBe('totp-enrolment-required')
      expect(first.otpauthUrl).toMatch(/^otpauth:\/\/totp\/KQMS:root%40kqms\.test\?/)
      const done = await cloud.request('/api/admin/auth/totp', {
        body: { challengeId: first.challengeId, code: totpCode(first.secret, cloud.clock.now()) },
      })
      expect(done.status).toBe(200)
      const second = (await login({ email: 'root@kqms.test', password: 'a-very-long-password' }))
        .body
      expect(second).toMatchObject({ status: 'totp-required' })
      const audit = await cloud.request('/api/admin/audit?entity=user', {
        token: (done.body as StaffSessionView).token,
      })
      const actions = (audit.body as { entries: { action: string; after: unknown }[] }).entries.map(
        (e) => e.action,
      )
      expect(actions).toContain('user.totp-enrol')
      expect(JSON.stringify(audit.body)).not.toContain(first.secret)
    })

    it('refuses a wrong password and an unknown user alike', async () => {
      expect((await login({ email: 'admin@kqms.demo', password: 'wrong-password' })).status).toBe(
        401,
      )
      expect(
        (await login({ email: 'nobody@kqms.demo', password: 'whatever-password' })).status,
      ).toBe(401)
    })

    it('throttles brute force: after 5 failures even the right password waits, with Retry-After', async () => {
      for (let n = 0; n < 5; n++)
        expect((await login({ email: 'analyst@kqms.demo', password: `guess-${n}` })).status).toBe(
          401,
        )
      const blocked = await login(DEMO_USERS.analyst)
      expect(blocked.status).toBe(429)
      expect(blocked.body).toMatchObject({ error: { code: 'TOO_MANY_ATTEMPTS' } })
      expect(Number(blocked.headers.get('retry-after'))).toBeGreaterThan(0)
      cloud.clock.advance(15 * 60_000 + 1000)
      expect((await login(DEMO_USERS.analyst)).status).toBe(200)
    })

    it('ends the session at sign-out and after the idle lifetime', async () => {
      const token = await cloud.staffToken('analyst')
      expect((await cloud.request('/api/admin/auth/me', { token })).status).toBe(200)
      cloud.clock.advance(61 * 60_000)
      expect((await cloud.request('/api/admin/auth/me', { token })).status).toBe(401)
      const second = await cloud.staffToken('analyst')
      expect(
        (await cloud.request('/api/admin/auth/logout', { method: 'POST', token: second })).status,
      ).toBe(204)
      expect((await cloud.request('/api/admin/auth/me', { token: second })).status).toBe(401)
    })
  })

  describe('customers', () => {
    it('signs a customer in with the SMS code sent through the outbox', async () => {
      const sent = await cloud.request('/api/v1/auth/otp', {
        body: { phone: '+77011234567', language: 'kk' },
      })
      expect(sent.status).toBe(202)
      const code = await lastOtpCode(cloud.deps, '+77011234567')
      const wrong = await cloud.request('/api/v1/auth/verify', {
        body: { phone: '+77011234567', code: code === '123456' ? '654321' : '123456' },
      })
      expect(wrong.body).toMatchObject({ error: { code: 'CODE_INVALID' } })
      const ok = await cloud.request('/api/v1/auth/verify', {
        body: { phone: '+77011234567', code },
      })
      expect(ok.status).toBe(200)
      expect(ok.body).toMatchObject({ phone: '+7701•••••67' })
      // A code works once.
      expect(
        (await cloud.request('/api/v1/auth/verify', { body: { phone: '+77011234567', code } }))
          .status,
      ).toBe(401)
    })

    it('rate-limits codes: one a minute and five an hour per phone', async () => {
      const phone = '+77017654321'
      expect((await cloud.request('/api/v1/auth/otp', { body: { phone } })).status).toBe(202)
      const tooSoon = await cloud.request('/api/v1/auth/otp', { body: { phone } })
      expect(tooSoon.status).toBe(429)
      expect(tooSoon.headers.get('retry-after')).toBe('60')
      for (let n = 0; n < 4; n++) {
        cloud.clock.advance(61_000)
        expect((await cloud.request('/api/v1/auth/otp', { body: { phone } })).status).toBe(202)
      }
      cloud.clock.advance(61_000)
      expect((await cloud.request('/api/v1/auth/otp', { body: { phone } })).status).toBe(429)
      expect(await otpCount(cloud.deps, phone)).toBe(5)
      // Another phone is not affected.
      expect(
        (await cloud.request('/api/v1/auth/otp', { body: { phone: '+77010000000' } })).status,
      ).toBe(202)
    })

    it('spends a code after five wrong guesses', async () => {
      const phone = '+77015550001'
      await cloud.request('/api/v1/auth/otp', { body: { phone } })
      const code = await lastOtpCode(cloud.deps, phone)
      const wrong = code === '000000' ? '000001' : '000000'
      for (let n = 0; n < 5; n++)
        await cloud.request('/api/v1/auth/verify', { body: { phone, code: wrong } })
      expect((await cloud.request('/api/v1/auth/verify', { body: { phone, code } })).status).toBe(
        401,
      )
    })
  })
})
