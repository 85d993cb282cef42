/**
 * Customer notifications (SMS, push, e-mail) in kk, ru and en. Pure: the outbox renders a message
 * from its kind, the customer's language and the data stored with it, then hands the text to a
 * provider. Data is validated per kind and may carry nothing the message does not need (no phone
 * numbers, no names of people), so nothing else can leak into a text.
 */
import { Language } from '@kqms/shared/domain'
import { LOCALE_TAGS } from '@kqms/shared/i18n'
import { z } from 'zod'
import { isKnownTimeZone } from '../domain/zoned-time.js'
import { isGsm7, smsLength } from './sms-length.js'

export const NOTIFICATION_KINDS = [
  'otp',
  'joined',
  'turn-near',
  'called',
  'appointment-confirmed',
  'appointment-reminder',
  'appointment-cancelled',
  'appointment-rescheduled',
] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

/** An SMS may use at most this many segments (cost and delivery reliability). */
export const MAX_SMS_SEGMENTS = 2

/**
 * Links in messages must be short: a Russian SMS has 134 characters in two segments, so a link
 * of at most 64 characters (a short domain and a compact id) leaves room for the message itself.
 */
const ShortUrl = z
  .url({ protocol: /^https?$/ })
  .max(64, 'links in notifications are at most 64 characters (SMS length)')
const Name = z.string().trim().min(1).max(80)
const TicketNumber = z.string().trim().min(1).max(8)
const TimeZone = z.string().refine(isKnownTimeZone, 'an IANA time zone')

const Appointment = {
  branchName: Name,
  serviceName: Name,
  startsAt: z.number().int(),
  timeZone: TimeZone,
  manageUrl: ShortUrl,
}

/** Data per kind, strict: an unexpected field (a phone number, a name) is refused. */
export const NOTIFICATION_DATA = {
  otp: z.strictObject({
    code: z.string().regex(/^\d{4,8}$/, '4 to 8 digits'),
    ttlMinutes: z.number().int().min(1).max(60),
  }),
  joined: z.strictObject({
    ticketNumber: TicketNumber,
    branchName: Name,
    expectedWaitMinutes: z.number().min(0).max(1440).nullable(),
    statusUrl: ShortUrl,
  }),
  'turn-near': z.strictObject({
    ticketNumber: TicketNumber,
    ahead: z.number().int().min(0).max(9999),
  }),
  called: z.strictObject({
    ticketNumber: TicketNumber,
    counterLabel: z.string().trim().min(1).max(16),
  }),
  'appointment-confirmed': z.strictObject(Appointment),
  'appointment-reminder': z.strictObject(Appointment),
  'appointment-cancelled': z.strictObject(Appointment),
  'appointment-rescheduled': z.strictObject({ ...Appointment, previousStartsAt: z.number().int() }),
} as const satisfies Record<NotificationKind, z.ZodType>

const inputOf = <K extends NotificationKind>(kind: K) =>
  z.strictObject({ kind: z.literal(kind), language: Language, data: NOTIFICATION_DATA[kind] })

export const NotificationInput = z.discriminatedUnion('kind', [
  inputOf('otp'),
  inputOf('joined'),
  inputOf('turn-near'),
  inputOf('called'),
  inputOf('appointment-confirmed'),
  inputOf('appointment-reminder'),
  inputOf('appointment-cancelled'),
  inputOf('appointment-rescheduled'),
])
export type NotificationInput = z.infer<typeof NotificationInput>
export type NotificationData<K extends NotificationKind> = z.infer<(typeof NOTIFICATION_DATA)[K]>

export interface RenderedNotification {
  sms: string
  push: { title: string; body: string }
  email: { subject: string; text: string }
}

/** Values a template fills in, already formatted for the language and zone. */
interface View {
  code: string
  ttl: number
  ticket: string
  branch: string
  service: string
  counter: string
  ahead: number
  wait: number | null
  url: string
  /** SMS-style date ("12 марта в 10:30"). */
  date: string
  previous: string
  /** E-mail date with weekday, year and UTC offset. */
  dateLong: string
  previousLong: string
}

interface Texts {
  /** SMS variants, richest first; the first that fits MAX_SMS_SEGMENTS is sent. */
  sms: string[]
  push: { title: string; body: string }
  email: { subject: string; text: string }
}

type Catalogue = Record<NotificationKind, (v: View) => Texts>

const EN_PEOPLE = (n: number) => (n === 1 ? '1 person' : `${n} people`)
const RU_PEOPLE = (n: number) => {
  const form = new Intl.PluralRules('ru').select(n)
  return `${n} ${form === 'few' ? 'человека' : 'человек'}`
}

const en: Catalogue = {
  otp: (v) => ({
    sms: [
      `Code ${v.code}. Valid for ${v.ttl} min. Never share it, not even with bank staff.`,
      `Code ${v.code}, valid ${v.ttl} min.`,
    ],
    push: { title: 'Your one-time code', body: `${v.code}: valid for ${v.ttl} min.` },
    email: {
      subject: 'Your one-time code',
      text: `Hello,\n\nYour one-time code is ${v.code}. It is valid for ${v.ttl} minutes.\n\nNever share this code with anyone, not even with bank staff. If you did not ask for it, ignore this message.`,
    },
  }),
  joined: (v) => {
    const wait = v.wait === null ? 'Wait time not known yet.' : `Expected wait about ${v.wait} min.`
    return {
      sms: [
        `${v.branch}: you are in the queue, ticket ${v.ticket}. ${wait} Follow your place: ${v.url}`,
        `${v.branch}: ticket ${v.ticket}. ${v.wait === null ? '' : `~${v.wait} min. `}${v.url}`,
      ],
      push: { title: `Ticket ${v.ticket}`, body: `${v.branch}: you are in the queue. ${wait}` },
      email: {
        subject: `Your ticket ${v.ticket}`,
        text: `Hello,\n\nYou have joined the queue at ${v.branch}. Your ticket number is ${v.ticket}.\n${wait}\n\nFollow your place in the queue: ${v.url}\nWe will send you a message when your turn is near.`,
      },
    }
  },
  'turn-near': (v) => {
    const ahead = v.ahead === 0 ? 'you are next' : `${EN_PEOPLE(v.ahead)} ahead of you`
    return {
      sms: [`Ticket ${v.ticket}: your turn is near, ${ahead}. Please come to the hall.`],
      push: {
        title: 'Your turn is near',
        body: `Ticket ${v.ticket}: ${ahead}. Please come to the hall.`,
      },
      email: {
        subject: `Ticket ${v.ticket}: your turn is near`,
        text: `Hello,\n\nYour turn is near: ${ahead}. Please come to the hall and watch the display for ticket ${v.ticket}.`,
      },
    }
  },
  called: (v) => ({
    sms: [`Ticket ${v.ticket}, please go to counter ${v.counter}.`],
    push: { title: 'It is your turn', body: `Ticket ${v.ticket}: go to counter ${v.counter}.` },
    email: {
      subject: `Ticket ${v.ticket}: go to counter ${v.counter}`,
      text: `Hello,\n\nIt is your turn. Please go to counter ${v.counter} with ticket ${v.ticket}.`,
    },
  }),
  'appointment-confirmed': (v) => ({
    sms: [
      `Appointment confirmed: ${v.service}, ${v.branch}, ${v.date}. Manage: ${v.url}`,
      `Booked: ${v.service}, ${v.date}. ${v.url}`,
    ],
    push: { title: 'Appointment confirmed', body: `${v.service}, ${v.branch}, ${v.date}.` },
    email: {
      subject: `Appointment confirmed: ${v.date}`,
      text: `Hello,\n\nYour appointment is confirmed.\n\nService: ${v.service}\nBranch: ${v.branch}\nTime: ${v.dateLong}\n\nYour QR code for check-in at the kiosk, and the options to reschedule or cancel, are here: ${v.url}\nPlease arrive a few minutes early.`,
    },
  }),
  'appointment-reminder': (v) => ({
    sms: [
      `Reminder: ${v.service}, ${v.branch}, ${v.date}. QR code for check-in: ${v.url}`,
      `Reminder: ${v.service}, ${v.date}. ${v.url}`,
    ],
    push: { title: 'Appointment reminder', body: `${v.service}, ${v.branch}, ${v.date}.` },
    email: {
      subject: `Reminder: your appointment, ${v.date}`,
      text: `Hello,\n\nThis is a reminder of your appointment.\n\nService: ${v.service}\nBranch: ${v.branch}\nTime: ${v.dateLong}\n\nShow the QR code from this link at the kiosk to check in: ${v.url}`,
    },
  }),
  'appointment-cancelled': (v) => ({
    sms: [
      `Appointment cancelled: ${v.service}, ${v.branch}, ${v.date}. Book again: ${v.url}`,
      `Cancelled: ${v.service}, ${v.date}. ${v.url}`,
    ],
    push: { title: 'Appointment cancelled', body: `${v.service}, ${v.branch}, ${v.date}.` },
    email: {
      subject: `Appointment cancelled: ${v.date}`,
      text: `Hello,\n\nYour appointment has been cancelled.\n\nService: ${v.service}\nBranch: ${v.branch}\nTime: ${v.dateLong}\n\nTo book another time: ${v.url}`,
    },
  }),
  'appointment-rescheduled': (v) => ({
    sms: [
      `Appointment moved to ${v.date} (was ${v.previous}): ${v.service}, ${v.branch}. Manage: ${v.url}`,
      `Moved to ${v.date} (was ${v.previous}): ${v.service}. ${v.url}`,
      `Moved to ${v.date}: ${v.service}. ${v.url}`,
    ],
    push: {
      title: 'Appointment rescheduled',
      body: `${v.service}, ${v.branch}: ${v.date} instead of ${v.previous}.`,
    },
    email: {
      subject: `Appointment moved to ${v.date}`,
      text: `Hello,\n\nYour appointment has been moved.\n\nService: ${v.service}\nBranch: ${v.branch}\nNew time: ${v.dateLong}\nPrevious time: ${v.previousLong}\n\nYour QR code for check-in, and the options to reschedule or cancel, are here: ${v.url}`,
    },
  }),
}

const ru: Catalogue = {
  otp: (v) => ({
    sms: [
      `Код ${v.code}. Действует ${v.ttl} мин. Никому не сообщайте его, даже сотрудникам банка.`,
      `Код ${v.code}, действует ${v.ttl} мин.`,
    ],
    push: { title: 'Одноразовый код', body: `${v.code}: действует ${v.ttl} мин.` },
    email: {
      subject: 'Ваш одноразовый код',
      text: `Здравствуйте!\n\nВаш одноразовый код: ${v.code}. Он действует ${v.ttl} мин.\n\nНикому не сообщайте этот код, даже сотрудникам банка. Если вы его не запрашивали, просто проигнорируйте это сообщение.`,
    },
  }),
  joined: (v) => {
    const wait =
      v.wait === null ? 'Время ожидания пока неизвестно.' : `Ожидание около ${v.wait} мин.`
    return {
      sms: [
        `${v.branch}: вы в очереди, талон ${v.ticket}. ${wait} Следить за очередью: ${v.url}`,
        `${v.branch}: талон ${v.ticket}. ${v.wait === null ? '' : `≈${v.wait} мин. `}${v.url}`,
      ],
      push: { title: `Талон ${v.ticket}`, body: `${v.branch}: вы в очереди. ${wait}` },
      email: {
        subject: `Ваш талон ${v.ticket}`,
        text: `Здравствуйте!\n\nВы встали в очередь: ${v.branch}. Номер вашего талона: ${v.ticket}.\n${wait}\n\nСледить за очередью: ${v.url}\nМы пришлём сообщение, когда ваша очередь будет близко.`,
      },
    }
  },
  'turn-near': (v) => {
    const ahead = v.ahead === 0 ? 'вы следующий' : `перед вами ${RU_PEOPLE(v.ahead)}`
    return {
      sms: [`Талон ${v.ticket}: скоро ваша очередь, ${ahead}. Пожалуйста, подойдите в зал.`],
      push: { title: 'Скоро ваша очередь', body: `Талон ${v.ticket}: ${ahead}. Подойдите в зал.` },
      email: {
        subject: `Талон ${v.ticket}: скоро ваша очередь`,
        text: `Здравствуйте!\n\nСкоро ваша очередь: ${ahead}. Пожалуйста, подойдите в зал и следите за табло, ваш талон — ${v.ticket}.`,
      },
    }
  },
  called: (v) => ({
    sms: [`Талон ${v.ticket}, пройдите к окну ${v.counter}.`],
    push: { title: 'Ваша очередь', body: `Талон ${v.ticket}: пройдите к окну ${v.counter}.` },
    email: {
      subject: `Талон ${v.ticket}: пройдите к окну ${v.counter}`,
      text: `Здравствуйте!\n\nПодошла ваша очередь. Пройдите к окну ${v.counter} с талоном ${v.ticket}.`,
    },
  }),
  'appointment-confirmed': (v) => ({
    sms: [
      `Запись подтверждена: ${v.service}, ${v.branch}, ${v.date}. Изменить или отменить: ${v.url}`,
      `Запись: ${v.service}, ${v.date}. ${v.url}`,
    ],
    push: { title: 'Запись подтверждена', body: `${v.service}, ${v.branch}, ${v.date}.` },
    email: {
      subject: `Запись подтверждена: ${v.date}`,
      text: `Здравствуйте!\n\nВаша запись подтверждена.\n\nУслуга: ${v.service}\nОтделение: ${v.branch}\nВремя: ${v.dateLong}\n\nQR-код для отметки в киоске, перенос и отмена записи — по ссылке: ${v.url}\nПожалуйста, приходите за несколько минут до назначенного времени.`,
    },
  }),
  'appointment-reminder': (v) => ({
    sms: [
      `Напоминаем о записи: ${v.service}, ${v.branch}, ${v.date}. QR-код для киоска: ${v.url}`,
      `Запись: ${v.service}, ${v.date}. ${v.url}`,
    ],
    push: { title: 'Напоминание о записи', body: `${v.service}, ${v.branch}, ${v.date}.` },
    email: {
      subject: `Напоминание о записи: ${v.date}`,
      text: `Здравствуйте!\n\nНапоминаем о вашей записи.\n\nУслуга: ${v.service}\nОтделение: ${v.branch}\nВремя: ${v.dateLong}\n\nЧтобы отметиться, покажите в киоске QR-код по ссылке: ${v.url}`,
    },
  }),
  'appointment-cancelled': (v) => ({
    sms: [
      `Запись отменена: ${v.service}, ${v.branch}, ${v.date}. Записаться снова: ${v.url}`,
      `Запись отменена: ${v.service}, ${v.date}. ${v.url}`,
    ],
    push: { title: 'Запись отменена', body: `${v.service}, ${v.branch}, ${v.date}.` },
    email: {
      subject: `Запись отменена: ${v.date}`,
      text: `Здравствуйте!\n\nВаша запись отменена.\n\nУслуга: ${v.service}\nОтделение: ${v.branch}\nВремя: ${v.dateLong}\n\nЗаписаться на другое время: ${v.url}`,
    },
  }),
  'appointment-rescheduled': (v) => ({
    sms: [
      `Запись перенесена на ${v.date} (было: ${v.previous}): ${v.service}, ${v.branch}. Изменить: ${v.url}`,
      `Запись перенесена на ${v.date} (было: ${v.previous}): ${v.service}. ${v.url}`,
      `Запись перенесена на ${v.date}: ${v.service}. ${v.url}`,
    ],
    push: {
      title: 'Запись перенесена',
      body: `${v.service}, ${v.branch}: ${v.date} вместо ${v.previous}.`,
    },
    email: {
      subject: `Запись перенесена на ${v.date}`,
      text: `Здравствуйте!\n\nВаша запись перенесена.\n\nУслуга: ${v.service}\nОтделение: ${v.branch}\nНовое время: ${v.dateLong}\nПрежнее время: ${v.previousLong}\n\nQR-код для отметки в киоске, перенос и отмена записи — по ссылке: ${v.url}`,
    },
  }),
}

const kk: Catalogue = {
  otp: (v) => ({
    sms: [
      `Код ${v.code}. ${v.ttl} мин жарамды. Кодты ешкімге, тіпті банк қызметкерлеріне де айтпаңыз.`,
      `Код ${v.code}, ${v.ttl} мин жарамды.`,
    ],
    push: { title: 'Бір реттік код', body: `${v.code}: ${v.ttl} мин жарамды.` },
    email: {
      subject: 'Бір реттік кодыңыз',
      text: `Сәлеметсіз бе!\n\nБір реттік кодыңыз: ${v.code}. Ол ${v.ttl} минут жарамды.\n\nБұл кодты ешкімге, тіпті банк қызметкерлеріне де айтпаңыз. Егер кодты сұрамаған болсаңыз, бұл хабарламаны елемеңіз.`,
    },
  }),
  joined: (v) => {
    const wait =
      v.wait === null ? 'Күту уақыты әзірше белгісіз.' : `Күту уақыты шамамен ${v.wait} мин.`
    return {
      sms: [
        `${v.branch}: сіз кезекке тұрдыңыз, талон ${v.ticket}. ${wait} Кезекті бақылау: ${v.url}`,
        `${v.branch}: талон ${v.ticket}. ${v.wait === null ? '' : `≈${v.wait} мин. `}${v.url}`,
      ],
      push: { title: `Талон ${v.ticket}`, body: `${v.branch}: сіз кезекке тұрдыңыз. ${wait}` },
      email: {
        subject: `Сіздің талоныңыз: ${v.ticket}`,
        text: `Сәлеметсіз бе!\n\nСіз кезекке тұрдыңыз: ${v.branch}. Талон нөміріңіз: ${v.ticket}.\n${wait}\n\nКезекті бақылау: ${v.url}\nКезегіңіз жақындағанда хабарлама жібереміз.`,
      },
    }
  },
  'turn-near': (v) => {
    const ahead = v.ahead === 0 ? 'келесі сіз' : `алдыңызда ${v.ahead} адам`
    return {
      sms: [`Талон ${v.ticket}: кезегіңіз жақындады, ${ahead}. Залға келіңіз.`],
      push: { title: 'Кезегіңіз жақындады', body: `Талон ${v.ticket}: ${ahead}. Залға келіңіз.` },
      email: {
        subject: `Талон ${v.ticket}: кезегіңіз жақындады`,
        text: `Сәлеметсіз бе!\n\nКезегіңіз жақындады: ${ahead}. Залға келіп, таблоны қадағалаңыз, талоныңыз — ${v.ticket}.`,
      },
    }
  },
  called: (v) => ({
    sms: [`Талон ${v.ticket}, ${v.counter} терезесіне өтіңіз.`],
    push: { title: 'Сіздің кезегіңіз', body: `Талон ${v.ticket}: ${v.counter} терезесіне өтіңіз.` },
    email: {
      subject: `Талон ${v.ticket}: ${v.counter} терезесіне өтіңіз`,
      text: `Сәлеметсіз бе!\n\nСіздің кезегіңіз келді. ${v.ticket} талонымен ${v.counter} терезесіне өтіңіз.`,
    },
  }),
  'appointment-confirmed': (v) => ({
    sms: [
      `Жазылуыңыз расталды: ${v.service}, ${v.branch}, ${v.date}. Өзгерту не бас тарту: ${v.url}`,
      `Жазылу: ${v.service}, ${v.date}. ${v.url}`,
    ],
    push: { title: 'Жазылу расталды', body: `${v.service}, ${v.branch}, ${v.date}.` },
    email: {
      subject: `Жазылу расталды: ${v.date}`,
      text: `Сәлеметсіз бе!\n\nЖазылуыңыз расталды.\n\nҚызмет: ${v.service}\nБөлімше: ${v.branch}\nУақыты: ${v.dateLong}\n\nКиоскіде тіркелуге арналған QR-код, жазылуды ауыстыру және одан бас тарту — сілтеме бойынша: ${v.url}\nБелгіленген уақыттан бірнеше минут бұрын келіңіз.`,
    },
  }),
  'appointment-reminder': (v) => ({
    sms: [
      `Еске саламыз: ${v.service}, ${v.branch}, ${v.date}. Киоскіге арналған QR-код: ${v.url}`,
      `Жазылу: ${v.service}, ${v.date}. ${v.url}`,
    ],
    push: { title: 'Жазылу туралы еске салу', body: `${v.service}, ${v.branch}, ${v.date}.` },
    email: {
      subject: `Жазылу туралы еске салу: ${v.date}`,
      text: `Сәлеметсіз бе!\n\nЖазылуыңыз туралы еске саламыз.\n\nҚызмет: ${v.service}\nБөлімше: ${v.branch}\nУақыты: ${v.dateLong}\n\nТіркелу үшін киоскіде осы сілтемедегі QR-кодты көрсетіңіз: ${v.url}`,
    },
  }),
  'appointment-cancelled': (v) => ({
    sms: [
      `Жазылудың күші жойылды: ${v.service}, ${v.branch}, ${v.date}. Қайта жазылу: ${v.url}`,
      `Жазылу жойылды: ${v.service}, ${v.date}. ${v.url}`,
    ],
    push: { title: 'Жазылудың күші жойылды', body: `${v.service}, ${v.branch}, ${v.date}.` },
    email: {
      subject: `Жазылудың күші жойылды: ${v.date}`,
      text: `Сәлеметсіз бе!\n\nЖазылуыңыздың күші жойылды.\n\nҚызмет: ${v.service}\nБөлімше: ${v.branch}\nУақыты: ${v.dateLong}\n\nБасқа уақытқа жазылу: ${v.url}`,
    },
  }),
  'appointment-rescheduled': (v) => ({
    sms: [
      `Жазылу ${v.date} уақытына ауыстырылды (бұрын: ${v.previous}): ${v.service}, ${v.branch}. Өзгерту: ${v.url}`,
      `Жазылу ${v.date} уақытына ауыстырылды (бұрын: ${v.previous}): ${v.service}. ${v.url}`,
      `Жазылу ${v.date} уақытына ауыстырылды: ${v.service}. ${v.url}`,
    ],
    push: {
      title: 'Жазылу ауыстырылды',
      body: `${v.service}, ${v.branch}: ${v.previous} орнына ${v.date}.`,
    },
    email: {
      subject: `Жазылу ауыстырылды: ${v.date}`,
      text: `Сәлеметсіз бе!\n\nЖазылуыңыз ауыстырылды.\n\nҚызмет: ${v.service}\nБөлімше: ${v.branch}\nЖаңа уақыты: ${v.dateLong}\nБұрынғы уақыты: ${v.previousLong}\n\nКиоскіде тіркелуге арналған QR-код, жазылуды ауыстыру және одан бас тарту — сілтеме бойынша: ${v.url}`,
    },
  }),
}

const CATALOGUES: Readonly<Record<Language, Catalogue>> = { kk, ru, en }

/** Date formatters by language, zone and style (building one costs more than formatting). */
const DATE_FORMATS = new Map<string, Intl.DateTimeFormat>()

function formatDate(language: Language, timeZone: string, style: 'sms' | 'long') {
  const key = `${language}|${timeZone}|${style}`
  const format = DATE_FORMATS.get(key) ?? newDateFormat(language, timeZone, style)
  DATE_FORMATS.set(key, format)
  return (instant: number) => format.format(new Date(instant))
}

function newDateFormat(language: Language, timeZone: string, style: 'sms' | 'long') {
  return new Intl.DateTimeFormat(LOCALE_TAGS[language], {
    timeZone,
    hourCycle: 'h23',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    ...(style === 'long' ? { weekday: 'long', year: 'numeric', timeZoneName: 'shortOffset' } : {}),
  })
}

function toView(input: NotificationInput): View {
  const d = input.data as Partial<Record<string, unknown>>
  const text = (key: string) => (typeof d[key] === 'string' ? d[key] : '')
  const number = (key: string) => (typeof d[key] === 'number' ? d[key] : 0)
  const timeZone = text('timeZone') || 'UTC'
  const sms = formatDate(input.language, timeZone, 'sms')
  const long = formatDate(input.language, timeZone, 'long')
  return {
    code: text('code'),
    ttl: number('ttlMinutes'),
    ticket: text('ticketNumber'),
    branch: text('branchName'),
    service: text('serviceName'),
    counter: text('counterLabel'),
    ahead: number('ahead'),
    wait:
      typeof d['expectedWaitMinutes'] === 'number' ? Math.round(d['expectedWaitMinutes']) : null,
    url: text('statusUrl') || text('manageUrl'),
    date: sms(number('startsAt')),
    previous: sms(number('previousStartsAt')),
    dateLong: long(number('startsAt')),
    previousLong: long(number('previousStartsAt')),
  }
}

/** Shortens free text (branch and service names) to `max` characters with an ellipsis. */
function shorten(text: string, max: number, ellipsis: string): string {
  const chars = Array.from(text) // code points: never split a surrogate pair
  if (chars.length <= max) return text
  return `${chars
    .slice(0, Math.max(1, max - ellipsis.length))
    .join('')
    .trimEnd()}${ellipsis}`
}

const NAME_LIMITS = [48, 32, 24, 16, 12, 8]

/**
 * The SMS to send: the richest variant that fits MAX_SMS_SEGMENTS; failing that, the shortest
 * variant with branch and service names cut down step by step. Validation limits (names ≤ 80,
 * links ≤ 64) guarantee that one of these fits; the test suite checks it at the limits.
 */
function fitSms(catalogue: Catalogue, kind: NotificationKind, view: View): string {
  const fits = (text: string) => smsLength(text).segments <= MAX_SMS_SEGMENTS
  const variants = catalogue[kind](view).sms
  const rich = variants.find(fits)
  if (rich !== undefined) return rich
  for (const limit of NAME_LIMITS) {
    const ellipsis = isGsm7(view.branch + view.service) ? '...' : '…'
    const short = {
      ...view,
      branch: shorten(view.branch, limit, ellipsis),
      service: shorten(view.service, limit, ellipsis),
    }
    const text = catalogue[kind](short).sms.at(-1) ?? ''
    if (fits(text)) return text
  }
  throw new Error(`${kind} SMS does not fit ${MAX_SMS_SEGMENTS} segments`)
}

/**
 * Renders one notification in the customer's language. Dates are shown in the branch's time
 * zone, formatted for the language. Throws a `ZodError` for data that does not match the kind.
 */
export function renderNotification(input: NotificationInput): RenderedNotification {
  const parsed = NotificationInput.parse(input)
  const catalogue = CATALOGUES[parsed.language]
  const view = toView(parsed)
  const { push, email } = catalogue[parsed.kind](view)
  return { sms: fitSms(catalogue, parsed.kind, view), push, email }
}
