import type { TicketView } from '@kqms/shared/api'
import type { ServiceId } from '@kqms/shared/domain'
import { describe, expect, it } from 'vitest'
import {
  assumedPrint,
  cardReadOf,
  idleTimeoutSeconds,
  initialKiosk,
  kioskReducer,
  maskTypedPhone,
  printerAvailable,
  printerOverride,
  printerStateOf,
  printFace,
  registerBody,
  scannedToken,
  type KioskAction,
  type KioskState,
} from './state'

const CASH = 'cash' as ServiceId
const run = (actions: KioskAction[], from: KioskState = initialKiosk()) =>
  actions.reduce(kioskReducer, from)

const TICKET = { id: 't1', number: 'A001' } as unknown as TicketView

describe('kiosk flow', () => {
  it('goes language → services → identification and issues without a priority question', () => {
    const state = run([
      { type: 'language', language: 'kk' },
      { type: 'service', serviceId: CASH },
      { type: 'identify', method: 'none', requestKey: 'k-1' },
    ])
    expect(state.language).toBe('kk')
    expect(state.step).toEqual({
      name: 'issuing',
      serviceId: CASH,
      identity: { kind: 'none' },
      priorityClass: 'regular',
      requestKey: 'k-1',
    })
    if (state.step.name !== 'issuing') throw new Error('not issuing')
    expect(registerBody(state, state.step)).toEqual({
      serviceId: CASH,
      language: 'kk',
      priorityClass: 'regular',
    })
    expect(run([{ type: 'issued', ticket: TICKET }], state).step).toEqual({
      name: 'ticket',
      ticket: TICKET,
    })
  })

  it('asks for priority when the branch lets customers declare one', () => {
    const state = run([
      { type: 'branch', selfDeclarable: ['elderly'] },
      { type: 'language', language: 'ru' },
      { type: 'service', serviceId: CASH },
      { type: 'identify', method: 'none', requestKey: 'k-1' },
    ])
    expect(state.step.name).toBe('priority')
    const issuing = run([{ type: 'priority', priorityClass: 'elderly', requestKey: 'k-2' }], state)
    expect(issuing.step).toMatchObject({
      name: 'issuing',
      priorityClass: 'elderly',
      requestKey: 'k-2',
    })
  })

  it('takes a phone number on the keypad, at most ten digits, and sends it with +7', () => {
    let state = run([
      { type: 'language', language: 'en' },
      { type: 'service', serviceId: CASH },
      { type: 'identify', method: 'phone', requestKey: 'unused' },
    ])
    for (const key of '70112345678') state = kioskReducer(state, { type: 'key', key })
    expect(state.step).toMatchObject({ name: 'phone', digits: '7011234567' })
    state = run(
      [
        { type: 'key', key: 'back' },
        { type: 'submitPhone', requestKey: 'k' },
      ],
      state,
    )
    expect(state.step.name).toBe('phone') // nine digits: not complete
    state = run(
      [
        { type: 'key', key: '9' },
        { type: 'submitPhone', requestKey: 'k' },
      ],
      state,
    )
    expect(state.step).toMatchObject({
      name: 'issuing',
      identity: { kind: 'phone', phone: '+77011234569' },
    })
    if (state.step.name !== 'issuing') throw new Error('not issuing')
    expect(registerBody(state, state.step).phone).toBe('+77011234569')
  })

  it('ignores keys that are not digits and actions out of place', () => {
    const services = run([{ type: 'language', language: 'kk' }])
    expect(kioskReducer(services, { type: 'key', key: '5' })).toBe(services)
    expect(kioskReducer(services, { type: 'issued', ticket: TICKET })).toBe(services)
    expect(kioskReducer(services, { type: 'submitPhone', requestKey: 'k' })).toBe(services)
  })

  it('goes back one step and resets to the start in the default language', () => {
    const phone = run([
      { type: 'language', language: 'en' },
      { type: 'contrast' },
      { type: 'service', serviceId: CASH },
      { type: 'identify', method: 'phone', requestKey: 'k' },
    ])
    expect(run([{ type: 'back' }], phone).step).toEqual({ name: 'identify', serviceId: CASH })
    const reset = run([{ type: 'branch', selfDeclarable: ['elderly'] }, { type: 'reset' }], phone)
    expect(reset.step).toEqual({ name: 'welcome' })
    expect(reset.selfDeclarable).toEqual(['elderly'])
    expect(reset.language).toBe('kk')
    expect(reset.highContrast).toBe(false)
  })

  it('has an idle timeout everywhere but the start and while issuing', () => {
    expect(idleTimeoutSeconds({ name: 'welcome' })).toBeNull()
    expect(idleTimeoutSeconds({ name: 'services' })).toBe(45)
    expect(idleTimeoutSeconds({ name: 'ticket', ticket: TICKET })).toBe(25)
  })
})

describe('phone masking', () => {
  it('shows only the first and the last two digits', () => {
    expect(maskTypedPhone('')).toBe('+7 ___ ___ __ __')
    expect(maskTypedPhone('70112')).toBe('+7 7•• 12_ __ __')
    expect(maskTypedPhone('7011234567')).toBe('+7 7•• ••• •• 67')
  })
})

describe('printer state', () => {
  it('reads the printer from the kiosk desired state; unknown counts as available', () => {
    expect(printerStateOf(undefined)).toBe('unknown')
    expect(printerStateOf({ version: 1, ts: 1 })).toBe('unknown')
    expect(printerStateOf({ printer: { paper: 'out', online: true } })).toBe('out')
    expect(printerStateOf({ printer: { paper: 'near_end' } })).toBe('ok')
    expect(printerStateOf({ printer: { online: false, paper: 'ok' } })).toBe('offline')
    expect(printerStateOf({ printer: { state: 'out' } })).toBe('out')
    // What the appliance publishes from the real printer.
    const published = (state: string) => ({
      version: 3,
      ts: 1,
      printer: { printerId: 'printer-1', state, blockedBy: null, paperRemainingPercent: 40 },
      cardReader: null,
    })
    expect(printerStateOf(published('ok'))).toBe('ok')
    expect(printerStateOf(published('near-end'))).toBe('ok')
    expect(printerStateOf(published('out'))).toBe('out')
    expect(printerStateOf(published('offline'))).toBe('offline')
    expect(printerStateOf(published('none'))).toBe('offline')
    expect(printerStateOf({ printer: 'garbage' })).toBe('unknown')
    expect(printerAvailable('unknown')).toBe(true)
    expect(printerAvailable('out')).toBe(false)
  })

  it('takes a ?printer= override', () => {
    expect(printerOverride('?printer=out')).toBe('out')
    expect(printerOverride('?printer=bad')).toBeNull()
    expect(printerOverride('')).toBeNull()
  })
})

describe('printing the ticket', () => {
  it('tells the customer what became of the print', () => {
    expect(printFace({ kind: 'printing' }).message).toBe('kiosk.printing')
    expect(printFace({ kind: 'printed' })).toEqual({
      printer: 'ok',
      message: 'kiosk.takePrinted',
    })
    expect(printFace({ kind: 'not-printed', code: 'PRINTER_PAPER_OUT' })).toEqual({
      printer: 'out',
      message: 'kiosk.printerOut',
    })
    expect(printFace({ kind: 'not-printed', code: 'PRINT_TIMEOUT' }).printer).toBe('slow')
    for (const code of ['PRINTER_OFFLINE', 'PRINTER_COVER_OPEN', 'NO_PRINTER', 'NETWORK'])
      expect(printFace({ kind: 'not-printed', code }).message).toBe('kiosk.printerOffline')
    expect(assumedPrint('out')).toEqual({ kind: 'not-printed', code: 'PRINTER_PAPER_OUT' })
    expect(assumedPrint('unknown')).toEqual({ kind: 'printed' })
  })
})

describe('bank card identification', () => {
  const envelope = (args: unknown, expiresAt = 2_000) => ({ name: 'card-read', expiresAt, args })
  const read = { readId: 'card-0190f0aa-0000-7000-8000-000000000001', masked: '440043******1234' }

  it('takes a fresh card read with its masked number; refuses stale or malformed ones', () => {
    expect(cardReadOf(envelope({ ...read, token: 'x' }), 1_000)).toEqual(read)
    expect(cardReadOf(envelope(read, 1_000), 1_000)).toBeNull()
    expect(cardReadOf(envelope({ ...read, masked: '4400430012341234' }), 1_000)).toBeNull()
    expect(cardReadOf({ ...envelope(read), name: 'print' }, 1_000)).toBeNull()
  })

  it('issues with the read id (never a card number) and keeps the masked number to show', () => {
    const state = run([
      { type: 'language', language: 'en' },
      { type: 'service', serviceId: CASH },
      { type: 'identify', method: 'card', requestKey: '' },
      { type: 'card', ...read, requestKey: 'kiosk-card-1' },
    ])
    expect(state.step).toMatchObject({
      name: 'issuing',
      identity: { kind: 'card', masked: '440043******1234' },
    })
    if (state.step.name !== 'issuing') throw new Error('not issuing')
    expect(registerBody(state, state.step)).toEqual({
      serviceId: CASH,
      language: 'en',
      priorityClass: 'regular',
      cardReadId: read.readId,
    })
  })
})

describe('appointment check-in', () => {
  const TOKEN = 'eyJhbGciOiJFZERTQSJ9.eyJhIjoiMSJ9.c2lnbmF0dXJl'
  const atAppointment = (appointmentCheckIn = true) =>
    run([
      { type: 'branch', selfDeclarable: ['elderly'], appointmentCheckIn },
      { type: 'language', language: 'ru' },
      { type: 'service', serviceId: CASH },
      { type: 'identify', method: 'appointment', requestKey: '' },
    ])

  it('offers the QR path only when the appliance checks appointments in', () => {
    expect(atAppointment(false).step.name).toBe('identify')
    expect(atAppointment().step).toEqual({ name: 'appointment', serviceId: CASH, refusal: null })
  })

  it('checks in the code the scanner typed, then shows the ticket with its check-in outcome', () => {
    const checking = run([{ type: 'scan', text: `${TOKEN}\r\n` }], atAppointment())
    expect(checking.step).toEqual({ name: 'checking-in', serviceId: CASH, token: TOKEN })
    expect(idleTimeoutSeconds(checking.step)).toBeNull()
    expect(run([{ type: 'back' }], checking).step.name).toBe('checking-in')
    const checkIn = { outcome: 'checked-in' as const, message: 'Вы отмечены' }
    expect(run([{ type: 'checkedIn', ticket: TICKET, checkIn }], checking).step).toEqual({
      name: 'ticket',
      ticket: TICKET,
      checkIn,
    })
  })

  it('returns to the scanner with the refusal in the customer language, ready for another scan', () => {
    const refused = run(
      [
        { type: 'scan', text: TOKEN },
        { type: 'checkInRefused', message: 'Эта запись в другое отделение.' },
      ],
      atAppointment(),
    )
    expect(refused.step).toEqual({
      name: 'appointment',
      serviceId: CASH,
      refusal: 'Эта запись в другое отделение.',
    })
    expect(run([{ type: 'scan', text: TOKEN }], refused).step.name).toBe('checking-in')
  })

  it('ignores junk from the scanner and results that arrive out of step', () => {
    const state = atAppointment()
    expect(run([{ type: 'scan', text: '   ' }], state)).toBe(state)
    expect(run([{ type: 'scan', text: '<script>alert(1)</script>' }], state)).toBe(state)
    expect(run([{ type: 'checkInRefused', message: 'late answer' }], state)).toBe(state)
    const services = run([{ type: 'back' }, { type: 'back' }], state)
    expect(run([{ type: 'scan', text: TOKEN }], services)).toBe(services)
  })

  it('keeps the check-in option for the next customer after a reset', () => {
    const next = run([{ type: 'reset' }], atAppointment())
    expect(next.appointmentCheckIn).toBe(true)
    expect(next.step).toEqual({ name: 'welcome' })
  })
})

describe(scannedToken.name, () => {
  it('strips what a scanner adds and refuses what cannot be a code', () => {
    expect(scannedToken(' a.b.c\t\r\n')).toBe('a.b.c')
    expect(scannedToken('')).toBeNull()
    expect(scannedToken('a b')).toBe('ab')
    expect(scannedToken('Жаңа.код.қ')).toBeNull()
    expect(scannedToken('a'.repeat(2049))).toBeNull()
    expect(scannedToken('a'.repeat(2048))).toBe('a'.repeat(2048))
  })
})
