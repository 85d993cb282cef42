import { maskPhone } from '@kqms/shared/cloud'
import * as OTPAuth from 'otpauth'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEMO_ADMIN_TOTP_SECRET } from '../src/demo.js'
import {
  missingPrerequisites,
  screenshot,
  startBrowser,
  startCloudProcess,
  type Browsers,
  type CloudProcess,
} from './harness.js'

/**
 * The central console end to end, in Debian's Chromium against the real cloud process: an
 * administrator signs in with password and TOTP (a wrong code is refused), sees the branches,
 * opens one and its appointments calendar (with a booking a customer made through the public
 * API, phone masked), changes a service setting, publishes a new configuration version and finds
 * it in the history and the audit log. A branch manager sees only their branch and no admin page.
 * Screenshots: `.data/screenshots/console-*.png`.
 */

const BRANCH = 'almaty-demo'
const OTHER_BRANCH = 'astana-kenesary'
const ADMIN = { email: 'admin@kqms.demo', password: 'admin-demo-2026' }
const MANAGER = { email: 'manager@kqms.demo', password: 'manager-demo-2026' }
const ANALYST = { email: 'analyst@kqms.demo', password: 'analyst-demo-2026' }
const CUSTOMER_PHONE = '+77011234567'

const missing = missingPrerequisites()
const skip = missing.length > 0 && process.env['CI'] !== 'true'
if (skip)
  process.stderr.write(
    `\n!!! cloud console e2e SKIPPED: missing ${missing.join(', ')} (CI installs it)\n\n`,
  )

const totp = new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(DEMO_ADMIN_TOTP_SECRET) })

/** The next Monday–Friday after today in Almaty, as `YYYY-MM-DD` (the demo branch is open then). */
function nextWorkingDay(): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Almaty' }).format(new Date())
  for (let days = 1; days < 8; days++) {
    const date = new Date(`${today}T00:00:00Z`)
    date.setUTCDate(date.getUTCDate() + days)
    const weekday = date.getUTCDay()
    if (weekday >= 1 && weekday <= 5) return date.toISOString().slice(0, 10)
  }
  throw new Error('unreachable')
}

async function json<T>(response: Response): Promise<T> {
  const body = (await response.json()) as T
  if (!response.ok) throw new Error(`${response.url}: ${response.status} ${JSON.stringify(body)}`)
  return body
}

/** A customer books an appointment through the public API (OTP read from the log adapter). */
async function customerBooks(cloud: CloudProcess, input: { date: string }) {
  const post = (path: string, body: unknown, token?: string) =>
    fetch(`${cloud.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    })
  await json(await post('/api/v1/auth/otp', { phone: CUSTOMER_PHONE, language: 'ru' }))
  const line = await cloud.waitForLine(
    (l) => l.includes('"kind":"otp"') && l.includes('"channel":"sms"'),
  )
  const code = /\b(\d{6})\b/.exec(String((JSON.parse(line) as { content: string }).content))?.[1]
  const session = await json<{ token: string }>(
    await post('/api/v1/auth/verify', { phone: CUSTOMER_PHONE, code }),
  )
  const queues = await json<{ services: { serviceId: string; bookable: boolean }[] }>(
    await fetch(`${cloud.url}/api/v1/queues?branchId=${BRANCH}`),
  )
  const serviceId = queues.services.find((s) => s.bookable)?.serviceId ?? ''
  const slots = await json<{ slots: { startsAt: string; localTime: string; available: number }[] }>(
    await fetch(
      `${cloud.url}/api/v1/appointments/slots?branchId=${BRANCH}&serviceId=${serviceId}&date=${input.date}`,
    ),
  )
  const slot = slots.slots.find((s) => s.available > 0)
  if (!slot) throw new Error(`no free slot on ${input.date}`)
  await json(
    await post(
      '/api/v1/appointments',
      { branchId: BRANCH, serviceId, startsAt: slot.startsAt, language: 'ru' },
      session.token,
    ),
  )
  return { serviceId, localTime: slot.localTime }
}

async function signIn(page: Page, user: { email: string; password: string }) {
  await page.goto('/console/')
  await page.fill('input[name="email"]', user.email)
  await page.fill('input[name="password"]', user.password)
  await page.click('button[type="submit"]')
}

describe.skipIf(skip)('central console in Chromium against the cloud', () => {
  let cloud: CloudProcess
  let browsers: Browsers
  let admin: Page
  const date = nextWorkingDay()
  let booking: { serviceId: string; localTime: string }

  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`e2e prerequisites missing: ${missing.join(', ')}`)
    cloud = await startCloudProcess()
    browsers = await startBrowser()
    admin = (await browsers.newPage({ baseURL: cloud.url })).page
    booking = await customerBooks(cloud, { date })
  })
  afterAll(async () => {
    await browsers?.[Symbol.asyncDispose]()
    await cloud?.[Symbol.asyncDispose]()
  })

  it('refuses a wrong TOTP code, then signs the administrator in with password and TOTP', async () => {
    await signIn(admin, ADMIN)
    await admin.waitForSelector('input[name="code"]')
    await screenshot(admin, 'console-login-totp')

    const current = totp.generate()
    const wrong = String((Number(current) + 500_000) % 1_000_000).padStart(6, '0')
    await admin.fill('input[name="code"]', wrong)
    await admin.click('button[type="submit"]')
    await expect.poll(() => admin.textContent('[role="alert"]')).toContain('Wrong or expired code')
    expect(await admin.isVisible('[data-testid="current-user"]')).toBe(false)
    await screenshot(admin, 'console-login-wrong-totp')

    await admin.fill('input[name="code"]', totp.generate())
    await admin.click('button[type="submit"]')
    await admin.waitForSelector('[data-testid="current-user"]')
    expect(await admin.textContent('[data-testid="current-user"]')).toContain(ADMIN.email)
  })

  it('lists every branch with its sync state and says honestly that live queues have no data yet', async () => {
    await admin.waitForSelector(`[data-testid="branches-table"] tr[data-branch="${BRANCH}"]`)
    const rows = await admin.$$('[data-testid="branches-table"] tbody tr')
    expect(rows.length).toBeGreaterThan(1) // the administrator sees every demo branch
    const row = admin.locator(`tr[data-branch="${BRANCH}"]`)
    expect(await row.textContent()).toContain('offline') // no appliance has synced in this test
    expect(await row.locator('[data-testid="waiting"]').textContent()).toBe('no data yet')
    await screenshot(admin, 'console-branches')
  })

  it('opens a branch and its appointments calendar, where the booking shows with a masked phone', async () => {
    await admin.click(`tr[data-branch="${BRANCH}"] a`)
    await admin.waitForSelector('[data-testid="branch-title"]')
    expect(await admin.textContent('[data-testid="branch-title"]')).toBe('Almaty demo branch')
    expect(await admin.textContent('[data-testid="published-version"]')).toContain('v1')
    await screenshot(admin, 'console-branch')

    await admin.click('[data-testid="open-calendar"]')
    await admin.waitForSelector('[data-testid="calendar-service"]')
    await admin.selectOption('[data-testid="calendar-service"]', booking.serviceId)
    await admin.fill('[data-testid="calendar-date"]', date)
    const slot = admin.locator(`[data-slot="${booking.localTime}"]`)
    await slot.waitFor()
    expect(await slot.locator('.booking-chip').textContent()).toContain(maskPhone(CUSTOMER_PHONE))
    expect(await admin.textContent('[data-testid="day-totals"]')).toContain('1 booked')
    expect(await admin.content()).not.toContain(CUSTOMER_PHONE) // never the full number
    await screenshot(admin, 'console-calendar-day')

    await admin.click('[data-view="week"]')
    await admin.waitForSelector('[data-testid="week-view"] table')
    expect(await admin.textContent('[data-testid="week-view"]')).toMatch(/1\/\d+/)
    await screenshot(admin, 'console-calendar-week')
  })

  it('edits a service setting and publishes version 2, shown in the history and the audit log', async () => {
    await admin.goto(`/console/#/configuration/${BRANCH}`)
    await admin.waitForSelector('[data-testid="services-table"]')
    const publish = admin.locator('[data-testid="publish"]')
    expect(await publish.isDisabled()).toBe(true) // nothing changed since the seeded version 1

    await admin.click(`[data-edit="${booking.serviceId}"]`)
    await admin.fill(`tr[data-service="${booking.serviceId}"] input[name="dailyCap"]`, '120')
    await admin.click(`[data-save="${booking.serviceId}"]`)
    await expect
      .poll(() =>
        admin.textContent(`tr[data-service="${booking.serviceId}"] [data-testid="daily-cap"]`),
      )
      .toBe('120')
    await expect.poll(() => publish.textContent()).toBe('Publish version 2')
    await screenshot(admin, 'console-configuration-edited')

    await publish.click()
    await expect
      .poll(() => admin.textContent('[data-testid="config-message"]'))
      .toBe('Version 2 published.')
    await admin.waitForSelector('[data-testid="version-history"] tr[data-version="2"]')
    expect(
      await admin.textContent('[data-testid="version-history"] tr[data-version="2"]'),
    ).toContain(ADMIN.email)
    expect(await publish.isDisabled()).toBe(true)
    await screenshot(admin, 'console-configuration-published')

    await admin.click('[data-nav="audit"]')
    await admin.waitForSelector('[data-testid="audit-table"]')
    const entry = admin.locator('[data-testid="audit-table"] tbody tr', { hasText: `${BRANCH}/2` })
    await entry.waitFor()
    expect(await entry.textContent()).toContain(ADMIN.email)
    await screenshot(admin, 'console-audit')
  })

  it('shows users, devices and the whole console in Russian and Kazakh', async () => {
    await admin.click('[data-nav="users"]')
    await admin.waitForSelector(`tr[data-user="${MANAGER.email}"]`)
    await screenshot(admin, 'console-users')
    await admin.click('[data-nav="inventory"]')
    await admin.waitForSelector('[data-testid="devices"]')
    await screenshot(admin, 'console-inventory')
    await admin.click('[data-nav="analytics"]')
    await expect.poll(() => admin.textContent('[data-testid="kpi-booked"] strong')).toBe('1')
    expect(
      await admin.textContent(`[data-testid="analytics-table"] tr[data-branch="${BRANCH}"]`),
    ).toContain('1')
    await screenshot(admin, 'console-analytics')

    await admin.click('[data-language="ru"]')
    await admin.click('[data-nav="branches"]')
    await admin.waitForSelector('[data-testid="branches-table"]')
    expect(await admin.textContent('[data-testid="branches-table"] thead')).toContain('Отделение')
    expect(await admin.textContent(`tr[data-branch="${BRANCH}"] [data-testid="waiting"]`)).toBe(
      'данных пока нет',
    )
    await screenshot(admin, 'console-branches-ru')
    await admin.click('[data-language="kk"]')
    await expect
      .poll(() => admin.textContent('[data-testid="branches-table"] thead'))
      .toContain('Бөлімше')
    await screenshot(admin, 'console-branches-kk')
    await admin.click('[data-language="en"]')
  })

  it('lets a branch manager see only their branch and no administrator page', async () => {
    const { page } = await browsers.newPage({ baseURL: cloud.url })
    await signIn(page, { ...MANAGER, password: 'not-the-password' })
    await expect.poll(() => page.textContent('[role="alert"]')).toBe('Wrong e-mail or password.')
    await signIn(page, MANAGER) // no second factor for this role
    await page.waitForSelector('[data-testid="branches-table"]')
    const attributes = async (selector: string, name: string) => {
      const found = page.locator(selector)
      const values: (string | null)[] = []
      for (let i = 0; i < (await found.count()); i++)
        values.push(await found.nth(i).getAttribute(name))
      return values
    }
    expect(await attributes('[data-testid="branches-table"] tbody tr', 'data-branch')).toEqual([
      BRANCH,
    ])
    const nav = await attributes('[data-nav]', 'data-nav')
    expect(nav).toEqual(['branches', 'appointments', 'analytics', 'configuration', 'inventory'])
    await screenshot(page, 'console-manager-branches')

    // Configuration: only their own branch to choose from.
    await page.click('[data-nav="configuration"]')
    await page.waitForSelector('[data-testid="services-table"]')
    expect(await attributes('[data-testid="config-branch"] option', 'value')).toEqual([BRANCH])

    await page.goto('/console/#/users')
    await page.waitForSelector('[data-testid="forbidden"]')
    await page.goto('/console/#/audit')
    await page.waitForSelector('[data-testid="forbidden"]')
    await page.goto(`/console/#/branches/${OTHER_BRANCH}`)
    await expect.poll(() => page.textContent('[role="alert"]')).toContain('FORBIDDEN')
    await screenshot(page, 'console-manager-other-branch')

    // The cloud itself refuses, whatever the console shows.
    const status = await page.evaluate(async (branch) => {
      const storage = (
        globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }
      ).sessionStorage
      const session = JSON.parse(storage.getItem('kqms.console.session') ?? '{}') as {
        token?: string
      }
      const response = await fetch(`/api/admin/branches/${branch}`, {
        headers: { authorization: `Bearer ${session.token ?? ''}` },
      })
      return response.status
    }, OTHER_BRANCH)
    expect(status).toBe(403)
  })

  it('lets an analyst read every branch without configuration, users or the audit log', async () => {
    const { page } = await browsers.newPage({ baseURL: cloud.url })
    await signIn(page, ANALYST)
    await page.waitForSelector(`[data-testid="branches-table"] tr[data-branch="${OTHER_BRANCH}"]`)
    const nav = page.locator('[data-nav]')
    const pages: (string | null)[] = []
    for (let i = 0; i < (await nav.count()); i++)
      pages.push(await nav.nth(i).getAttribute('data-nav'))
    expect(pages).toEqual(['branches', 'appointments', 'analytics'])
    await page.goto('/console/#/configuration')
    await page.waitForSelector('[data-testid="forbidden"]')
  })
})
