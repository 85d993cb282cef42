import type { Language } from '@kqms/shared/domain'

/** Every customer-facing text printed on a ticket, in kk, ru and en. */
export interface TicketLabels {
  readonly ticketNumber: string
  readonly service: string
  readonly issuedAt: string
  readonly appointmentAt: string
  readonly ahead: (count: number) => string
  readonly wait: (low: number, high: number) => string
  readonly waitUnknown: string
  readonly trackOnPhone: string
  readonly keepTicket: string
  readonly testPage: string
  readonly testProfile: string
  readonly testTextCodePages: string
  readonly testRasterOnly: string
}

// Hyphens, not en dashes, in ranges: cp866 has no en dash, and a range is not worth a raster line.
// A no-break space (in every text code page) keeps a number and its unit on one line.
export const TICKET_LABELS: Readonly<Record<Language, TicketLabels>> = {
  kk: {
    ticketNumber: 'Талон нөмірі',
    service: 'Қызмет',
    issuedAt: 'Берілген уақыты',
    appointmentAt: 'Жазылу уақыты',
    ahead: (count) => `Сіздің алдыңызда: ${count} адам`,
    wait: (low, high) =>
      high <= 1
        ? 'Күту уақыты: бір минуттан аз'
        : low === high
          ? `Күту уақыты: ~${high}\u00A0мин`
          : `Күту уақыты: ${low}-${high}\u00A0мин`,
    waitUnknown: 'Күту уақыты анықталуда',
    trackOnPhone: 'Кезегіңізді телефоннан бақылаңыз',
    keepTicket: 'Бұл талонды нөміріңіз шақырылғанша сақтаңыз',
    testPage: 'Принтерді тексеру',
    testProfile: 'Профиль',
    testTextCodePages: 'Мәтін кодтамасы',
    testRasterOnly: 'тек растр',
  },
  ru: {
    ticketNumber: 'Номер талона',
    service: 'Услуга',
    issuedAt: 'Время выдачи',
    appointmentAt: 'Время записи',
    ahead: (count) => `Перед вами: ${count} чел.`,
    wait: (low, high) =>
      high <= 1
        ? 'Ожидание: меньше минуты'
        : low === high
          ? `Ожидание: ~${high}\u00A0мин`
          : `Ожидание: ${low}-${high}\u00A0мин`,
    waitUnknown: 'Время ожидания уточняется',
    trackOnPhone: 'Следите за очередью на телефоне',
    keepTicket: 'Сохраняйте талон до вызова вашего номера',
    testPage: 'Проверка принтера',
    testProfile: 'Профиль',
    testTextCodePages: 'Кодировка текста',
    testRasterOnly: 'только растр',
  },
  en: {
    ticketNumber: 'Ticket number',
    service: 'Service',
    issuedAt: 'Issued',
    appointmentAt: 'Appointment',
    ahead: (count) => `People ahead of you: ${count}`,
    wait: (low, high) =>
      high <= 1
        ? 'Expected wait: under a minute'
        : low === high
          ? `Expected wait: ~${high}\u00A0min`
          : `Expected wait: ${low}-${high}\u00A0min`,
    waitUnknown: 'Expected wait: being estimated',
    trackOnPhone: 'Track your place on your phone',
    keepTicket: 'Please keep your ticket until your number is called',
    testPage: 'Printer test',
    testProfile: 'Profile',
    testTextCodePages: 'Text code page',
    testRasterOnly: 'raster only',
  },
}

/** One line per language for the test page: the letters each language needs. */
export const ALPHABET_SAMPLES: Readonly<Record<Language, string>> = {
  kk: 'Қазақша: ӘәҒғҚқҢңӨөҰұҮүҺһІі',
  ru: 'Русский: АБВГДЕЁЖЗ абвгдеёжз №',
  en: 'English: The quick brown fox',
}
