import type { Language } from '../domain/ids.js'
import type { PublicTicketStatus } from './public.js'

type Template = (vars: StatusMessageVars) => string

export interface StatusMessageVars {
  readonly number: string
  /** Label of the counter the ticket is called to ("5"), when called or served. */
  readonly counterLabel: string | null
  /** Position in the queue (1 = next), when waiting and known. */
  readonly position: number | null
}

const counterOrDash = (v: StatusMessageVars): string => v.counterLabel ?? '—'

/** What a ticket holder should do now, in kk, ru and en. */
export const STATUS_MESSAGES: Readonly<
  Record<PublicTicketStatus, Readonly<Record<Language, Template>>>
> = {
  waiting: {
    kk: (v) =>
      v.position === null
        ? `${v.number} талоны кезекте. Шақыруды күтіңіз`
        : `${v.number} талоны кезекте, сіздің орныңыз: ${v.position}`,
    ru: (v) =>
      v.position === null
        ? `Талон ${v.number} в очереди. Ожидайте вызова`
        : `Талон ${v.number} в очереди, ваше место: ${v.position}`,
    en: (v) =>
      v.position === null
        ? `Ticket ${v.number} is in the queue. Please wait to be called`
        : `Ticket ${v.number} is in the queue, your place: ${v.position}`,
  },
  called: {
    kk: (v) => `${counterOrDash(v)} терезесіне өтіңіз`,
    ru: (v) => `Пройдите к окну ${counterOrDash(v)}`,
    en: (v) => `Please go to counter ${counterOrDash(v)}`,
  },
  serving: {
    kk: (v) => `Сізге ${counterOrDash(v)} терезесінде қызмет көрсетілуде`,
    ru: (v) => `Вас обслуживают у окна ${counterOrDash(v)}`,
    en: (v) => `You are being served at counter ${counterOrDash(v)}`,
  },
  parked: {
    kk: () => 'Күте тұрыңыз, сізді қайта шақырады',
    ru: () => 'Пожалуйста, подождите, вас вызовут снова',
    en: () => 'Please wait, you will be called again',
  },
  finished: {
    kk: () => 'Қызмет көрсетілді. Рахмет!',
    ru: () => 'Обслуживание завершено. Спасибо!',
    en: () => 'Your visit is complete. Thank you!',
  },
  no_show: {
    kk: () => 'Сіз шақыруға келмедіңіз. Қызметкерге жүгініңіз',
    ru: () => 'Вы не подошли по вызову. Обратитесь к сотруднику',
    en: () => 'You missed your call. Please see a member of staff',
  },
  cancelled: {
    kk: () => 'Талон жойылды',
    ru: () => 'Талон отменён',
    en: () => 'Your ticket was cancelled',
  },
  expired: {
    kk: () => 'Талонның мерзімі өтті',
    ru: () => 'Срок действия талона истёк',
    en: () => 'Your ticket has expired',
  },
}

/** The status page's one-line instruction for a ticket, in the ticket's language. */
export function toStatusMessage(
  status: PublicTicketStatus,
  language: Language,
  vars: StatusMessageVars,
): string {
  return STATUS_MESSAGES[status][language](vars)
}
