import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { smsLength } from './sms-length.js'
import {
  MAX_SMS_SEGMENTS,
  NOTIFICATION_KINDS,
  type NotificationInput,
  type NotificationKind,
  renderNotification,
} from './templates.js'

const LANGUAGES = ['kk', 'ru', 'en'] as const
const KAZAKH_LETTERS = /[әғқңөұүһіӘҒҚҢӨҰҮҺІ]/
const STARTS_AT = Date.parse('2026-03-12T05:30:00Z') // 10:30 in Almaty (UTC+5)

const appointment = {
  branchName: 'Алматы, Достык 91',
  serviceName: 'Кредиты',
  startsAt: STARTS_AT,
  timeZone: 'Asia/Almaty',
  manageUrl: 'https://kq.ms/a/AZX2qHweezqdL05aa3yNng',
}

const SAMPLE: { [K in NotificationKind]: Extract<NotificationInput, { kind: K }>['data'] } = {
  otp: { code: '482913', ttlMinutes: 5 },
  joined: {
    ticketNumber: 'A017',
    branchName: 'Almaty Dostyk',
    expectedWaitMinutes: 12,
    statusUrl: 'https://kq.ms/s/k3J9',
  },
  'turn-near': { ticketNumber: 'A017', ahead: 2 },
  called: { ticketNumber: 'A017', counterLabel: '4' },
  'appointment-confirmed': appointment,
  'appointment-reminder': appointment,
  'appointment-cancelled': appointment,
  'appointment-rescheduled': {
    ...appointment,
    previousStartsAt: Date.parse('2026-03-11T03:00:00Z'),
  },
}

const render = <K extends NotificationKind>(
  kind: K,
  language: (typeof LANGUAGES)[number],
  data?: Partial<(typeof SAMPLE)[K]>,
) => renderNotification({ kind, language, data: { ...SAMPLE[kind], ...data } } as NotificationInput)

const allTexts = (r: ReturnType<typeof renderNotification>) => [
  r.sms,
  r.push.title,
  r.push.body,
  r.email.subject,
  r.email.text,
]

describe(renderNotification.name, () => {
  describe.each(NOTIFICATION_KINDS)('%s', (kind) => {
    it.each(LANGUAGES)('has every text in %s, filled and within limits', (language) => {
      const r = render(kind, language)
      for (const text of allTexts(r)) {
        expect(text.trim().length).toBeGreaterThan(0)
        expect(text).not.toMatch(/undefined|NaN|null|\{|\}|\[object/)
      }
      expect(smsLength(r.sms).segments).toBeLessThanOrEqual(MAX_SMS_SEGMENTS)
      expect(r.push.title.length).toBeLessThanOrEqual(65)
      expect(r.push.body.length).toBeLessThanOrEqual(240)
      expect(r.email.subject.length).toBeLessThanOrEqual(120)
      if (language === 'kk') expect(allTexts(r).join(' ')).toMatch(KAZAKH_LETTERS)
      if (language === 'ru') expect(allTexts(r).join(' ')).not.toMatch(KAZAKH_LETTERS)
      if (language !== 'en') expect(r.email.text).toMatch(/[а-я]/)
    })

    it('says different things in the three languages', () => {
      const sms = LANGUAGES.map((language) => render(kind, language).sms)
      expect(new Set(sms).size).toBe(3)
    })
  })

  it('shows appointment times in the branch time zone, in the customer language', () => {
    expect(render('appointment-confirmed', 'ru').sms).toContain('12 марта в 10:30')
    expect(render('appointment-confirmed', 'kk').sms).toContain('12 наурыз, 10:30')
    expect(render('appointment-confirmed', 'en').sms).toContain('12 March at 10:30')
    expect(render('appointment-confirmed', 'en', { timeZone: 'Europe/Berlin' }).sms).toContain(
      '12 March at 06:30',
    )
    expect(render('appointment-confirmed', 'en').email.text).toContain(
      'Thursday, 12 March 2026 at 10:30 GMT+5',
    )
  })

  it('names both the new and the previous time of a rescheduled appointment', () => {
    const r = render('appointment-rescheduled', 'ru')
    expect(r.sms).toContain('перенесена на 12 марта в 10:30 (было: 11 марта в 08:00)')
    expect(r.email.text).toMatch(/Прежнее время: среда, 11 марта 2026 г\. в 08:00/)
  })

  it('keeps English SMS in GSM-7 and sends Russian and Kazakh as UCS-2', () => {
    expect(smsLength(render('joined', 'en').sms).encoding).toBe('GSM-7')
    expect(smsLength(render('joined', 'ru').sms).encoding).toBe('UCS-2')
    expect(smsLength(render('joined', 'kk').sms).encoding).toBe('UCS-2')
  })

  it('says honestly when the wait is not known yet', () => {
    expect(render('joined', 'en', { expectedWaitMinutes: null }).sms).toContain(
      'Wait time not known yet.',
    )
    expect(render('joined', 'ru', { expectedWaitMinutes: null }).sms).toContain(
      'Время ожидания пока неизвестно.',
    )
    expect(render('joined', 'kk', { expectedWaitMinutes: null }).sms).toContain(
      'Күту уақыты әзірше белгісіз.',
    )
    expect(render('joined', 'en', { expectedWaitMinutes: 7.6 }).sms).toContain('about 8 min')
  })

  it('counts the people ahead in proper Russian and English plural forms', () => {
    const ru = (ahead: number) => render('turn-near', 'ru', { ahead }).sms
    expect(ru(1)).toContain('перед вами 1 человек.')
    expect(ru(3)).toContain('перед вами 3 человека.')
    expect(ru(5)).toContain('перед вами 5 человек.')
    expect(ru(22)).toContain('перед вами 22 человека.')
    expect(ru(0)).toContain('вы следующий')
    expect(render('turn-near', 'en', { ahead: 1 }).sms).toContain('1 person ahead')
    expect(render('turn-near', 'en', { ahead: 4 }).sms).toContain('4 people ahead')
    expect(render('turn-near', 'kk', { ahead: 4 }).sms).toContain('алдыңызда 4 адам')
  })

  it('shortens long names, never the link, to stay within two SMS segments', () => {
    const longName = 'Филиал АО «Банк» в городе Алматы, проспект Достык, дом 91, второй этаж'
    const r = render('appointment-rescheduled', 'ru', {
      branchName: longName,
      serviceName: longName,
    })
    expect(smsLength(r.sms).segments).toBeLessThanOrEqual(2)
    expect(r.sms).toContain(appointment.manageUrl)
    expect(r.email.text).toContain(longName) // e-mail has room for the whole name
  })

  it('fits every kind and language in two segments at the input limits', () => {
    const name = fc
      .string({
        unit: fc.constantFrom('a', 'Ж', 'ң', '€', ' ', 'é', '🙂'),
        minLength: 1,
        maxLength: 80,
      })
      .filter((s) => s.trim().length > 0 && s.length <= 80)
    fc.assert(
      fc.property(
        fc.constantFrom(...NOTIFICATION_KINDS),
        fc.constantFrom(...LANGUAGES),
        fc.tuple(name, name),
        (kind, language, [branchName, serviceName]) => {
          const url = `https://kq.ms/${'x'.repeat(64 - 'https://kq.ms/'.length)}`
          const data = {
            ...SAMPLE[kind],
            ...('branchName' in SAMPLE[kind] ? { branchName } : {}),
            ...('serviceName' in SAMPLE[kind] ? { serviceName } : {}),
            ...('statusUrl' in SAMPLE[kind] ? { statusUrl: url } : {}),
            ...('manageUrl' in SAMPLE[kind] ? { manageUrl: url } : {}),
            ...('ticketNumber' in SAMPLE[kind] ? { ticketNumber: 'ЖЖЖЖ-999' } : {}),
            ...('counterLabel' in SAMPLE[kind] ? { counterLabel: 'Ж'.repeat(16) } : {}),
            ...('ahead' in SAMPLE[kind] ? { ahead: 9999 } : {}),
            ...('expectedWaitMinutes' in SAMPLE[kind] ? { expectedWaitMinutes: 1440 } : {}),
          }
          const r = renderNotification({ kind, language, data } as NotificationInput)
          expect(smsLength(r.sms).segments).toBeLessThanOrEqual(MAX_SMS_SEGMENTS)
          if ('statusUrl' in data || 'manageUrl' in data) expect(r.sms).toContain(url)
        },
      ),
      { numRuns: 400 },
    )
  })

  it.each([
    ['a phone number smuggled into the data', 'called', { phone: '+77011234567' }],
    ['a customer name', 'turn-near', { customerName: 'Айгерім' }],
    ['a javascript: link', 'joined', { statusUrl: 'javascript:alert(1)' }],
    [
      'a link longer than 64 characters',
      'joined',
      { statusUrl: `https://kq.ms/${'x'.repeat(60)}` },
    ],
    ['an unknown time zone', 'appointment-reminder', { timeZone: 'Asia/Atlantis' }],
    ['a code with letters', 'otp', { code: '12ab56' }],
    ['a negative count ahead', 'turn-near', { ahead: -1 }],
    ['a missing previous time', 'appointment-rescheduled', { previousStartsAt: undefined }],
  ] as const)('refuses %s', (_name, kind, data) => {
    expect(() => render(kind, 'en', data as never)).toThrow()
  })

  it('refuses an unknown kind or language', () => {
    expect(() => renderNotification({ kind: 'promo', language: 'en', data: {} } as never)).toThrow()
    expect(() =>
      renderNotification({ kind: 'otp', language: 'de', data: SAMPLE.otp } as never),
    ).toThrow()
  })
})
