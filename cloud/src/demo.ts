import { eq } from 'drizzle-orm'
import type {
  BranchCapacity,
  CreateBranchRequest,
  PutServiceMasterRequest,
} from '@kqms/shared/cloud'
import type { BranchId, LocalizedText, OpeningHours } from '@kqms/shared/domain'
import { branches } from './db/schema.js'
import { createBranch } from './usecases/branches.js'
import { publishBranchConfig, putServiceMaster } from './usecases/catalogue.js'
import { putOperator } from './usecases/inventory.js'
import type { Actor, CloudDeps } from './usecases/ports.js'
import { createUser } from './usecases/staff-auth.js'

/**
 * The demo data `CLOUD_DEMO=true` seeds into an empty database: six branches in Almaty, Astana
 * and Shymkent, the appliance demo's service catalogue, and three staff accounts with well-known
 * passwords (never on a real installation).
 */

/** TOTP secret (base32) of `admin@kqms.demo`, so tests and the start script can compute codes. */
export const DEMO_ADMIN_TOTP_SECRET = 'KQMSDEMOKQMSDEMOKQMSDEMOKQMSDEMO'

export const DEMO_USERS = {
  admin: { email: 'admin@kqms.demo', password: 'admin-demo-2026' },
  analyst: { email: 'analyst@kqms.demo', password: 'analyst-demo-2026' },
  manager: { email: 'manager@kqms.demo', password: 'manager-demo-2026' },
} as const

/** The appliance demo's branch. */
export const DEMO_BRANCH_ID = 'almaty-demo'

const SEED_ACTOR: Actor = { id: 'system', email: 'demo-seed' }

const weekdays = [{ open: '09:00', close: '18:00' }]
export const DEMO_HOURS: OpeningHours = {
  mon: weekdays,
  tue: weekdays,
  wed: weekdays,
  thu: weekdays,
  fri: weekdays,
  sat: [{ open: '10:00', close: '15:00' }],
}

/** Two appointments per 15-minute slot and service; half kept for walk-ins over lunch. */
export const DEMO_CAPACITY: BranchCapacity = {
  counters: 6,
  slotMinutes: 15,
  appointmentsPerSlot: 2,
  horizonDays: 14,
  leadMinutes: 60,
  earlyArrivalMinutes: 15,
  lateArrivalMinutes: 10,
  walkInShareByHour: Array.from({ length: 24 }, (_, hour) =>
    hour === 12 || hour === 13 ? 0.5 : 0,
  ),
}

const text = (kk: string, ru: string, en: string): LocalizedText => ({ kk, ru, en })

const branch = (
  id: string,
  input: { city: string; name: LocalizedText; address: LocalizedText; lat: number; lon: number },
): CreateBranchRequest => ({
  id: id as BranchId,
  name: input.name,
  address: input.address,
  city: input.city,
  location: { lat: input.lat, lon: input.lon },
  timeZone: 'Asia/Almaty',
  openingHours: DEMO_HOURS,
  capacity: DEMO_CAPACITY,
  active: true,
})

export const DEMO_BRANCHES: readonly CreateBranchRequest[] = [
  branch(DEMO_BRANCH_ID, {
    city: 'Almaty',
    name: text('Алматы демо бөлімшесі', 'Демо-отделение Алматы', 'Almaty demo branch'),
    address: text('Алматы, Абай даңғылы, 1', 'Алматы, проспект Абая, 1', '1 Abay Avenue, Almaty'),
    lat: 43.2383,
    lon: 76.9454,
  }),
  branch('almaty-dostyk', {
    city: 'Almaty',
    name: text('Достық бөлімшесі', 'Отделение Достык', 'Dostyk branch'),
    address: text(
      'Алматы, Достық даңғылы, 38',
      'Алматы, проспект Достык, 38',
      '38 Dostyk Avenue, Almaty',
    ),
    lat: 43.2452,
    lon: 76.9571,
  }),
  branch('almaty-tole-bi', {
    city: 'Almaty',
    name: text('Төле би бөлімшесі', 'Отделение Толе би', 'Tole Bi branch'),
    address: text(
      'Алматы, Төле би көшесі, 101',
      'Алматы, улица Толе би, 101',
      '101 Tole Bi Street, Almaty',
    ),
    lat: 43.255,
    lon: 76.911,
  }),
  branch('astana-mangilik-el', {
    city: 'Astana',
    name: text('Мәңгілік Ел бөлімшесі', 'Отделение Мангилик Ел', 'Mangilik El branch'),
    address: text(
      'Астана, Мәңгілік Ел даңғылы, 55',
      'Астана, проспект Мангилик Ел, 55',
      '55 Mangilik El Avenue, Astana',
    ),
    lat: 51.089,
    lon: 71.416,
  }),
  branch('astana-kenesary', {
    city: 'Astana',
    name: text('Кенесары бөлімшесі', 'Отделение Кенесары', 'Kenesary branch'),
    address: text(
      'Астана, Кенесары көшесі, 40',
      'Астана, улица Кенесары, 40',
      '40 Kenesary Street, Astana',
    ),
    lat: 51.168,
    lon: 71.435,
  }),
  branch('shymkent-tauke-khan', {
    city: 'Shymkent',
    name: text('Тәуке хан бөлімшесі', 'Отделение Тауке хана', 'Tauke Khan branch'),
    address: text(
      'Шымкент, Тәуке хан даңғылы, 31',
      'Шымкент, проспект Тауке хана, 31',
      '31 Tauke Khan Avenue, Shymkent',
    ),
    lat: 42.317,
    lon: 69.595,
  }),
]

const EVERYDAY = text('Күнделікті операциялар', 'Повседневные операции', 'Everyday operations')
const LOANS_AND_ADVICE = text('Несие және кеңес', 'Кредиты и консультации', 'Loans and advice')

/** The appliance demo's catalogue (same ids, prefixes and names); advice services are bookable. */
export const DEMO_SERVICES: readonly (PutServiceMasterRequest & { id: string })[] = [
  {
    id: 'cash',
    prefix: 'A',
    name: text('Қолма-қол ақша', 'Наличные', 'Cash'),
    category: EVERYDAY,
    expectedServiceSeconds: 240,
    serviceTimeCv: 0.6,
    bookable: false,
    active: true,
  },
  {
    id: 'fx',
    prefix: 'E',
    name: text('Валюта айырбастау', 'Обмен валюты', 'Currency exchange'),
    category: EVERYDAY,
    expectedServiceSeconds: 180,
    serviceTimeCv: 0.5,
    bookable: false,
    active: true,
  },
  {
    id: 'transfer',
    prefix: 'T',
    name: text('Ақша аударымдары', 'Переводы', 'Transfers'),
    category: EVERYDAY,
    expectedServiceSeconds: 480,
    serviceTimeCv: 0.7,
    bookable: false,
    active: true,
  },
  {
    id: 'card',
    prefix: 'C',
    name: text('Карталар', 'Карты', 'Cards'),
    category: EVERYDAY,
    expectedServiceSeconds: 600,
    serviceTimeCv: 0.5,
    bookable: true,
    active: true,
  },
  {
    id: 'loan',
    prefix: 'L',
    name: text('Несиелер', 'Кредиты', 'Loans'),
    category: LOANS_AND_ADVICE,
    expectedServiceSeconds: 1500,
    serviceTimeCv: 0.6,
    bookable: true,
    active: true,
  },
  {
    id: 'consult',
    prefix: 'K',
    name: text('Кеңес алу', 'Консультации', 'Consultations'),
    category: LOANS_AND_ADVICE,
    expectedServiceSeconds: 720,
    serviceTimeCv: 0.9,
    bookable: true,
    active: true,
  },
]

const DEMO_OPERATORS: readonly {
  id: string
  displayName: string
  skills: Record<string, 1 | 2>
}[] = [
  { id: 'aigerim', displayName: 'Айгерім Б.', skills: { cash: 1, fx: 1, transfer: 2 } },
  { id: 'yerlan', displayName: 'Ерлан С.', skills: { cash: 1, fx: 1, transfer: 2 } },
  { id: 'dana', displayName: 'Дана К.', skills: { transfer: 1, card: 1, consult: 1, cash: 2 } },
  { id: 'marat', displayName: 'Марат Т.', skills: { transfer: 1, card: 1, consult: 1, cash: 2 } },
  { id: 'saule', displayName: 'Сәуле Ж.', skills: { loan: 1, consult: 2 } },
  { id: 'nurlan', displayName: 'Нұрлан А.', skills: { loan: 1, consult: 1, card: 2 } },
]

/** Seeds the demo into an empty database; returns false (and changes nothing) when already seeded. */
export async function seedDemo(deps: CloudDeps): Promise<boolean> {
  const [existing] = await deps.db
    .select({ id: branches.id })
    .from(branches)
    .where(eq(branches.id, DEMO_BRANCH_ID))
  if (existing) return false
  for (const { id, ...service } of DEMO_SERVICES)
    await putServiceMaster(deps, { actor: SEED_ACTOR, serviceId: id, service })
  for (const b of DEMO_BRANCHES) await createBranch(deps, { actor: SEED_ACTOR, branch: b })
  for (const o of DEMO_OPERATORS)
    await putOperator(deps, {
      actor: SEED_ACTOR,
      branchId: DEMO_BRANCH_ID,
      operatorId: o.id,
      operator: { displayName: o.displayName, skills: o.skills, active: true },
    })
  await createUser(deps, {
    actor: SEED_ACTOR,
    user: {
      ...DEMO_USERS.admin,
      displayName: 'Demo administrator',
      role: 'central-admin',
      branchIds: [],
    },
    totpSecret: DEMO_ADMIN_TOTP_SECRET,
  })
  await createUser(deps, {
    actor: SEED_ACTOR,
    user: { ...DEMO_USERS.analyst, displayName: 'Demo analyst', role: 'analyst', branchIds: [] },
  })
  await createUser(deps, {
    actor: SEED_ACTOR,
    user: {
      ...DEMO_USERS.manager,
      displayName: 'Demo branch manager',
      role: 'branch-manager',
      branchIds: [DEMO_BRANCH_ID as BranchId],
    },
  })
  for (const b of DEMO_BRANCHES)
    await publishBranchConfig(deps, { actor: SEED_ACTOR, branchId: b.id })
  deps.log.info({ branches: DEMO_BRANCHES.length }, 'demo data seeded')
  return true
}
