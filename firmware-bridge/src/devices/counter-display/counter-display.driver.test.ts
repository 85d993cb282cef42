import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { CounterDisplaySimulator } from '../../simulators/counter-display/counter-display.simulator.js'
import {
  FakeClock,
  FakeLink,
  createDriverHarness,
  settle,
  systemClock,
} from '../../simulators/counter-display/test/fake-link.js'
import type { Link } from '../../links/link.js'
import { counterDisplayDriver } from './counter-display.driver.js'
import type { CounterDisplayOptions } from './counter-display.driver.js'

type Options = Partial<z.input<typeof CounterDisplayOptions>>

/** A bus with displays on the far end; the link records writes and replies in order. */
function startBus(simulatorOptions: { format?: Options['frame']; addresses?: number[] } = {}) {
  const link = new FakeLink()
  const traffic: string[] = []
  const simulator = new CounterDisplaySimulator({
    format: simulatorOptions.format ?? {},
    ...(simulatorOptions.addresses ? { addresses: simulatorOptions.addresses } : {}),
    send: (bytes) => {
      traffic.push('reply')
      return link.toHost(bytes)
    },
  })
  link.device = (bytes) => {
    traffic.push('frame')
    simulator.receive(bytes)
  }
  return { link, simulator, traffic }
}

async function startDisplay(link: Link, options: Options = {}) {
  const driver = counterDisplayDriver.create(
    counterDisplayDriver.optionsSchema.parse({ address: 1, ackTimeoutMs: 250, ...options }),
    { stateDir: '/nonexistent', secrets: {} },
  )
  const harness = createDriverHarness({ driver, link, clock: systemClock })
  if (!link.isOpen) await harness.start()
  else {
    link.on('data', (chunk) => {
      driver.onData(chunk)
    })
    await driver.init(harness.context)
  }
  return { driver, output: harness.output, harness }
}

describe('counter display driver', () => {
  it('shows the desired text and reports it as shown, acknowledged', async () => {
    const { link, simulator } = startBus()
    const { driver, output } = await startDisplay(link)
    await driver.applyDesired({ version: 1, text: 'A042', blink: true, ts: 5 })
    expect(simulator.shown(1)).toEqual({ text: 'A042', blink: true, brightness: 100 })
    expect(output.state).toMatchObject({
      kind: 'counter-display',
      online: true,
      shown: { text: 'A042', blink: true },
      assumed: false,
      appliedVersion: 1,
    })
    expect(output.state['lastAckAt']).toEqual(expect.any(Number))
  })

  it('writes nothing when the desired text is already shown', async () => {
    const { link } = startBus()
    const { driver } = await startDisplay(link)
    await driver.applyDesired({ version: 1, text: 'A042' })
    await driver.applyDesired({ version: 1, text: 'A042' })
    await driver.applyDesired({ version: 2, text: 'A042' })
    expect(link.written).toHaveLength(1)
    await driver.applyDesired({ version: 3, text: 'A043' })
    expect(link.written).toHaveLength(2)
  })

  it('writes again after a reopen (the display may have lost power)', async () => {
    const { link, simulator } = startBus()
    const { driver, harness } = await startDisplay(link)
    await driver.applyDesired({ version: 1, text: 'A042' })
    simulator.displays.clear()
    driver.detach()
    await driver.init(harness.context)
    await driver.applyDesired({ version: 1, text: 'A042' })
    expect(simulator.shown(1)?.text).toBe('A042')
  })

  it('sets the brightness and clears the display for empty text', async () => {
    const { link, simulator } = startBus()
    const { driver, output } = await startDisplay(link)
    await driver.applyDesired({ version: 1, text: 'C7', brightness: 40 })
    expect(simulator.shown(1)).toEqual({ text: 'C7', blink: false, brightness: 40 })
    await driver.applyDesired({ version: 2, text: '', brightness: 40 })
    expect(simulator.shown(1)).toEqual({ text: '', blink: false, brightness: 40 })
    expect(simulator.received.map((frame) => frame.ok && frame.request.command)).toEqual([
      'brightness',
      'text',
      'clear',
    ])
    expect(output.state).toMatchObject({ brightness: 40, shown: { text: '' } })
  })

  it('sends a frame again after a NAK', async () => {
    const { link, simulator } = startBus()
    const { driver } = await startDisplay(link)
    simulator.nakNext(2)
    await driver.applyDesired({ version: 1, text: 'A042' })
    expect(link.written).toHaveLength(3)
    expect(simulator.shown(1)?.text).toBe('A042')
  })

  it('gives up after the retries, reports offline, and recovers when the display answers again', async () => {
    const { link, simulator } = startBus()
    const { driver, output } = await startDisplay(link, { retries: 2, ackTimeoutMs: 100 })
    simulator.unresponsive = true
    await expect(driver.applyDesired({ version: 1, text: 'A042' })).rejects.toThrow(
      'The counter display at address 1 did not acknowledge "text" after 3 attempt(s) (timeout)',
    )
    expect(link.written).toHaveLength(3)
    expect(output.state).toMatchObject({ online: false })
    expect(await driver.healthCheck()).toBe('offline')
    simulator.unresponsive = false
    expect(await driver.healthCheck()).toBe('ok')
    await driver.applyDesired({ version: 1, text: 'A042' })
    expect(output.state).toMatchObject({ online: true, shown: { text: 'A042' } })
  })

  it('writes the shown text again from the health check once refreshMs passed', async () => {
    const frame = { ack: null }
    const { link, simulator } = startBus({ format: frame })
    const clock = new FakeClock()
    const driver = counterDisplayDriver.create(
      counterDisplayDriver.optionsSchema.parse({ address: 1, frame, refreshMs: 60_000 }),
    )
    const harness = createDriverHarness({ driver, link, clock })
    await harness.start()
    await driver.applyDesired({ version: 1, text: 'A042', blink: true })
    await settle()
    simulator.displays.clear() // the display lost power and came back blank
    clock.advance(59_999)
    expect(await driver.healthCheck()).toBe('ok')
    await settle()
    expect(simulator.shown(1)).toBeUndefined()
    clock.advance(1)
    expect(await driver.healthCheck()).toBe('ok')
    await settle()
    expect(simulator.shown(1)).toMatchObject({ text: 'A042', blink: true })
    expect(link.written).toHaveLength(2)
  })

  it('reports a display that keeps refusing frames as degraded', async () => {
    const { link, simulator } = startBus()
    const { driver } = await startDisplay(link, { retries: 0 })
    simulator.nakNext(1)
    expect(await driver.healthCheck()).toBe('degraded')
  })

  it('runs two displays on one bus one frame at a time, each at its address', async () => {
    const { link, simulator, traffic } = startBus({ addresses: [1, 2] })
    await link.open()
    const one = await startDisplay(link, { address: 1 })
    const two = await startDisplay(link, { address: 2 })
    await Promise.all([
      one.driver.applyDesired({ version: 1, text: 'A001', brightness: 80 }),
      two.driver.applyDesired({ version: 1, text: 'B002', brightness: 60 }),
      one.driver.applyDesired({ version: 2, text: 'A003' }),
    ])
    expect(simulator.shown(1)).toEqual({ text: 'A003', blink: false, brightness: 80 })
    expect(simulator.shown(2)).toEqual({ text: 'B002', blink: false, brightness: 60 })
    expect(traffic).toEqual(Array.from({ length: 5 }, () => ['frame', 'reply']).flat())
  })

  it('ignores an addressed ACK for another display', async () => {
    const link = new FakeLink()
    const frame = { reply: 'addressed' as const }
    const { driver } = await startDisplay(link, {
      address: 1,
      retries: 0,
      frame,
      ackTimeoutMs: 100,
    })
    link.device = () => {
      link.deliver(Uint8Array.of(0x06, 0x30, 0x32)) // ACK from address 2
    }
    await expect(driver.applyDesired({ version: 1, text: 'A1' })).rejects.toThrow(/\(timeout\)/)
    link.device = () => {
      link.deliver(Uint8Array.of(0x06, 0x30)) // ACK from address 1, split
      link.deliver(Uint8Array.of(0x31))
    }
    await driver.applyDesired({ version: 1, text: 'A1' })
  })

  it('assumes the text is shown when the display never acknowledges', async () => {
    const frame = { ack: null }
    const { link, simulator } = startBus({ format: frame })
    const { driver, output } = await startDisplay(link, { frame })
    await driver.applyDesired({ version: 1, text: 'A042' })
    await settle()
    expect(simulator.shown(1)?.text).toBe('A042')
    expect(output.state).toMatchObject({ assumed: true, shown: { text: 'A042' } })
    expect(await driver.healthCheck()).toBe('ok')
  })

  it('cuts text longer than the display with a warning', async () => {
    const { link, simulator } = startBus()
    const { driver, output } = await startDisplay(link, { maxTextLength: 4 })
    await driver.applyDesired({ version: 1, text: 'A042 counter 5' })
    expect(simulator.shown(1)?.text).toBe('A042')
    expect(output.logs.find((log) => log.level === 'warn')).toMatchObject({
      fields: { address: 1, length: 14, maxTextLength: 4 },
      message: 'text longer than the display: cut',
    })
  })

  it('refuses a malformed desired state with a clear message', async () => {
    const { link } = startBus()
    const { driver } = await startDisplay(link)
    await expect(driver.applyDesired({ version: -1, text: 5 })).rejects.toThrow(
      /Invalid desired state of a counter display/,
    )
    expect(link.written).toHaveLength(0)
  })

  it('runs show, clear, brightness and status commands', async () => {
    const { link, simulator } = startBus()
    const { driver } = await startDisplay(link)
    const command = (name: string, args: unknown = {}) =>
      driver.execute({ id: `c-${name}`, name, ts: 0, expiresAt: Number.MAX_SAFE_INTEGER, args })
    expect(await command('show', { text: 'TEST', blink: true })).toMatchObject({
      ok: true,
      data: { assumed: false },
    })
    expect(simulator.shown(1)).toMatchObject({ text: 'TEST', blink: true })
    expect(await command('brightness', { level: 10 })).toMatchObject({ ok: true })
    expect(await command('status')).toMatchObject({ ok: true })
    expect(await command('clear')).toMatchObject({ ok: true })
    expect(simulator.shown(1)).toEqual({ text: '', blink: false, brightness: 10 })
    expect(await command('brightness', { level: 300 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGS' },
    })
    expect(await command('show', { text: 42 })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGS' },
    })
    expect(await command('reboot')).toMatchObject({ ok: false, error: { code: 'UNKNOWN_COMMAND' } })
    simulator.unresponsive = true
    expect(await command('status')).toMatchObject({
      ok: false,
      error: { code: 'DISPLAY_NOT_ACKNOWLEDGED' },
    })
  })

  it('stops waiting when the link goes away', async () => {
    const link = new FakeLink()
    const { driver } = await startDisplay(link, { ackTimeoutMs: 10_000 })
    const pending = driver.applyDesired({ version: 1, text: 'A1' })
    await settle()
    link.unplug()
    driver.detach()
    await expect(pending).rejects.toThrow(/\(detached\)/)
  })

  it('answers OFFLINE for a command when the link is closed', async () => {
    const link = new FakeLink()
    const { driver } = await startDisplay(link)
    await link.close()
    const result = await driver.execute({ id: 'c', name: 'clear', ts: 0, expiresAt: 1, args: {} })
    expect(result).toMatchObject({ ok: false, error: { code: 'DISPLAY_OFFLINE' } })
  })
})

describe('counter display simulator', () => {
  it('NAKs a frame with a bad checksum and keeps showing the old text', async () => {
    const replies: number[] = []
    const simulator = new CounterDisplaySimulator({
      send: (bytes) => {
        replies.push(...bytes)
        return Promise.resolve()
      },
    })
    simulator.receive(new TextEncoder().encode('\x0201T0A04212\x03'))
    simulator.receive(new TextEncoder().encode('\x0201T0A04399\x03'))
    await settle()
    expect(replies).toEqual([0x06, 0x15])
    expect(simulator.shown(1)?.text).toBe('A042')
  })
})
