import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { runSerialCardSwipeSimulator } from '../../simulators/card-swipe/card-swipe.simulator.js'
import {
  createDriverHarness,
  systemClock,
} from '../../simulators/counter-display/test/fake-link.js'
import {
  SerialTestLink,
  canRunPtyTests,
  startPtyPair,
} from '../../simulators/counter-display/test/pty.js'
import { cardReaderDriver } from './card-reader.driver.js'

const KEY = Buffer.alloc(32, 0x33)

describe.skipIf(!canRunPtyTests('card reader over a socat PTY pair'))(
  'card reader over a real serial line',
  () => {
    it('turns swipes into tokens and refuses a bad swipe', async () => {
      await using pty = await startPtyPair()
      await using swiper = await runSerialCardSwipeSimulator({ path: pty.b })
      const driver = cardReaderDriver.create(
        cardReaderDriver.optionsSchema.parse({ tokenKeyId: 'k1' }),
        {
          stateDir: '/nonexistent',
          secrets: { k1: KEY.toString('hex') },
        },
      )
      await using harness = createDriverHarness({
        driver,
        link: new SerialTestLink(pty.a),
        clock: systemClock,
      })
      await harness.start()

      await swiper.reader.swipe('4111111111111111', { terminator: '\r\n' })
      await swiper.reader.swipe('4111111111111112')
      await swiper.reader.swipe('5500005555555559', { tracks: 'track2' })
      await expect.poll(() => harness.output.events.length).toBe(2)
      expect(harness.output.events.map((event) => event.payload)).toEqual([
        {
          token: createHmac('sha256', KEY).update('4111111111111111').digest('base64url'),
          tokenKeyId: 'k1',
          masked: '411111******1111',
          source: 'magstripe',
        },
        {
          token: createHmac('sha256', KEY).update('5500005555555559').digest('base64url'),
          tokenKeyId: 'k1',
          masked: '550000******5559',
          source: 'magstripe',
        },
      ])
      expect(harness.output.state).toMatchObject({ reads: 2, badReads: 1 })
    })
  },
)
