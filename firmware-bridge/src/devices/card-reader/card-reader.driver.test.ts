import { createHmac } from 'node:crypto'
import { CardEvent } from '@kqms/shared/mqtt'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { CardSwipeSimulator, toSwipeText } from '../../simulators/card-swipe/index.js'
import {
  FakeClock,
  FakeLink,
  createDriverHarness,
} from '../../simulators/counter-display/test/fake-link.js'
import type { DeviceDriver } from '../driver.js'
import { cardReaderDriver } from './card-reader.driver.js'
import type { CardReaderOptions } from './card-reader.driver.js'

const KEY_ID = 'card-key-2026'
const KEY = Buffer.alloc(32, 0x5a)
const SECRETS = { [KEY_ID]: KEY.toString('base64') }
const expectedToken = (pan: string): string =>
  createHmac('sha256', KEY).update(pan, 'latin1').digest('base64url')

const CardPayload = CardEvent.pick({
  token: true,
  tokenKeyId: true,
  masked: true,
  source: true,
}).strict()

async function startReader(options: Partial<z.input<typeof CardReaderOptions>> = {}) {
  const link = new FakeLink()
  const clock = new FakeClock()
  const driver = cardReaderDriver.create(
    cardReaderDriver.optionsSchema.parse({ tokenKeyId: KEY_ID, ...options }),
    { stateDir: '/nonexistent', secrets: SECRETS },
  )
  const harness = createDriverHarness({ driver, link, clock })
  await harness.start()
  const reader = new CardSwipeSimulator({
    mode: options.input ?? 'serial',
    ...(options.hidPos ? { hidPos: options.hidPos } : {}),
    send: link.toHost,
  })
  return { link, clock, driver, harness, reader, output: harness.output }
}

/** Feeds `bytes` to the link `size` bytes at a time. */
function deliverInChunks(link: FakeLink, bytes: Uint8Array, size: number): void {
  for (let offset = 0; offset < bytes.length; offset += size)
    link.deliver(bytes.slice(offset, offset + size))
}

describe('card reader driver', () => {
  it('emits a token, its key id and the masked number for a swipe, nothing else', async () => {
    const { reader, output } = await startReader()
    await reader.swipe('4111111111111111')
    expect(output.events).toHaveLength(1)
    const event = output.events[0]
    expect(event?.type).toBe('card')
    expect(CardPayload.parse(event?.payload)).toEqual({
      token: expectedToken('4111111111111111'),
      tokenKeyId: KEY_ID,
      masked: '411111******1111',
      source: 'magstripe',
    })
    expect(output.state).toMatchObject({ kind: 'card-reader', online: true, reads: 1, badReads: 0 })
    expect(output.state['lastReadAt']).toBe(1_700_000_000_000)
  })

  it.each(['5500005555555559', '4000056655665556', '6212345678901234569'])(
    'reads the test card %s',
    async (pan) => {
      const { reader, output } = await startReader()
      await reader.swipe(pan, { tracks: 'track2', terminator: '\r\n' })
      expect(output.events.map((event) => event.payload['token'])).toEqual([expectedToken(pan)])
    },
  )

  it('reassembles a swipe that arrives one byte at a time and in odd chunks', async () => {
    const { link, output } = await startReader()
    const bytes = new TextEncoder().encode(
      toSwipeText('4111111111111111') + toSwipeText('5500005555555559'),
    )
    deliverInChunks(link, bytes, 1)
    deliverInChunks(link, new TextEncoder().encode(toSwipeText('4000056655665556')), 7)
    expect(output.events.map((event) => event.payload['masked'])).toEqual([
      '411111******1111',
      '550000******5559',
      '400005******5556',
    ])
  })

  it('counts a reader that sends each track on its own line as one read', async () => {
    const { reader, clock, output } = await startReader()
    await reader.swipe('4111111111111111', { trackPerLine: true })
    expect(output.events).toHaveLength(1)
    clock.advance(2_000)
    await reader.swipe('4111111111111111', { trackPerLine: true })
    expect(output.events).toHaveLength(2)
    expect(output.state).toMatchObject({ reads: 2, badReads: 0 })
  })

  it('refuses a bad check digit, garbage and read errors with a warning and a bad-read count', async () => {
    const { reader, output } = await startReader()
    await reader.swipe('4111111111111112')
    await reader.sendText('garbage from a barcode scanner\r')
    await reader.sendText('%E?;E?\r')
    expect(output.events).toEqual([])
    expect(output.state).toMatchObject({ reads: 0, badReads: 3 })
    expect(output.logs.filter((log) => log.level === 'warn').map((log) => log.fields)).toEqual([
      { reason: 'luhn', badReads: 1 },
      { reason: 'no-track', badReads: 2 },
      { reason: 'read-error', badReads: 3 },
    ])
  })

  it('drops a half swipe after the idle timeout and reads the next one cleanly', async () => {
    const { reader, clock, output } = await startReader()
    await reader.sendText(';411111111111')
    clock.advance(499)
    expect(output.state).toMatchObject({ badReads: 0 })
    clock.advance(1)
    expect(output.state).toMatchObject({ badReads: 1 })
    expect(output.logs.at(-1)?.fields).toEqual({ reason: 'partial', badReads: 1 })
    await reader.swipe('5500005555555559')
    expect(output.events.map((event) => event.payload['masked'])).toEqual(['550000******5559'])
  })

  it('refuses an endless stream without a terminator as an overflow', async () => {
    const { reader, output } = await startReader({ framing: { maxSwipeBytes: 128 } })
    await reader.sendText(`;${'4'.repeat(300)}`)
    await reader.sendText('=3012?\r')
    expect(output.events).toEqual([])
    expect(output.logs.at(-1)?.fields).toEqual({ reason: 'overflow', badReads: 1 })
    await reader.swipe('4111111111111111')
    expect(output.events).toHaveLength(1)
  })

  it('reads keyboard-wedge HID reports, however the link splits them', async () => {
    const { reader, link, output } = await startReader({ input: 'hid-keyboard' })
    await reader.swipe('4111111111111111')
    const chunks: Uint8Array[] = []
    const splitter = new CardSwipeSimulator({
      mode: 'hid-keyboard',
      send: (bytes) => {
        chunks.push(bytes)
        return Promise.resolve()
      },
    })
    await splitter.swipe('5500005555555559')
    deliverInChunks(link, chunks[0] ?? new Uint8Array(), 5)
    expect(output.events.map((event) => event.payload['token'])).toEqual([
      expectedToken('4111111111111111'),
      expectedToken('5500005555555559'),
    ])
  })

  it('skips a leading report id byte when reports are 9 bytes', async () => {
    const { link, output } = await startReader({ input: 'hid-keyboard', hid: { reportSize: 9 } })
    const reports: Uint8Array[] = []
    await new CardSwipeSimulator({
      mode: 'hid-keyboard',
      send: (bytes) => {
        for (let offset = 0; offset < bytes.length; offset += 8) {
          reports.push(Uint8Array.of(0x01, ...bytes.subarray(offset, offset + 8)))
        }
        return Promise.resolve()
      },
    }).swipe('4000056655665556')
    for (const report of reports) link.deliver(report)
    expect(output.events.map((event) => event.payload['masked'])).toEqual(['400005******5556'])
  })

  it('reads HID swipe reports (MagTek layout), split or not, and refuses a report with a bad track', async () => {
    const { reader, link, output } = await startReader({ input: 'hid-pos' })
    await reader.swipe('4111111111111111')
    const chunks: Uint8Array[] = []
    await new CardSwipeSimulator({
      mode: 'hid-pos',
      send: (bytes) => {
        chunks.push(bytes)
        return Promise.resolve()
      },
    }).swipe('5500005555555559', { tracks: 'track2' })
    expect(chunks[0]?.length).toBe(337)
    deliverInChunks(link, chunks[0] ?? new Uint8Array(), 64)
    await reader.sendTracks(['%E?', ';4111111111111112=3012?'])
    expect(output.events.map((event) => event.payload['masked'])).toEqual([
      '411111******1111',
      '550000******5559',
    ])
    expect(output.logs.filter((log) => log.level === 'warn').map((log) => log.fields)).toEqual([
      { reason: 'read-error', badReads: 1 },
    ])
  })

  it('puts sentinels back for HID readers that strip them, in a custom report layout', async () => {
    const hidPos = {
      reportSize: 64,
      lengthOffsets: [1, 2],
      dataOffsets: [3, 33],
      trackBytes: 30,
      addSentinels: true,
    }
    const { reader, output } = await startReader({ input: 'hid-pos', hidPos })
    await reader.sendTracks(['', '4000056655665556=30121010000'])
    expect(output.events.map((event) => event.payload['masked'])).toEqual(['400005******5556'])
  })

  it('refuses a HID report layout whose fields do not fit', () => {
    const parsed = cardReaderDriver.optionsSchema.safeParse({
      tokenKeyId: KEY_ID,
      input: 'hid-pos',
      hidPos: { reportSize: 64, dataOffsets: [3, 40, 50], trackBytes: 30 },
    })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues[0]?.message).toBe('every track field must fit in the report')
  })

  it('answers every command with UNKNOWN_COMMAND', async () => {
    const { driver } = await startReader()
    const result = await driver.execute({ id: 'c1', name: 'read', ts: 0, expiresAt: 1, args: {} })
    expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } })
  })

  it('is healthy while the link is open and offline after it went away', async () => {
    const { driver, link, output } = await startReader()
    expect(await driver.healthCheck()).toBe('ok')
    link.unplug()
    driver.detach()
    expect(await driver.healthCheck()).toBe('offline')
    expect(output.state).toMatchObject({ online: false })
  })

  it('refuses to start without its key, or with a short key', () => {
    const options = cardReaderDriver.optionsSchema.parse({ tokenKeyId: 'missing' })
    expect(() => cardReaderDriver.create(options, { stateDir: '/x', secrets: {} })).toThrow(
      /"missing" is not among the bridge's secrets/,
    )
    expect(() =>
      cardReaderDriver.create(options, { stateDir: '/x', secrets: { missing: 'abcd' } }),
    ).toThrow(/at least 32 bytes/)
  })

  it('refuses malformed options with a message naming the field', () => {
    const parsed = cardReaderDriver.optionsSchema.safeParse({ tokenKeyId: '', input: 'wedge' })
    expect(parsed.success).toBe(false)
    expect(parsed.error?.issues.map((issue) => issue.path.join('.'))).toEqual([
      'tokenKeyId',
      'input',
    ])
  })
})

describe('card reader privacy', () => {
  const CARDS = ['4111111111111111', '5500005555555559', '4000056655665556', '6212345678901234569']

  /** Every 6-digit run of `pan`: none may appear anywhere except inside its masked form. */
  const windows = (pan: string): string[] =>
    Array.from({ length: pan.length - 5 }, (_, index) => pan.slice(index, index + 6))

  async function swipeEverything(
    driver: DeviceDriver,
    reader: CardSwipeSimulator,
    clock: FakeClock,
  ) {
    for (const pan of CARDS) {
      await reader.swipe(pan)
      await reader.swipe(pan, { tracks: 'track1', terminator: '\r\n' })
      clock.advance(2_000)
      await reader.swipe(pan, { trackPerLine: true })
      await reader.swipe(`${pan.slice(0, -1)}${(Number(pan.at(-1)) + 1) % 10}`) // bad check digit
      await reader.sendText(`;${pan}=30`) // half a swipe…
      clock.advance(1_000) // …dropped on the idle timeout
      await reader.sendText(`%B${pan}^NAME^3012?;${CARDS[0] === pan ? CARDS[1] : CARDS[0]}=3012?\r`)
      await reader.sendText(`;${pan}${pan}=3012?\r`) // too long
      await reader.sendText(`${pan}\r`) // bare digits, no sentinel
      clock.advance(2_000)
    }
    for (const name of ['read', 'dump', 'status']) {
      await driver.execute({ id: name, name, ts: 0, expiresAt: 1, args: { pan: 'x' } })
    }
  }

  it.each(['serial', 'hid-keyboard', 'hid-pos'] as const)(
    'puts no card number in events, state, logs or replies (%s)',
    async (input) => {
      const { driver, reader, clock, output, link } = await startReader({ input })
      const replies: unknown[] = []
      for (const name of ['read', 'dump']) {
        replies.push(await driver.execute({ id: name, name, ts: 0, expiresAt: 1, args: {} }))
      }
      await swipeEverything(driver, reader, clock)
      replies.push(await driver.healthCheck())
      link.unplug()
      driver.detach()

      expect(output.events.length).toBeGreaterThanOrEqual(CARDS.length)
      let everything = JSON.stringify({ ...output, replies })
      expect(everything.length).toBeGreaterThan(1_000)
      for (const pan of CARDS) {
        everything = everything.replaceAll(
          `${pan.slice(0, 6)}${'*'.repeat(pan.length - 10)}${pan.slice(-4)}`,
          '<masked>',
        )
      }
      expect(everything).toContain('<masked>')
      for (const pan of CARDS) {
        for (const run of windows(pan)) expect(everything).not.toContain(run)
      }
      // Only the allowed fields leave as events.
      for (const event of output.events)
        expect(CardPayload.safeParse(event.payload).success).toBe(true)
    },
  )
})
