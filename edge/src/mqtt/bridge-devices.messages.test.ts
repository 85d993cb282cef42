import type { CounterState, PrinterState } from '@kqms/shared/mqtt'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { fakeClock } from '../../test/fake-clock.js'
import { createDesiredPublisher } from '../usecases/retained-desired.js'
import type { PrinterStatus } from '../usecases/print-jobs.js'
import { LED_CLOSED_TEXT, toKioskPrinter, toLedDesired } from './bridge-devices.messages.js'

const counter = (patch: Partial<CounterState> = {}): CounterState => ({
  counterId: 'c2' as CounterState['counterId'],
  label: '2',
  name: { kk: '2-терезе', ru: 'Окно 2', en: 'Counter 2' },
  active: true,
  current: null,
  operator: {
    operatorId: 'yerlan' as NonNullable<CounterState['operator']>['operatorId'],
    displayName: 'Ерлан С.',
    status: 'available',
    pauseReason: null,
  },
  ts: 1,
  ...patch,
})

const called = (status: 'called' | 'serving', recallCount = 0): CounterState['current'] => ({
  ticketId: '00000000-0000-7000-8000-000000000001' as NonNullable<
    CounterState['current']
  >['ticketId'],
  number: 'A042',
  status,
  language: 'kk',
  calledAt: 1,
  recallCount,
})

describe(toLedDesired.name, () => {
  it('shows "—" at a closed counter, blank when idle, the number blinking until service starts', () => {
    expect(toLedDesired(null)).toMatchObject({ text: LED_CLOSED_TEXT, blink: false })
    expect(toLedDesired(counter({ operator: null }))).toMatchObject({ text: '—', blink: false })
    expect(toLedDesired(counter({ active: false }))).toMatchObject({ text: '—' })
    expect(toLedDesired(counter())).toMatchObject({ text: '', blink: false, call: null })
    const call = toLedDesired(counter({ current: called('called') }), 60)
    expect(call).toEqual({ text: 'A042', blink: true, brightness: 60, call: expect.any(String) })
    const recall = toLedDesired(counter({ current: called('called', 1) }), 60)
    expect(recall.call).not.toBe(call.call) // a recall is new content: the display blinks again
    expect(toLedDesired(counter({ current: called('serving', 1) }))).toMatchObject({
      text: 'A042',
      blink: false,
    })
  })
})

describe(toKioskPrinter.name, () => {
  const state = (patch: Partial<PrinterState> = {}): PrinterState => ({
    kind: 'printer',
    online: true,
    paper: 'ok',
    coverOpen: false,
    cutterError: false,
    blockedBy: null,
    paperUsedMm: 0,
    rollLengthMm: 80_000,
    paperRemainingPercent: 99.6,
    ticketsPrinted: 0,
    profile: 'p',
    lastJob: null,
    ts: 1,
    ...patch,
  })
  const status = (patch: Partial<PrinterStatus> = {}): PrinterStatus => ({
    printerId: 'printer-1',
    availability: 'online',
    bdSeq: 1,
    state: state(),
    ...patch,
  })

  it('says whether the kiosk can print from the printer’s availability and reported state', () => {
    expect(toKioskPrinter(null).state).toBe('none')
    expect(toKioskPrinter(status())).toMatchObject({ state: 'ok', paperRemainingPercent: 100 })
    expect(toKioskPrinter(status({ state: state({ paper: 'near-end' }) })).state).toBe('near-end')
    expect(
      toKioskPrinter(status({ state: state({ paper: 'out', blockedBy: 'paper-out' }) })).state,
    ).toBe('out')
    expect(toKioskPrinter(status({ state: state({ blockedBy: 'cover-open' }) }))).toMatchObject({
      state: 'offline',
      blockedBy: 'cover-open',
    })
    expect(toKioskPrinter(status({ availability: 'offline' })).state).toBe('offline')
    expect(toKioskPrinter(status({ availability: 'unknown', state: null })).state).toBe('offline')
    expect(toKioskPrinter(status({ state: null }))).toMatchObject({
      state: 'ok',
      paperRemainingPercent: null,
    })
  })
})

describe(createDesiredPublisher.name, () => {
  it('publishes only changes, each with a higher version, also after a restart', async () => {
    const clock = fakeClock(1_000)
    const sent: { topic: string; payload: Record<string, unknown> }[] = []
    const publisher = () =>
      createDesiredPublisher({
        publish: (topic, payload) => {
          sent.push({ topic, payload: payload as Record<string, unknown> })
          return Promise.resolve()
        },
        clock,
        log: pino({ level: 'silent' }),
      })
    const first = publisher()
    first.set('t', { text: 'A1' })
    first.set('t', { text: 'A1' })
    first.set('t', { text: 'A2' })
    first.set('u', { text: 'A2' })
    await first.flush()
    expect(sent.map((s) => [s.topic, s.payload['text'], s.payload['version']])).toEqual([
      ['t', 'A1', 1_000],
      ['t', 'A2', 1_001],
      ['u', 'A2', 1_000],
    ])
    clock.advance(5)
    const restarted = publisher()
    restarted.set('t', { text: 'A2' })
    await restarted.flush()
    expect(Number(sent.at(-1)?.payload['version'])).toBeGreaterThan(1_001)
  })
})
