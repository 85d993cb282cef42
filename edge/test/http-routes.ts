import type { Role } from '@kqms/shared/api'
import { AIDA, CASH, COUNTER_1, testBranch } from './given.js'

/**
 * Every documented HTTP route with who may call it and a valid sample body: the table behind the
 * access and bad-input suites. A test checks it against the OpenAPI document, so a new route
 * cannot be forgotten here.
 */
/** `device`: a kiosk's own credentials (`Authorization: Basic`), not a staff session. */
export type Access = 'public' | Role | 'device'

export interface RouteCase {
  readonly method: 'GET' | 'POST' | 'PUT'
  /** As in the OpenAPI document. */
  readonly pattern: string
  readonly access: Access
  /** A valid body (JSON routes only); undefined for routes without a body. */
  readonly body?: Record<string, unknown>
  /** Whether the route reads a JSON body. */
  readonly hasBody: boolean
}

const text = (en: string) => ({ kk: `${en} (kk)`, ru: `${en} (ru)`, en })
const SAMPLE_TICKET = '00000000-0000-7000-8000-00000000abcd'

const route = (
  endpoint: `${RouteCase['method']} ${string}`,
  access: Access,
  body?: Record<string, unknown>,
): RouteCase => {
  const [method = 'GET', pattern = ''] = endpoint.split(' ') as [RouteCase['method'], string]
  return {
    method,
    pattern,
    access,
    body,
    hasBody: method !== 'GET' && pattern !== '/api/v1/auth/logout',
  }
}

const counterAction = (action: string, body: Record<string, unknown> = {}): RouteCase =>
  route(`POST /api/v1/counters/{counterId}/${action}`, 'operator', body)

export const HTTP_ROUTES: readonly RouteCase[] = [
  route('GET /health', 'public'),
  route('GET /metrics', 'public'),
  route('GET /api/v1/branches', 'public'),
  route('GET /api/v1/queues', 'public'),
  route('POST /api/v1/register', 'public', { serviceId: CASH, language: 'kk' }),
  route('GET /api/v1/status/{ticketId}', 'public'),
  route('POST /api/v1/auth/login', 'public', { login: 'someone', password: 'secret-123' }),
  route('POST /api/v1/auth/logout', 'operator'),
  route('GET /api/v1/auth/me', 'operator'),
  route('GET /api/v1/hall/now-serving', 'public'),
  route('GET /api/v1/counters/{counterId}/state', 'public'),
  route('GET /api/v1/counters', 'public'),
  route('GET /api/v1/counters/{counterId}', 'operator'),
  counterAction('sign-in', { operatorId: AIDA }),
  counterAction('sign-out'),
  counterAction('pause', { reason: 'break' }),
  counterAction('resume'),
  counterAction('call-next'),
  counterAction('call', { ticketId: SAMPLE_TICKET }),
  counterAction('recall'),
  counterAction('start'),
  counterAction('finish', { outcome: 'served' }),
  counterAction('no-show'),
  counterAction('transfer', { toServiceId: CASH, keepPlace: true }),
  counterAction('redirect', { outcome: 'served', keepPlace: false }),
  counterAction('park'),
  counterAction('resume-parked', { ticketId: SAMPLE_TICKET }),
  route('POST /api/v1/tickets/{ticketId}/cancel', 'manager', { reason: 'duplicate' }),
  route('POST /api/v1/tickets/{ticketId}/reactivate', 'operator', { keepPlace: true }),
  route('POST /api/v1/tickets/{ticketId}/print', 'device', {}),
  route('POST /api/v1/appointments/check-in', 'device', {
    token: 'aaaa.bbbb.cccc',
    language: 'kk',
  }),
  route('GET /api/admin/services', 'manager'),
  route('GET /api/admin/services/{id}', 'manager'),
  route('PUT /api/admin/services/{id}', 'admin', {
    prefix: 'Q',
    name: text('Q'),
    category: text('Everyday'),
    dailyCap: null,
    expectedServiceSeconds: 300,
    serviceTimeCv: 0.5,
    active: true,
  }),
  route('GET /api/admin/priority-policy', 'manager'),
  route('PUT /api/admin/priority-policy', 'admin', {
    classes: {
      appointment: { headStart: 30, agingPerMinute: 1, maxWaitMinutes: 10 },
      vip: { headStart: 20, agingPerMinute: 1, maxWaitMinutes: 10 },
      elderly: { headStart: 15, agingPerMinute: 1, maxWaitMinutes: 15 },
      regular: { headStart: 0, agingPerMinute: 1, maxWaitMinutes: 25 },
    },
    selfDeclarable: ['elderly'],
    secondarySkillMargin: 10,
    shortServiceBonusPerMinute: 0,
    maxRecalls: 3,
    recallCooldownSeconds: 20,
    noShowAfterMinutes: 5,
    reactivateWithinMinutes: 60,
  }),
  route('GET /api/admin/counters', 'manager'),
  route('GET /api/admin/counters/{id}', 'manager'),
  route('PUT /api/admin/counters/{id}', 'admin', { label: '9', name: text('Nine'), active: true }),
  route('GET /api/admin/operators', 'manager'),
  route('GET /api/admin/operators/{id}', 'manager'),
  route('PUT /api/admin/operators/{id}', 'manager', {
    displayName: 'Aida',
    skills: { [CASH]: 1 },
    active: true,
  }),
  route('GET /api/admin/live', 'manager'),
  route('GET /api/admin/branch', 'manager'),
  route('PUT /api/admin/branch', 'admin', { ...testBranch }),
  route('POST /api/admin/users', 'admin', {
    login: 'new-user',
    displayName: 'New',
    role: 'operator',
    pin: '1357',
  }),
  route('GET /api/admin/users', 'admin'),
  route('POST /api/admin/day/close', 'manager', {}),
  route('GET /api/admin/devices', 'manager'),
  route('POST /api/admin/devices/pairing-codes', 'manager', { kind: 'kiosk' }),
  route('POST /api/admin/devices/{id}/revoke', 'manager', {}),
  route('POST /api/v1/devices/pair', 'public', { code: 'ABCDE-FGHJK' }),
]

/** The pattern with path parameters filled in (valid ids unless given). */
export function pathOf(
  pattern: string,
  ids: { counterId?: string; ticketId?: string; id?: string } = {},
): string {
  const idFor = pattern.startsWith('/api/admin/counters')
    ? COUNTER_1
    : pattern.startsWith('/api/admin/operators')
      ? AIDA
      : CASH
  return pattern
    .replace('{counterId}', encodeURIComponent(ids.counterId ?? COUNTER_1))
    .replace('{ticketId}', encodeURIComponent(ids.ticketId ?? SAMPLE_TICKET))
    .replace('{id}', encodeURIComponent(ids.id ?? idFor))
}

export const hasPathId = (pattern: string): boolean => pattern.includes('{')
