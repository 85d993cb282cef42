import type { CloudRole } from '@kqms/shared/cloud'

/** The console's pages, addressed by the URL hash (`#/branches/almaty-demo`). */
export type Route =
  | { page: 'branches' }
  | { page: 'branch'; branchId: string }
  | {
      page: 'appointments'
      branchId?: string
      serviceId?: string
      date?: string
      view: 'day' | 'week'
    }
  | { page: 'configuration'; branchId?: string }
  | { page: 'users' }
  | { page: 'inventory'; branchId?: string }
  | { page: 'audit' }
  | { page: 'analytics' }
  | { page: 'not-found' }

export type PageName = Route['page']

export function parseRoute(hash: string): Route {
  const [path = '', queryText = ''] = hash.replace(/^#/, '').split('?')
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent)
  const query = new URLSearchParams(queryText)
  const optional = (name: string) => query.get(name) ?? undefined
  switch (parts[0]) {
    case undefined:
    case 'branches':
      return parts[1] ? { page: 'branch', branchId: parts[1] } : { page: 'branches' }
    case 'appointments':
      return {
        page: 'appointments',
        branchId: parts[1],
        serviceId: optional('service'),
        date: optional('date'),
        view: query.get('view') === 'week' ? 'week' : 'day',
      }
    case 'configuration':
      return { page: 'configuration', branchId: parts[1] }
    case 'users':
      return { page: 'users' }
    case 'inventory':
      return { page: 'inventory', branchId: optional('branch') }
    case 'audit':
      return { page: 'audit' }
    case 'analytics':
      return { page: 'analytics' }
    default:
      return { page: 'not-found' }
  }
}

export function appointmentsHash(input: {
  branchId: string
  serviceId?: string
  date?: string
  view?: 'day' | 'week'
}): string {
  const query = new URLSearchParams()
  if (input.serviceId) query.set('service', input.serviceId)
  if (input.date) query.set('date', input.date)
  if (input.view === 'week') query.set('view', 'week')
  const text = query.toString()
  return `#/appointments/${encodeURIComponent(input.branchId)}${text ? `?${text}` : ''}`
}

/**
 * Pages each role may open, mirroring the cloud's route guards (cloud/src/http/auth/access.ts):
 * users and the audit log are for administrators; a branch manager configures and equips only
 * their own branches (the cloud scopes every list and answers 403 for other branches); an
 * analyst reads branches, appointments and analytics. The console only hides what would fail anyway.
 */
const PAGES_BY_ROLE: Readonly<Record<CloudRole, readonly PageName[]>> = {
  'central-admin': [
    'branches',
    'branch',
    'appointments',
    'configuration',
    'users',
    'analytics',
    'inventory',
    'audit',
  ],
  analyst: ['branches', 'branch', 'appointments', 'analytics'],
  'branch-manager': [
    'branches',
    'branch',
    'appointments',
    'analytics',
    'configuration',
    'inventory',
  ],
}

export function canOpen(role: CloudRole, page: PageName): boolean {
  return page === 'not-found' || PAGES_BY_ROLE[role].includes(page)
}

/** Navigation entries in order, for the sidebar. */
export const NAVIGATION = [
  { page: 'branches', hash: '#/branches', key: 'nav.branches' },
  { page: 'appointments', hash: '#/appointments', key: 'nav.appointments' },
  { page: 'analytics', hash: '#/analytics', key: 'nav.analytics' },
  { page: 'configuration', hash: '#/configuration', key: 'nav.configuration' },
  { page: 'inventory', hash: '#/inventory', key: 'nav.inventory' },
  { page: 'users', hash: '#/users', key: 'nav.users' },
  { page: 'audit', hash: '#/audit', key: 'nav.audit' },
] as const
