import { ButtonEvent } from '@kqms/shared/mqtt'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { ButtonPanelSimulator } from '../../simulators/button-panel/button-panel.simulator.js'
import {
  FakeClock,
  FakeLink,
  createDriverHarness,
  settle,
} from '../../simulators/counter-display/test/fake-link.js'
import { buttonPanelDriver } from './button-panel.driver.js'
import type { ButtonPanelOptions } from './button-panel.driver.js'

async function startPanel(options: Partial<z.input<typeof ButtonPanelOptions>> = {}) {
  const link = new FakeLink()
  const clock = new FakeClock()
  const driver = buttonPanelDriver.create(buttonPanelDriver.optionsSchema.parse(options), {
    stateDir: '/nonexistent',
    secrets: {},
  })
  const harness = createDriverHarness({ driver, link, clock })
  await harness.start()
  const panel = new ButtonPanelSimulator({ send: link.toHost })
  link.device = (bytes) => {
    panel.receive(bytes)
  }
  const keys = () => harness.output.events.map((event) => event.payload['key'])
  return { link, clock, driver, panel, output: harness.output, keys }
}

describe('button panel driver', () => {
  it('emits a button event for each key of the default map', async () => {
    const { panel, clock, output, keys } = await startPanel()
    for (const key of ['next', 'recall', 'start', 'pause', 'resume'] as const) {
      await panel.press(key)
      clock.advance(1_000)
    }
    expect(keys()).toEqual(['next', 'recall', 'start', 'pause', 'resume'])
    for (const event of output.events) {
      expect(event.type).toBe('button')
      expect(ButtonEvent.pick({ key: true }).strict().safeParse(event.payload).success).toBe(true)
    }
    expect(output.state).toMatchObject({
      kind: 'button-panel',
      online: true,
      presses: 5,
      lastKey: 'resume',
    })
  })

  it('counts a bouncing key as one press, and a press after the debounce window as another', async () => {
    const { panel, clock, output, keys } = await startPanel({ debounceMs: 200 })
    await panel.bounce('next', 4)
    expect(keys()).toEqual(['next'])
    clock.advance(199)
    await panel.press('next')
    expect(keys()).toEqual(['next'])
    clock.advance(200)
    await panel.press('next')
    await panel.press('recall') // another key is not a bounce of this one
    expect(keys()).toEqual(['next', 'next', 'recall'])
    expect(output.state).toMatchObject({ presses: 3, bounces: 4 })
  })

  it('reassembles codes split across chunks and CR LF endings', async () => {
    const { link, clock, keys } = await startPanel()
    for (const chunk of ['K', '1', '\r\n', 'K2\r', '\nK', '3\r']) {
      link.deliver(chunk)
      clock.advance(1_000)
    }
    expect(keys()).toEqual(['next', 'recall', 'start'])
  })

  it('warns about unknown and overlong codes without emitting', async () => {
    const { link, panel, output, keys } = await startPanel()
    await panel.sendCode('K9')
    link.deliver(Uint8Array.of(0x00, 0x1b, 0x0d))
    link.deliver(`${'X'.repeat(40)}\r`)
    expect(keys()).toEqual([])
    expect(output.logs.filter((log) => log.level === 'warn').map((log) => log.fields)).toEqual([
      { code: 'K9', unknownCodes: 1 },
      { code: '\\x00\\x1b', unknownCodes: 2 },
      { code: 'X'.repeat(16), unknownCodes: 3 },
    ])
    expect(output.state).toMatchObject({ unknownCodes: 3, presses: 0 })
  })

  it('maps single bytes in byte framing, by character or 0xNN', async () => {
    const { link, clock, keys } = await startPanel({
      framing: 'byte',
      keys: { a: 'next', '0x81': 'pause' },
    })
    link.deliver(Uint8Array.of(0x61))
    clock.advance(1_000)
    link.deliver(Uint8Array.of(0x81, 0x62))
    expect(keys()).toEqual(['next', 'pause'])
  })

  it('refuses multi-character codes with byte framing', () => {
    const parsed = buttonPanelDriver.optionsSchema.safeParse({ framing: 'byte' })
    expect(parsed.error?.issues.map((issue) => issue.message)).toEqual([
      'with byte framing every key code is one character or 0xNN',
    ])
  })

  it('switches the panel LED with the configured frames', async () => {
    const { driver, panel, output } = await startPanel({ led: { on: 'L1\r', off: 'L0\r' } })
    const led = (args: unknown) =>
      driver.execute({ id: 'c', name: 'led', ts: 0, expiresAt: 1, args })
    expect(await led({ on: true })).toEqual({ ok: true, data: { led: true } })
    expect(await led({ on: false })).toEqual({ ok: true, data: { led: false } })
    await settle()
    expect(panel.received.join('')).toBe('L1\rL0\r')
    expect(output.state).toMatchObject({ led: false })
    expect(await led({ on: 'yes' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGS' } })
    expect(driver.capabilities).toContain('led')
  })

  it('answers NOT_SUPPORTED for the LED of a panel without one, UNKNOWN_COMMAND otherwise', async () => {
    const { driver } = await startPanel()
    const run = (name: string) =>
      driver.execute({ id: 'c', name, ts: 0, expiresAt: 1, args: { on: true } })
    expect(await run('led')).toMatchObject({ ok: false, error: { code: 'NOT_SUPPORTED' } })
    expect(await run('beep')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } })
  })

  it('refuses a key map naming a key that does not exist', () => {
    const parsed = buttonPanelDriver.optionsSchema.safeParse({ keys: { K1: 'call' } })
    expect(parsed.success).toBe(false)
  })

  it('is offline after the link went away', async () => {
    const { driver, link, output } = await startPanel()
    expect(await driver.healthCheck()).toBe('ok')
    link.unplug()
    driver.detach()
    expect(await driver.healthCheck()).toBe('offline')
    expect(output.state).toMatchObject({ online: false })
  })
})
