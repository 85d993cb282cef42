import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { counterDisplayDriver } from '../src/devices/counter-display/index.js'
import { FakeLink, SharedPort } from '../src/links/index.js'
import { createSupervisor } from '../src/supervisor.js'
import { createFakeClock } from './fake-clock.js'
import { recordingPublisher } from './recording-publisher.js'

/**
 * Supervisors of counter displays on one shared port (fake link, fake clock), with the real
 * counter display driver: request/reply pairs of different displays never overlap on the bus, and
 * one display failing its health check leaves the port to the others.
 */

const silent = pino({ level: 'silent' })
const ACK = '\x06'
const text = (chunk: Uint8Array): string => new TextDecoder().decode(chunk)
/** The address of a display frame (STX, two hex digits, …). */
const addressOf = (frame: string): number => Number.parseInt(frame.slice(1, 3), 16)

function setup() {
  const clock = createFakeClock()
  const port = new FakeLink({ description: 'fake rs485' })
  const shared = new SharedPort(port)
  const publisher = recordingPublisher(clock)
  /** Addresses the far end acknowledges by itself; null: the test acknowledges by hand. */
  const far: { answering: Set<number> | null } = { answering: null }
  port.far.onWrite((chunk) => {
    if (far.answering?.has(addressOf(text(chunk))) === true) port.far.send(ACK)
  })
  let ids = 0
  const display = (id: string, address: number) => {
    const link = shared.handle(id)
    const supervisor = createSupervisor({
      deviceId: id,
      driver: counterDisplayDriver.create(
        counterDisplayDriver.optionsSchema.parse({ address, ackTimeoutMs: 200, retries: 1 }),
        { stateDir: '/nonexistent', secrets: {} },
      ),
      link,
      clock,
      random: () => 0.5,
      log: silent,
      publisher,
      newId: () => `event-${String(++ids).padStart(4, '0')}`,
      onFatal: () => undefined,
      options: { debounceMs: 0, healthIntervalMs: 5_000 },
    })
    return { link, supervisor }
  }
  const availability = (id: string) =>
    publisher.out
      .filter((p) => p.what === 'availability' && p.deviceId === id)
      .map((p) => p.payload['state'])
  return { clock, port, shared, far, display, availability }
}

const desired = (value: Record<string, unknown>, ts: number) =>
  new TextEncoder().encode(JSON.stringify({ ...value, ts }))

describe('supervisors on a shared port', () => {
  it('opens the port once, and never has two displays waiting for a reply at the same time', async () => {
    const t = setup()
    const one = t.display('led-1', 1)
    const two = t.display('led-2', 2)
    one.supervisor.start()
    two.supervisor.start()
    await t.clock.settle()
    expect([one.supervisor.isOnline, two.supervisor.isOnline]).toEqual([true, true])
    expect(t.port.far.opens).toBe(1)
    expect(t.shared.openHandles).toBe(2)

    one.supervisor.handleDesired(desired({ version: 1, text: 'A042' }, t.clock.now()))
    two.supervisor.handleDesired(desired({ version: 1, text: 'B107' }, t.clock.now()))
    await t.clock.settle()
    // A bare ACK byte carries no address: the second frame waits until the first is answered.
    expect(t.port.far.written.map(text).map(addressOf)).toEqual([1])
    t.port.far.send(ACK)
    await t.clock.settle()
    expect(t.port.far.written.map(text).map(addressOf)).toEqual([1, 2])
    t.port.far.send(ACK)
    await t.clock.settle()
    expect(t.port.far.written.map(text)).toEqual([
      expect.stringContaining('A042'),
      expect.stringContaining('B107'),
    ])
    expect(t.port.far.written).toHaveLength(2) // each acknowledged once, no resend
    await one.supervisor.stop()
    expect(t.port.isOpen).toBe(true)
    await two.supervisor.stop()
    expect(t.port.isOpen).toBe(false)
  })

  it('a display that stops answering goes offline alone; the port stays open for the other', async () => {
    const t = setup()
    t.far.answering = new Set([1, 2])
    const one = t.display('led-1', 1)
    const two = t.display('led-2', 2)
    one.supervisor.start()
    two.supervisor.start()
    await t.clock.settle()
    t.far.answering = new Set([1]) // display 2 lost power
    await t.clock.advance(6_000)
    // Its health check failed: offline, handle released, reopened (its init has no handshake).
    expect(t.availability('led-2').slice(0, 2)).toEqual(['online', 'offline'])
    expect(one.supervisor.isOnline).toBe(true)
    expect(t.port.isOpen).toBe(true)
    expect(t.port.far.opens).toBe(1)
    await t.clock.advance(30_000) // display 2 keeps failing its checks and reopening its handle
    expect(one.supervisor.isOnline).toBe(true)
    expect(t.port.far.opens).toBe(1)
    expect(t.availability('led-1')).toEqual(['online'])
    expect(t.availability('led-2').filter((s) => s === 'offline').length).toBeGreaterThan(1)
    // Display 1's status frames were answered all along, on the same port.
    const toOne = t.port.far.written.map(text).filter((f) => addressOf(f) === 1)
    expect(toOne.length).toBeGreaterThanOrEqual(7)

    t.far.answering = new Set([1, 2]) // power back: display 2 joins the open port
    await t.clock.advance(60_000)
    expect(two.supervisor.isOnline).toBe(true)
    expect(t.port.far.opens).toBe(1)
    expect(t.availability('led-1')).toEqual(['online'])
    expect(t.availability('led-2').at(-1)).toBe('online')

    // The adapter is pulled: both go offline, and both come back on one reopen of the port.
    t.port.far.unplug()
    await t.clock.settle()
    expect([one.supervisor.isOnline, two.supervisor.isOnline]).toEqual([false, false])
    t.port.far.plug()
    await t.clock.advance(5_000)
    expect([one.supervisor.isOnline, two.supervisor.isOnline]).toEqual([true, true])
    expect(t.port.far.opens).toBe(2)
    await one.supervisor.stop()
    await two.supervisor.stop()
  })
})
