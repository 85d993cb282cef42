import type {
  Branch,
  Counter,
  CounterId,
  LocalizedText,
  Operator,
  OperatorId,
  OpeningHours,
  Service,
  ServiceId,
} from '@kqms/shared/domain'
import type { Command } from './domain/commands.js'
import { DEFAULT_POLICY } from './domain/state.js'

/**
 * The demo branch `pnpm start` seeds into an empty database: a Kaspi-like catalogue with the
 * chained skills of design/queueing.md §5.2 (cashier – operator – credit – manager).
 */
const weekdays = [{ open: '09:00', close: '19:00' }]
const HOURS: OpeningHours = {
  mon: weekdays,
  tue: weekdays,
  wed: weekdays,
  thu: weekdays,
  fri: weekdays,
  sat: [{ open: '10:00', close: '17:00' }],
}

const EVERYDAY: LocalizedText = {
  kk: 'Күнделікті операциялар',
  ru: 'Повседневные операции',
  en: 'Everyday operations',
}
const LOANS_AND_ADVICE: LocalizedText = {
  kk: 'Несие және кеңес',
  ru: 'Кредиты и консультации',
  en: 'Loans and advice',
}

const svc = (
  id: string,
  name: LocalizedText,
  o: { prefix: string; category: LocalizedText; minutes: number; cv: number },
): Service => ({
  id: id as ServiceId,
  prefix: o.prefix,
  name,
  category: o.category,
  dailyCap: null,
  expectedServiceSeconds: o.minutes * 60,
  serviceTimeCv: o.cv,
  active: true,
})

export const DEMO_SERVICES: readonly Service[] = [
  svc(
    'cash',
    { kk: 'Қолма-қол ақша', ru: 'Наличные', en: 'Cash' },
    { prefix: 'A', category: EVERYDAY, minutes: 4, cv: 0.6 },
  ),
  svc(
    'fx',
    { kk: 'Валюта айырбастау', ru: 'Обмен валюты', en: 'Currency exchange' },
    { prefix: 'E', category: EVERYDAY, minutes: 3, cv: 0.5 },
  ),
  svc(
    'transfer',
    { kk: 'Ақша аударымдары', ru: 'Переводы', en: 'Transfers' },
    { prefix: 'T', category: EVERYDAY, minutes: 8, cv: 0.7 },
  ),
  svc(
    'card',
    { kk: 'Карталар', ru: 'Карты', en: 'Cards' },
    { prefix: 'C', category: EVERYDAY, minutes: 10, cv: 0.5 },
  ),
  svc(
    'loan',
    { kk: 'Несиелер', ru: 'Кредиты', en: 'Loans' },
    { prefix: 'L', category: LOANS_AND_ADVICE, minutes: 25, cv: 0.6 },
  ),
  svc(
    'consult',
    { kk: 'Кеңес алу', ru: 'Консультации', en: 'Consultations' },
    { prefix: 'K', category: LOANS_AND_ADVICE, minutes: 12, cv: 0.9 },
  ),
]

const counter = (n: number): Counter => ({
  id: `c${n}` as CounterId,
  label: String(n),
  name: { kk: `${n}-терезе`, ru: `Окно ${n}`, en: `Counter ${n}` },
  active: true,
})
export const DEMO_COUNTERS: readonly Counter[] = [1, 2, 3, 4, 5, 6].map(counter)

const op = (id: string, displayName: string, skills: Record<string, 1 | 2>): Operator => ({
  id: id as OperatorId,
  displayName,
  skills: skills,
  active: true,
})
export const DEMO_OPERATORS: readonly Operator[] = [
  op('aigerim', 'Айгерім Б.', { cash: 1, fx: 1, transfer: 2 }),
  op('yerlan', 'Ерлан С.', { cash: 1, fx: 1, transfer: 2 }),
  op('dana', 'Дана К.', { transfer: 1, card: 1, consult: 1, cash: 2 }),
  op('marat', 'Марат Т.', { transfer: 1, card: 1, consult: 1, cash: 2 }),
  op('saule', 'Сәуле Ж.', { loan: 1, consult: 2 }),
  op('nurlan', 'Нұрлан А.', { loan: 1, consult: 1, card: 2 }),
]

export function demoBranch(branchId: string): Branch {
  return {
    id: branchId as Branch['id'],
    name: { kk: 'Алматы демо бөлімшесі', ru: 'Демо-отделение Алматы', en: 'Almaty demo branch' },
    address: {
      kk: 'Алматы, Абай даңғылы, 1',
      ru: 'Алматы, проспект Абая, 1',
      en: '1 Abay Avenue, Almaty',
    },
    timeZone: 'Asia/Almaty',
    openingHours: HOURS,
  }
}

/** Configuration commands, in order; each is keyed so reseeding is idempotent. */
export function demoCommands(branchId: string): { key: string; command: Command }[] {
  return [
    { key: 'demo:branch', command: { type: 'ConfigureBranch', branch: demoBranch(branchId) } },
    { key: 'demo:policy', command: { type: 'ConfigurePolicy', policy: DEFAULT_POLICY } },
    ...DEMO_SERVICES.map((service) => ({
      key: `demo:service:${service.id}`,
      command: { type: 'ConfigureService' as const, service },
    })),
    ...DEMO_COUNTERS.map((counter) => ({
      key: `demo:counter:${counter.id}`,
      command: { type: 'ConfigureCounter' as const, counter },
    })),
    ...DEMO_OPERATORS.map((operator) => ({
      key: `demo:operator:${operator.id}`,
      command: { type: 'ConfigureOperator' as const, operator },
    })),
  ]
}

/** Demo logins; printed by `pnpm start`. Operators sign in with a PIN. */
export const DEMO_USERS = [
  {
    login: 'admin',
    displayName: 'Branch administrator',
    role: 'admin' as const,
    secret: 'admin-demo-2026',
    operatorId: null,
  },
  {
    login: 'manager',
    displayName: 'Гүлнар М. (manager)',
    role: 'manager' as const,
    secret: 'manager-demo-2026',
    operatorId: null,
  },
  ...DEMO_OPERATORS.map((o, i) => ({
    login: o.id,
    displayName: o.displayName,
    role: 'operator' as const,
    secret: String(1000 + (i + 1) * 111).slice(0, 4),
    operatorId: o.id,
  })),
]
