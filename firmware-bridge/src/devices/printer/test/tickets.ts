import type { Language } from '@kqms/shared/domain'
import { PrintTicketArgs } from '@kqms/shared/mqtt'

/** Realistic ticket arguments per language (as the appliance sends them). */
export function ticketArgs(
  language: Language,
  overrides: Partial<Record<keyof PrintTicketArgs, unknown>> = {},
): PrintTicketArgs {
  const service = {
    kk: 'Төлемдер және аударымдар',
    ru: 'Платежи и переводы',
    en: 'Payments and transfers',
  }
  return PrintTicketArgs.parse({
    template: 'ticket',
    language,
    ticketId: '0193a3b4-7c1e-7b55-9d0e-5f7a2c9b1e42',
    number: 'A042',
    branchName: 'Kaspi Bank',
    serviceName: service[language],
    issuedAt: Date.UTC(2026, 10, 22, 4, 15),
    timeZone: 'Asia/Almaty',
    ahead: 5,
    waitMinutes: { low: 10, high: 15 },
    statusUrl: 'https://q.kaspi.kz/s/0193a3b4-7c1e-7b55-9d0e-5f7a2c9b1e42',
    appointmentAt: Date.UTC(2026, 10, 22, 5, 30),
    ...overrides,
  })
}
