import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { createBackoff } from '../src/backoff.js'
import { FakeLink } from '../src/links/fake.js'
import { createSupervisor, type SupervisorOptions } from '../src/supervisor.js'
import { createFakeClock, sequenceRandom, type FakeClock } from './fake-clock.js'
import { answerLines, createLineDisplayDriver } from './line-display-driver.js'
import { recordingPublisher } from './recording-publisher.js'

/**
 * The per-device supervisor with the fake link, the line-display test driver and a fake clock:
 * what an operator would see on MQTT when a device is plugged, unplugged, flaps or dies.
 */

const silent = pino({ level: 'silent' })
const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value))

/** A fake link that also records when each open was attempted (fake time). */
class TimedFakeLink extends FakeLink {
  readonly attempts: number[] = []
  readonly clockNow: () => number
  constructor(clockNow: () => number) {
    super({ description: 'fake display' })
    this.clockNow = clockNow
  }
  override open(signal?: AbortSignal): Promise<void> {
    this.attempts.push(this.clockNow())
    return super.open(signal)
  }
}

function setup(input: { options?: Partial<SupervisorOptions>; random?: () => number } = {}) {
  const clock: FakeClock = createFakeClock()
  const link = new TimedFakeLink(() => clock.now())
  const device = answerLines(link.far)
  const driver = createLineDisplayDriver({ columns: 16, replyTimeoutMs: 500 })
  const publisher = recordingPublisher(clock)
  const fatal: string[] = []
  let ids = 0
  const supervisor = createSupervisor({
    deviceId: 'led-c2',
    driver,
    link,
    clock,
    random: input.random ?? (() => 0.5),
    log: silent,
    publisher,
    newId: () => `event-${String(++ids).padStart(4, '0')}`,
    onFatal: (reason) => fatal.push(reason),
    options: { debounceMs: 5_000, healthIntervalMs: 10_000, ...input.options },
  })
  const availability = () => publisher.out.filter((p) => p.what === 'availability')
  const replies = () => publisher.out.filter((p) => p.what === 'reply').map((p) => p.payload)
  return { clock, link, device, driver, publisher, supervisor, fatal, availability, replies }
}

const command = (input: { id: string; name: string; args?: unknown; ts: number; ttlMs?: number }) =>
  encode({
    id: input.id,
    name: input.name,
    ts: input.ts,
    expiresAt: input.ts + (input.ttlMs ?? 60_000),
    args: input.args ?? {},
  })

describe('createBackoff', () => {
  it('doubles from 250 ms, caps at 30 s, and jitters within [half, full] of each step', () => {
    const low = createBackoff({ baseMs: 250, capMs: 30_000, random: () => 0 })
    const high = createBackoff({ baseMs: 250, capMs: 30_000, random: () => 0.999_999 })
    const lows = Array.from({ length: 12 }, () => low.next())
    const highs = Array.from({ length: 12 }, () => high.next())
    expect(lows).toEqual([
      125, 250, 500, 1000, 2000, 4000, 8000, 15_000, 15_000, 15_000, 15_000, 15_000,
    ])
    expect(highs).toEqual([
      250, 500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000, 30_000,
    ])
    low.reset()
    expect(low.next()).toBe(125)
  })
})

describe('createSupervisor', () => {
  it('opens, initialises, applies the last desired state, then publishes meta → state → online', async () => {
    const t = setup()
    t.supervisor.handleDesired(encode({ version: 3, text: 'A-042', ts: t.clock.now() }))
    t.supervisor.start()
    await t.clock.settle()

    expect(t.device.lines).toEqual(['INIT', 'SHOW A-042'])
    expect(
      t.publisher.out.map(
        (p) => `${p.what}:${typeof p.payload['state'] === 'string' ? p.payload['state'] : ''}`,
      ),
    ).toEqual(['meta:', 'state:', 'availability:online'])
    expect(t.publisher.out[0]?.payload).toMatchObject({
      kind: 'counter-display',
      model: 'line-display',
    })
    expect(t.publisher.out[1]?.payload).toMatchObject({ shown: { text: 'A-042' } })
    expect(t.supervisor.isOnline).toBe(true)
  })

  it('hides an unplug/replug shorter than the debounce window: no availability change at all', async () => {
    const t = setup()
    t.supervisor.start()
    await t.clock.settle()
    expect(t.availability()).toHaveLength(1)

    t.link.far.unplug()
    await t.clock.advance(300)
    t.link.far.plug()
    await t.clock.advance(1_000) // reopened by the backoff within the window
    expect(t.supervisor.isOnline).toBe(true)
    expect(t.link.far.opens).toBe(2)
    await t.clock.advance(20_000)
    expect(t.availability().map((p) => p.payload['state'])).toEqual(['online'])
  })

  it('publishes offline once the window passes, and online again no sooner than a window later', async () => {
    const t = setup()
    t.supervisor.start()
    await t.clock.settle()
    const unpluggedAt = t.clock.now()
    t.link.far.unplug()
    await t.clock.advance(4_999)
    expect(t.availability()).toHaveLength(1)
    await t.clock.advance(1)
    const offline = t.availability()[1]
    expect(offline?.payload).toEqual({ state: 'offline', reason: 'disconnected' })
    expect(offline?.at).toBe(unpluggedAt + 5_000)

    t.link.far.plug()
    await t.clock.advance(60_000)
    const states = t.availability()
    expect(states.map((p) => p.payload['state'])).toEqual(['online', 'offline', 'online'])
    // At most one change per device per 5 s window.
    for (let i = 1; i < states.length; i++)
      expect((states[i]?.at ?? 0) - (states[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(5_000)
  })

  it('retries with jittered exponential backoff growing to the 30 s cap while the device is gone', async () => {
    const t = setup({ random: sequenceRandom([0, 0.999_999, 0.5]) })
    t.link.far.unplug() // absent from the start
    t.supervisor.start()
    await t.clock.advance(5 * 60_000)
    const gaps = t.link.attempts.slice(1).map((at, i) => at - (t.link.attempts[i] ?? 0))
    expect(gaps.length).toBeGreaterThan(10)
    gaps.forEach((gap, attempt) => {
      const ceiling = Math.min(30_000, 250 * 2 ** attempt)
      expect(gap).toBeGreaterThanOrEqual(ceiling / 2)
      expect(gap).toBeLessThanOrEqual(ceiling)
    })
    expect(Math.max(...gaps)).toBeLessThanOrEqual(30_000)
    expect(gaps.slice(-3).every((gap) => gap >= 15_000)).toBe(true)
    // Absent from the start: offline is said once, with the reason.
    expect(t.availability().map((p) => p.payload)).toEqual([
      { state: 'offline', reason: 'not-found' },
    ])
    expect(t.fatal).toEqual([]) // not required: keeps trying forever
  })

  it('gives up (onFatal, once) after K consecutive failures of a required device within T', async () => {
    const t = setup({ options: { required: true, maxFailures: 4, failureWindowMs: 60_000 } })
    t.link.far.unplug()
    t.supervisor.start()
    await t.clock.advance(60_000)
    expect(t.link.attempts).toHaveLength(4)
    expect(t.fatal).toHaveLength(1)
    expect(t.fatal[0]).toMatch(/led-c2 failed 4 times in a row/)
    await t.clock.advance(120_000)
    expect(t.link.attempts).toHaveLength(4) // no more attempts after giving up
  })

  it('does not give up when the failures are spread wider than the window', async () => {
    const t = setup({
      options: {
        required: true,
        maxFailures: 4,
        failureWindowMs: 1_000,
        backoff: { baseMs: 800, capMs: 800 },
      },
      random: () => 0.999_999,
    })
    t.link.far.unplug()
    t.supervisor.start()
    await t.clock.advance(30_000)
    expect(t.link.attempts.length).toBeGreaterThan(10)
    expect(t.fatal).toEqual([])
  })

  it('applies the desired state again after every reopen (a replugged display shows the ticket)', async () => {
    const t = setup()
    t.supervisor.start()
    await t.clock.settle()
    t.supervisor.handleDesired(encode({ version: 1, text: 'B-007', ts: t.clock.now() }))
    await t.clock.settle()
    t.link.far.unplug()
    await t.clock.advance(100)
    t.link.far.plug()
    await t.clock.advance(2_000)
    expect(t.device.lines).toEqual(['INIT', 'SHOW B-007', 'INIT', 'SHOW B-007'])
    // An older desired version is ignored.
    t.supervisor.handleDesired(encode({ version: 0, text: 'OLD', ts: t.clock.now() }))
    await t.clock.settle()
    expect(t.device.lines.at(-1)).toBe('SHOW B-007')
  })

  it('runs a command once per id: a duplicate (even while the first runs) gets the same reply', async () => {
    const t = setup()
    t.supervisor.start()
    await t.clock.settle()
    const payload = command({
      id: 'cmd-0001-show',
      name: 'show',
      args: { text: 'C-100' },
      ts: t.clock.now(),
    })
    await Promise.all([
      t.supervisor.handleCommand('show', payload),
      t.supervisor.handleCommand('show', payload),
    ])
    await t.supervisor.handleCommand('show', payload)
    expect(t.driver.executed).toEqual(['cmd-0001-show'])
    expect(t.device.lines.filter((l) => l === 'SHOW C-100')).toHaveLength(1)
    const replies = t.replies()
    expect(replies).toHaveLength(3)
    for (const reply of replies)
      expect(reply).toMatchObject({ id: 'cmd-0001-show', ok: true, data: { shown: 'C-100' } })
  })

  it('answers an expired command without running it (print: PRINT_EXPIRED)', async () => {
    const t = setup()
    t.supervisor.start()
    await t.clock.settle()
    const old = t.clock.now() - 120_000
    await t.supervisor.handleCommand(
      'show',
      command({ id: 'cmd-expired-1', name: 'show', ts: old }),
    )
    await t.supervisor.handleCommand(
      'print',
      command({ id: 'job-expired-1', name: 'print', ts: old }),
    )
    expect(t.driver.executed).toEqual([])
    expect(t.replies()).toEqual([
      expect.objectContaining({
        id: 'cmd-expired-1',
        ok: false,
        error: expect.objectContaining({ code: 'EXPIRED' }),
      }),
      expect.objectContaining({
        id: 'job-expired-1',
        ok: false,
        error: expect.objectContaining({ code: 'PRINT_EXPIRED' }),
      }),
    ])
  })

  it('refuses commands while the device is offline, and runs the resend once it is back', async () => {
    const t = setup()
    t.link.far.unplug()
    t.supervisor.start()
    await t.clock.settle()
    const job = command({ id: 'job-0000-0001', name: 'print', ts: t.clock.now() })
    await t.supervisor.handleCommand('print', job)
    expect(t.replies()[0]).toMatchObject({ ok: false, error: { code: 'PRINTER_OFFLINE' } })
    t.link.far.plug()
    await t.clock.advance(1_000)
    await t.supervisor.handleCommand('print', job)
    expect(t.replies()[1]).toMatchObject({ id: 'job-0000-0001', ok: true })
    expect(t.driver.executed).toEqual(['job-0000-0001'])
  })

  it('answers malformed commands with INVALID_COMMAND when they carry an id, and drops them otherwise', async () => {
    const t = setup()
    t.supervisor.start()
    await t.clock.settle()
    await t.supervisor.handleCommand('show', new TextEncoder().encode('{not json'))
    await t.supervisor.handleCommand('show', encode({ id: 'cmd-bad-0001', name: 'show' }))
    await t.supervisor.handleCommand(
      'show',
      command({ id: 'cmd-bad-0002', name: 'beep', ts: t.clock.now() }),
    )
    expect(t.replies()).toEqual([
      expect.objectContaining({
        id: 'cmd-bad-0001',
        error: expect.objectContaining({ code: 'INVALID_COMMAND' }),
      }),
      expect.objectContaining({
        id: 'cmd-bad-0002',
        error: expect.objectContaining({ code: 'INVALID_COMMAND' }),
      }),
    ])
    expect(t.driver.executed).toEqual([])
  })

  it('takes a device that stops answering its health check offline and reopens it', async () => {
    const t = setup()
    t.supervisor.start()
    await t.clock.settle()
    t.device.pong = false
    t.device.ready = false
    await t.clock.advance(10_000 + 500)
    expect(t.supervisor.isOnline).toBe(false)
    await t.clock.advance(10_000)
    expect(t.availability().map((p) => p.payload)).toEqual([
      { state: 'online' },
      { state: 'offline', reason: 'health-check' },
    ])
    t.device.pong = true
    t.device.ready = true
    await t.clock.advance(60_000)
    expect(t.supervisor.isOnline).toBe(true)
  })

  it('merges state patches and publishes at most one state per 250 ms', async () => {
    const t = setup()
    t.supervisor.start()
    await t.clock.settle()
    const before = t.publisher.out.filter((p) => p.what === 'state').length
    for (let i = 0; i < 20; i++) {
      await t.supervisor.handleCommand(
        'show',
        command({
          id: `cmd-burst-${String(i).padStart(3, '0')}`,
          name: 'show',
          args: { text: `N${i}` },
          ts: t.clock.now(),
        }),
      )
      await t.clock.advance(10)
    }
    await t.clock.advance(1_000)
    const states = t.publisher.out.filter((p) => p.what === 'state').slice(before)
    expect(states.length).toBeLessThanOrEqual(2)
    expect(states.at(-1)?.payload).toMatchObject({ shown: { text: 'N19' }, online: true })
    for (let i = 1; i < states.length; i++)
      expect((states[i]?.at ?? 0) - (states[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(250)
  })

  it('adds an id, ts and expiresAt to device events', async () => {
    const t = setup()
    t.supervisor.start()
    await t.clock.settle()
    t.link.far.send('KEY next\n')
    const event = t.publisher.out.find((p) => p.what === 'event')
    expect(event?.payload).toEqual({
      type: 'button',
      key: 'next',
      id: 'event-0001',
      ts: t.clock.now(),
      expiresAt: t.clock.now() + 60_000,
    })
  })

  it('closes a link whose write never drains and reopens it (write watchdog)', async () => {
    const link = new FakeLink({ writeTimeoutMs: 100 })
    const closes: boolean[] = []
    link.on('close', (reason) => closes.push(reason.disconnected))
    await link.open()
    link.far.stallWrites = true
    await expect(link.write(new Uint8Array([1, 2, 3]))).rejects.toThrow(/timed out after 100 ms/)
    expect(closes).toEqual([true])
    expect(link.isOpen).toBe(false)
  })

  it('stops: publishes offline (shutdown) at once and closes the link', async () => {
    const t = setup()
    t.supervisor.start()
    await t.clock.settle()
    await t.supervisor.stop()
    expect(t.availability().map((p) => p.payload)).toEqual([
      { state: 'online' },
      { state: 'offline', reason: 'shutdown' },
    ])
    expect(t.link.isOpen).toBe(false)
    expect(t.clock.pendingTimers).toBe(0)
  })
})
