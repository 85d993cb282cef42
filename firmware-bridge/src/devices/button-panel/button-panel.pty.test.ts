import { describe, expect, it } from 'vitest'
import { runSerialButtonPanelSimulator } from '../../simulators/button-panel/button-panel.simulator.js'
import {
  createDriverHarness,
  systemClock,
} from '../../simulators/counter-display/test/fake-link.js'
import {
  SerialTestLink,
  canRunPtyTests,
  startPtyPair,
} from '../../simulators/counter-display/test/pty.js'
import { buttonPanelDriver } from './button-panel.driver.js'

describe.skipIf(!canRunPtyTests('button panel over a socat PTY pair'))(
  'button panel over a real serial line',
  () => {
    it('turns key frames into button events and drives the LED', async () => {
      await using pty = await startPtyPair()
      await using device = await runSerialButtonPanelSimulator({ path: pty.b })
      const driver = buttonPanelDriver.create(
        buttonPanelDriver.optionsSchema.parse({
          debounceMs: 100,
          led: { on: 'L1\r', off: 'L0\r' },
        }),
        { stateDir: '/nonexistent', secrets: {} },
      )
      await using harness = createDriverHarness({
        driver,
        link: new SerialTestLink(pty.a),
        clock: systemClock,
      })
      await harness.start()

      await device.panel.bounce('next', 3)
      await expect.poll(() => harness.output.state['bounces']).toBe(2)
      await device.panel.press('pause')
      await expect
        .poll(() => harness.output.events.map((event) => event.payload['key']))
        .toEqual(['next', 'pause'])

      expect(
        await driver.execute({ id: 'c1', name: 'led', ts: 0, expiresAt: 1, args: { on: true } }),
      ).toMatchObject({ ok: true })
      await expect.poll(() => device.panel.received.join('')).toBe('L1\r')
    })
  },
)
