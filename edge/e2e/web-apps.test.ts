import type { Language } from '@kqms/shared/domain'
import { translate } from '@kqms/shared/i18n'
import { CommandEnvelope, topics, type PrinterState } from '@kqms/shared/mqtt'
import { connectAsync, type MqttClient } from 'mqtt'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { AppointmentClaims, JsonWebKey } from '@kqms/shared/appointment-token'
import { demoAppointmentKey } from '../src/demo-appointment-key.js'
import { demoDeviceSecret } from '../src/demo-devices.js'
import { logIn, missingPrerequisites, screenshot, startE2e, type E2e } from './harness.js'

/**
 * The web apps end to end, in Debian's Chromium against the real appliance: a customer takes a
 * ticket at the kiosk in Kazakh, an operator calls it, the hall display shows it and speaks it in
 * Kazakh, the counter display and the customer's status page follow; a kiosk whose printer is out
 * of paper offers the on-screen ticket. Every app is photographed in every language on the way
 * (`.data/screenshots/`).
 */

const BRANCH = 'almaty-demo'
const LANGUAGES: readonly Language[] = ['kk', 'ru', 'en']
const missing = missingPrerequisites()
const skip = missing.length > 0 && process.env['CI'] !== 'true'
if (skip)
  process.stderr.write(
    `\n!!! e2e web-app tests SKIPPED: missing ${missing.join(', ')} (CI installs them)\n\n`,
  )

interface AudioEntry {
  url: string
  event: string
}
const PRINTER_OK: Omit<PrinterState, 'ts'> = {
  kind: 'printer',
  online: true,
  paper: 'ok',
  coverOpen: false,
  cutterError: false,
  blockedBy: null,
  paperUsedMm: 20_000,
  rollLengthMm: 80_000,
  paperRemainingPercent: 75,
  ticketsPrinted: 250,
  profile: 'xprinter-xp58',
  lastJob: null,
}

/**
 * The firmware bridge `bridge-1` as a scripted MQTT client for `printer-1` (the kiosk's printer):
 * it reports the printer's state (retained, as the real bridge does) and prints every job it gets.
 */
async function startScriptedBridge(e2e: E2e) {
  const client: MqttClient = await connectAsync(
    `mqtt://127.0.0.1:${String(e2e.edge.mqttTcpPort)}`,
    {
      clientId: 'bridge-1',
      username: 'bridge-1',
      password: demoDeviceSecret(BRANCH, 'bridge-1'),
      reconnectPeriod: 0,
      clean: true,
    },
  )
  const printed: string[] = []
  const b = BRANCH as never
  client.on('message', (topic, payload) => {
    if (topic !== topics.deviceCommand(b, 'printer-1', 'print')) return
    const job = CommandEnvelope.parse(JSON.parse(payload.toString('utf8')))
    printed.push(job.id)
    const reply = {
      id: job.id,
      ok: true,
      data: { mode: 'raster', bytes: 9000, paperUsedMm: 80, duplicate: false },
      ts: Date.now(),
    }
    void client.publishAsync(topics.deviceReply(b, 'printer-1', job.id), JSON.stringify(reply), {
      qos: 1,
    })
  })
  await client.subscribeAsync(topics.deviceCommandAll(b, 'printer-1'), { qos: 1 })
  const report = (state: Omit<PrinterState, 'ts'>) =>
    client.publishAsync(
      topics.deviceState(b, 'printer-1'),
      JSON.stringify({ ...state, ts: Date.now() }),
      {
        qos: 1,
        retain: true,
      },
    )
  await report(PRINTER_OK)
  for (const deviceId of ['printer-1', 'card-reader-1'])
    await client.publishAsync(
      topics.deviceAvailability(b, deviceId),
      JSON.stringify({ state: 'online', bdSeq: 1, ts: Date.now() }),
      { qos: 1, retain: true },
    )
  return { client, printed, report }
}

const audioLog = (page: Page) =>
  page.evaluate(() => (globalThis as { __kqmsAudioLog?: AudioEntry[] }).__kqmsAudioLog ?? [])

/** A ticket taken at the kiosk (no identification, regular queue). */
async function takeTicket(
  kiosk: Page,
  input: { language: Language; service: string; shots?: string },
): Promise<{ number: string; id: string }> {
  const shot = async (step: string) => {
    if (input.shots) await screenshot(kiosk, `${input.shots}-${step}-${input.language}`)
  }
  await kiosk.waitForSelector('.kiosk-welcome')
  await kiosk.click(`[data-language="${input.language}"]`)
  await kiosk.waitForSelector(`[data-service="${input.service}"]:not([disabled])`)
  await shot('2-services')
  await kiosk.click(`[data-service="${input.service}"]`)
  await kiosk.waitForSelector('[data-method="none"]')
  await shot('3-identify')
  await kiosk.click('[data-method="none"]')
  // The demo policy lets customers declare "elderly": the kiosk asks.
  await kiosk.waitForSelector('[data-priority="regular"]')
  await shot('4-priority')
  await kiosk.click('[data-priority="regular"]')
  const number = (await kiosk.textContent('[data-testid="ticket-number"]'))?.trim() ?? ''
  const qr = (await kiosk.getAttribute('.ticket-qr img', 'data-qr')) ?? ''
  await shot('5-ticket')
  const id = /\/status\/([0-9a-f-]{36})$/.exec(qr)?.[1] ?? ''
  return { number, id }
}

describe.skipIf(skip)('web apps in Chromium against the appliance', () => {
  let e2e: E2e
  let bridge: Awaited<ReturnType<typeof startScriptedBridge>>
  beforeAll(async () => {
    if (missing.length > 0) throw new Error(`e2e prerequisites missing: ${missing.join(', ')}`)
    e2e = await startE2e()
    bridge = await startScriptedBridge(e2e)
  })
  afterAll(async () => {
    await bridge.client.endAsync(true)
    await e2e[Symbol.asyncDispose]()
  })

  const hall = `device=hall-1&secret=${demoDeviceSecret(BRANCH, 'hall-1')}`
  const kioskDevice = `device=kiosk-1&secret=${demoDeviceSecret(BRANCH, 'kiosk-1')}`
  let ticket: { number: string; id: string }

  it('a ticket taken in Kazakh is called, shown, announced in Kazakh and followed on the phone', async () => {
    // The hall display (a paired device: live over MQTT) and counter 1's display (HTTP polling).
    const { page: display } = await e2e.newPage({ width: 1600, height: 900 })
    await display.goto(`/display/?lang=kk&${hall}`)
    await display.waitForSelector('.hall-empty')
    expect(display.url()).not.toContain('secret=') // the provisioning link is not left on screen
    await display.waitForSelector('.hall-header .pill-ok') // connected to the broker
    await screenshot(display, 'display-0-empty-kk')
    const { page: counter } = await e2e.newPage({ width: 1280, height: 360 })
    await counter.goto('/counter/?counter=c1&lang=kk')
    await counter.waitForSelector('.led[data-face="closed"]')

    // The customer, in Kazakh.
    const { page: kiosk } = await e2e.newPage({ width: 1080, height: 1500 })
    await kiosk.goto(`/kiosk/?${kioskDevice}`)
    await screenshot(kiosk, 'kiosk-1-welcome')
    ticket = await takeTicket(kiosk, { language: 'kk', service: 'cash', shots: 'kiosk' })
    expect(ticket.number).toMatch(/^A\d{3}$/)
    expect(ticket.id).not.toBe('')
    // Printed by printer-1 through its bridge: the kiosk asked, the bridge answered.
    await kiosk.waitForSelector('.kiosk-ticket[data-printer="ok"]')
    expect(await kiosk.textContent('.kiosk-printer')).toBe(translate('kk', 'kiosk.takePrinted'))
    expect(bridge.printed).toEqual([`print-${ticket.id}`])

    // The operator signs in with a PIN, opens counter 1 and calls with the keyboard.
    const { page: operator } = await e2e.newPage({ width: 1440, height: 900 })
    await operator.goto('/operator/?lang=kk')
    await screenshot(operator, 'operator-1-login-kk')
    await logIn(operator, 'aigerim', '1111')
    await operator.waitForSelector('[data-counter="c1"]:not([disabled])')
    await screenshot(operator, 'operator-2-counters-kk')
    await operator.click('[data-counter="c1"]')
    await operator.waitForSelector(`tr[data-ticket="${ticket.number}"]`)
    await screenshot(operator, 'operator-3-waiting-kk')
    await operator.keyboard.press('n')
    await operator.waitForSelector(`[data-testid="current-ticket"] >> text=${ticket.number}`)
    await screenshot(operator, 'operator-4-called-kk')

    // The hall display shows the call and plays the chime, then the Kazakh announcement.
    await display.waitForSelector(`.hall-call[data-ticket="${ticket.number}"][data-counter="1"]`)
    await screenshot(display, 'display-1-call-kk')
    const voice = `/audio/call/kk/${ticket.number}/1.wav`
    await display.waitForFunction(
      (url) =>
        ((globalThis as { __kqmsAudioLog?: AudioEntry[] }).__kqmsAudioLog ?? []).some(
          (e) => e.url === url && e.event === 'ended',
        ),
      voice,
      { timeout: 20_000 },
    )
    const played = await audioLog(display)
    const events = played.map((e) => `${e.event} ${e.url}`)
    expect(events).toEqual([
      'play /audio/chime.wav',
      'ended /audio/chime.wav',
      `play ${voice}`,
      `ended ${voice}`,
    ])
    // The announcement is real speech in a WAV the appliance rendered (and cached).
    const wav = await fetch(`${e2e.url}${voice}`)
    expect(wav.headers.get('content-type')).toBe('audio/wav')
    expect((await wav.arrayBuffer()).byteLength).toBeGreaterThan(20_000)

    // The counter display above counter 1.
    await counter.waitForSelector(`[data-testid="led-value"] >> text=${ticket.number}`)
    await screenshot(counter, 'counter-called-kk')

    // The customer's phone, from the ticket's QR code, in the ticket's language.
    const { page: phone } = await e2e.newPage({ width: 390, height: 844 })
    await phone.goto(`/status/${ticket.id}`)
    const call = await phone.waitForSelector('[data-testid="status-call"]')
    expect((await call.textContent())?.trim()).toBe('1 терезесіне өтіңіз')
    expect(await phone.getAttribute('html', 'lang')).toBe('kk')
    await screenshot(phone, 'status-called-kk')

    // The customer arrives and is served.
    await operator.keyboard.press('s')
    await operator.waitForSelector('.op-current-serving')
    await operator.keyboard.press('f')
    await screenshot(operator, 'operator-5-finish-kk')
    await operator.click('[data-outcome="served"]')
    await operator.waitForSelector('.op-current-empty')
    await phone.waitForSelector('.status-page[data-status="finished"]', { timeout: 10_000 })
  })

  it('a kiosk whose printer is out of paper offers the ticket on screen', async () => {
    // The bridge reports printer-1 out of paper (its retained PrinterState); the appliance tells
    // the kiosk (its retained desired) and refuses the print without sending it.
    await bridge.report({
      ...PRINTER_OK,
      paper: 'out',
      blockedBy: 'paper-out',
      paperRemainingPercent: 0,
    })
    const { page: kiosk } = await e2e.newPage({ width: 1080, height: 1500 })
    await kiosk.goto(`/kiosk/?${kioskDevice}`)
    await kiosk.click('[data-language="ru"]')
    await kiosk.waitForSelector('.kiosk-printer-notice[data-printer="out"]')
    expect(await kiosk.textContent('.kiosk-printer-notice')).toBe(
      translate('ru', 'kiosk.printerNotice'),
    )
    await kiosk.reload()
    const printedBefore = bridge.printed.length
    const second = await takeTicket(kiosk, { language: 'ru', service: 'fx' })
    expect(second.number).toMatch(/^E\d{3}$/)
    await kiosk.waitForSelector('.kiosk-ticket[data-printer="out"]')
    expect(bridge.printed).toHaveLength(printedBefore)
    expect(await kiosk.textContent('.kiosk-printer')).toBe(translate('ru', 'kiosk.printerOut'))
    const qr = await kiosk.getAttribute('.ticket-qr img', 'data-qr')
    // The QR code links to the status page on the appliance's public address (EDGE_PUBLIC_URL).
    expect(qr).toBe(`http://localhost:8080/status/${second.id}`)
    expect(await kiosk.getAttribute('.ticket-qr img', 'width')).toBe('280')
    await screenshot(kiosk, 'kiosk-6-printer-out-ru')

    // Paper refilled: the next customer's ticket is printed and they are told to take it.
    await bridge.report(PRINTER_OK)
    await kiosk.click('.kiosk-next')
    const third = await takeTicket(kiosk, { language: 'en', service: 'fx' })
    await kiosk.waitForSelector('.kiosk-ticket[data-printer="ok"]')
    expect(bridge.printed.at(-1)).toBe(`print-${third.id}`)
  })

  it('identifies a customer by the bank card read at the kiosk’s reader (masked number only)', async () => {
    const { page: kiosk } = await e2e.newPage({ width: 1080, height: 1500 })
    await kiosk.goto(`/kiosk/?${kioskDevice}`)
    await kiosk.click('[data-language="en"]')
    await kiosk.click('[data-service="cash"]')
    await kiosk.click('[data-method="card"]')
    await kiosk.waitForSelector(`text=${translate('en', 'kiosk.cardHint')}`) // the reader is there
    // The customer taps the card: the reader's bridge sends the masked number and a keyed hash.
    const masked = '440043******1234'
    let reads = 0
    const tap = setInterval(() => {
      reads++
      const now = Date.now()
      const event = {
        id: `e2e-card-read-${reads}`,
        ts: now,
        expiresAt: now + 10_000,
        token: 'Zx9'.repeat(14) + 'Q',
        tokenKeyId: 'k2026',
        masked,
        source: 'contactless',
      }
      void bridge.client.publishAsync(
        topics.deviceEvent(BRANCH as never, 'card-reader-1', 'card'),
        JSON.stringify(event),
        { qos: 1 },
      )
    }, 300) // until the kiosk's subscription is in place
    try {
      await kiosk.waitForSelector('[data-testid="card-masked"]')
    } finally {
      clearInterval(tap)
    }
    expect(await kiosk.textContent('[data-testid="card-masked"]')).toBe(
      translate('en', 'kiosk.cardRead', { masked }),
    )
    await kiosk.click('[data-priority="regular"]')
    await kiosk.waitForSelector('[data-testid="ticket-card"]')
    expect(await kiosk.textContent('[data-testid="ticket-card"]')).toBe(
      translate('en', 'kiosk.cardRead', { masked }),
    )
    await kiosk.waitForSelector('.kiosk-ticket[data-printer="ok"]')
    await screenshot(kiosk, 'kiosk-7-card-en')
  })

  it('checks in an appointment QR code typed by the scanner and prints the appointment ticket', async () => {
    // The cloud's signer (by path: edge never depends on cloud/), with the demo appliance's key.
    const cloud = (await import(
      new URL('../../cloud/src/tokens/appointment-token.ts', import.meta.url).href
    )) as {
      signAppointmentToken(
        claims: AppointmentClaims,
        key: { privateJwk: JsonWebKey; keyId: string },
      ): Promise<string>
    }
    const now = Date.now()
    const token = await cloud.signAppointmentToken(
      {
        appointmentId: '0195f6a8-7c1e-7b3a-9d2f-4e5a6b7c8d9e',
        branchId: BRANCH,
        serviceId: 'cash',
        startsAt: now + 10 * 60_000,
        issuedAt: now - 60 * 60_000,
        expiresAt: now + 60 * 60_000,
        language: 'kk',
      },
      demoAppointmentKey(BRANCH),
    )
    const { page: kiosk } = await e2e.newPage({ width: 1080, height: 1500 })
    await kiosk.goto(`/kiosk/?${kioskDevice}`)
    await kiosk.click('[data-language="en"]')
    await kiosk.click('[data-service="cash"]')
    await kiosk.click('[data-method="appointment"]')
    await kiosk.waitForSelector('[data-testid="appointment-scan"]')
    // The hidden input holds the focus, so the scanner's keystrokes land in it.
    await kiosk.waitForSelector('[data-testid="appointment-scan"]:focus')
    await screenshot(kiosk, 'kiosk-8-appointment-scan-en')
    // The scanner is a keyboard: the code, then Enter, into the focused hidden input.
    await kiosk.keyboard.type(token)
    await kiosk.keyboard.press('Enter')
    await kiosk.waitForSelector('[data-testid="ticket-appointment"]')
    expect(await kiosk.textContent('[data-testid="ticket-appointment"]')).toBe(
      translate('en', 'kiosk.appointmentBadge'),
    )
    expect(await kiosk.textContent('[data-testid="ticket-check-in"]')).toBe(
      translate('en', 'checkin.checkedIn'),
    )
    const number = (await kiosk.textContent('[data-testid="ticket-number"]'))?.trim() ?? ''
    expect(number).toMatch(/\d/)
    await kiosk.waitForSelector('.kiosk-ticket[data-printer="ok"]')
    await screenshot(kiosk, 'kiosk-9-appointment-ticket-en')

    // The same code scanned again (pasted by staff here): the same ticket, never a second one.
    await kiosk.click('.kiosk-next')
    await kiosk.click('[data-language="ru"]')
    await kiosk.click('[data-service="cash"]')
    await kiosk.click('[data-method="appointment"]')
    await kiosk.fill('[data-testid="appointment-paste"]', token)
    await kiosk.click('.kiosk-scan-paste button[type="submit"]')
    await kiosk.waitForSelector('[data-testid="ticket-appointment"]')
    expect((await kiosk.textContent('[data-testid="ticket-number"]'))?.trim()).toBe(number)
  })

  it('the manager sees the branch live and moves an operator between services', async () => {
    const { page } = await e2e.newPage({ width: 1440, height: 1000 })
    await page.goto('/manager/?lang=ru')
    await logIn(page, 'manager', 'manager-demo-2026')
    await page.waitForSelector('[data-service="cash"]')
    await page.waitForSelector('[data-operator="aigerim"]')
    await page.click('[data-operator="dana"] button')
    await page.click('[data-skill="loan:1"]')
    await screenshot(page, 'manager-2-skills-ru')
    await page.click('.dialog .btn-primary')
    await page.waitForSelector('.dialog', { state: 'detached' })
    const auth = await fetch(`${e2e.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ login: 'manager', password: 'manager-demo-2026' }),
    })
    const { token } = (await auth.json()) as { token: string }
    const dana = (await (
      await fetch(`${e2e.url}/api/admin/operators/dana`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { operator: { skills: Record<string, number> } }
    expect(dana.operator.skills['loan']).toBe(1)

    // Pairing: the manager creates a one-time code, a new kiosk redeems it and goes live.
    await page.click('[data-testid="pair-device"]')
    await page.click('[data-testid="create-code"]')
    const shown = (await page.textContent('[data-testid="pairing-code"]')) ?? ''
    await screenshot(page, 'manager-3-pairing-ru')
    const code = /[0-9A-Z]{5}-?[0-9A-Z]{5}/.exec(shown)?.[0] ?? ''
    expect(code).not.toBe('')
    await page.click('[data-testid="close-pairing"]')
    await page.waitForSelector('.dialog', { state: 'detached' })
    const { page: kiosk } = await e2e.newPage({ width: 1080, height: 1500 })
    await kiosk.goto('/kiosk/?pair')
    await kiosk.fill('input[name="code"]', code)
    await kiosk.click('form button[type="submit"]')
    await kiosk.waitForSelector('.kiosk-welcome')
    const stored = await kiosk.evaluate('localStorage.getItem("kqms.device.kiosk")')
    const deviceId = (JSON.parse(String(stored)) as { deviceId: string }).deviceId
    await expect.poll(() => e2e.edge.broker.connectedClientIds()).toContain(deviceId)
    // Its birth (retained availability) reaches the dashboard's device list.
    await page.waitForSelector(`[data-device="${deviceId}"] .pill-ok`, { timeout: 15_000 })
    await screenshot(page, 'manager-4-devices-ru')

    // The kiosk's printer behind bridge-1: online through its bridge, with the paper left; near
    // the end of the roll the manager is warned.
    const printer = '[data-device="printer-1"]'
    await page.waitForSelector(`${printer} [data-paper="ok"][data-tone="ok"]`)
    expect(await page.textContent(`${printer} [data-paper]`)).toBe(
      `${translate('ru', 'manager.paperOk')} · ${translate('ru', 'manager.paperLeft', { percent: 75 })}`,
    )
    await bridge.report({ ...PRINTER_OK, paper: 'near-end', paperRemainingPercent: 6 })
    await page.waitForSelector(`${printer} [data-paper="near-end"][data-tone="warn"]`)
    await page.locator(printer).scrollIntoViewIfNeeded()
    await screenshot(page, 'manager-5-printer-paper-ru')
    await bridge.report(PRINTER_OK)

    // Pairing a printer: it must serve an enrolled kiosk.
    await page.click('[data-testid="pair-device"]')
    await page.click(`button:has-text("${translate('ru', 'device.printer')}")`)
    expect(await page.isDisabled('[data-testid="create-code"]')).toBe(true)
    await page.click('[data-kiosk="kiosk-1"]')
    await page.click('[data-bridge="bridge-1"]')
    await page.click('[data-testid="create-code"]')
    await page.waitForSelector('[data-testid="pairing-code"]')
    await page.click('[data-testid="close-pairing"]')
  })

  it('photographs every app in every language', async () => {
    const { page: kiosk } = await e2e.newPage({ width: 1080, height: 1500 })
    const { page: display } = await e2e.newPage({ width: 1600, height: 900 })
    const { page: counter } = await e2e.newPage({ width: 1280, height: 360 })
    const { page: phone } = await e2e.newPage({ width: 390, height: 844 })
    const { page: operator } = await e2e.newPage({ width: 1440, height: 900 })
    const { page: manager } = await e2e.newPage({ width: 1440, height: 1000 })
    await operator.goto('/operator/?lang=en')
    await logIn(operator, 'yerlan', '1222')
    await operator.click('[data-counter="c2"]')
    await operator.waitForSelector('.op-work')
    await manager.goto('/manager/?lang=en')
    await logIn(manager, 'manager', 'manager-demo-2026')
    await manager.waitForSelector('[data-service="cash"]')
    await kiosk.goto('/kiosk/')
    for (const language of LANGUAGES) {
      const t = await takeTicket(kiosk, { language, service: 'cash', shots: 'all-kiosk' })
      await kiosk.click('.kiosk-next')
      await operator.goto(`/operator/?lang=${language}`)
      await operator.waitForSelector(`tr[data-ticket="${t.number}"]`)
      await screenshot(operator, `all-operator-${language}`)
      await display.goto(`/display/?lang=${language}`)
      await display.waitForSelector('.hall-call')
      await screenshot(display, `all-display-${language}`)
      await counter.goto(`/counter/?counter=c1&lang=${language}`)
      await counter.waitForSelector('.led[data-face]:not([data-face="loading"])')
      await screenshot(counter, `all-counter-${language}`)
      await phone.goto(`/status/${t.id}?lang=${language}`)
      await phone.waitForSelector('[data-testid="status-position"]')
      await screenshot(phone, `all-status-${language}`)
      await manager.goto(`/manager/?lang=${language}`)
      await manager.waitForSelector('[data-service="cash"]')
      await screenshot(manager, `all-manager-${language}`)
    }
    // The translations reached the pages.
    expect(await phone.textContent('.status-label')).toBe(translate('en', 'statusPage.title'))
    expect(await manager.textContent('.mgr-queues h2')).toBe(translate('en', 'manager.queues'))
  })
})
