import { describe, expect, it } from 'vitest'
import { runSerialCounterDisplaySimulator } from '../../simulators/counter-display/counter-display.simulator.js'
import {
  createDriverHarness,
  systemClock,
} from '../../simulators/counter-display/test/fake-link.js'
import {
  SerialTestLink,
  canRunPtyTests,
  startPtyPair,
} from '../../simulators/counter-display/test/pty.js'
import { counterDisplayDriver } from './counter-display.driver.js'

describe.skipIf(!canRunPtyTests('counter display over a socat PTY pair'))(
  'counter display over a real serial line',
  () => {
    it('shows text on two displays sharing the line, then reports offline when the line is cut', async () => {
      await using pty = await startPtyPair()
      await using bus = await runSerialCounterDisplaySimulator({
        path: pty.b,
        addresses: [1, 2],
        format: { checksum: 'sum8' },
      })
      const link = new SerialTestLink(pty.a)
      const create = (address: number) =>
        counterDisplayDriver.create(
          counterDisplayDriver.optionsSchema.parse({
            address,
            frame: { checksum: 'sum8' },
            ackTimeoutMs: 500,
          }),
          { stateDir: '/nonexistent', secrets: {} },
        )
      const one = create(1)
      const two = create(2)
      await using first = createDriverHarness({ driver: one, link, clock: systemClock })
      await first.start()
      const second = createDriverHarness({ driver: two, link, clock: systemClock })
      link.on('data', (chunk) => {
        two.onData(chunk)
      })
      await two.init(second.context)

      await Promise.all([
        one.applyDesired({ version: 1, text: 'A042', blink: true, brightness: 70 }),
        two.applyDesired({ version: 1, text: 'B107' }),
      ])
      expect(bus.simulator.shown(1)).toEqual({ text: 'A042', blink: true, brightness: 70 })
      expect(bus.simulator.shown(2)).toMatchObject({ text: 'B107', blink: false })
      expect(first.output.state).toMatchObject({
        online: true,
        shown: { text: 'A042', blink: true },
        assumed: false,
      })
      expect(await one.healthCheck()).toBe('ok')

      // The USB adapter is pulled. serialport does not always emit `close` for a PTY hangup, so
      // the health check is what notices: its status frame fails or goes unanswered.
      await pty.stop()
      expect(await one.healthCheck()).toBe('offline')
      expect(first.output.state).toMatchObject({ online: false })
    })
  },
)
