import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { AIDA, COUNTER_1 } from '../../test/given.js'
import { hasPathId, HTTP_ROUTES, pathOf, type RouteCase } from '../../test/http-routes.js'
import { errorCode, startTestHttp, type TestHttp, type TestResponse } from '../../test/test-http.js'

/**
 * Whatever a client sends, the answer is a 4xx with `{ error: { code, message } }` (or a success),
 * never a 5xx. Every route, with an admin session so that input, not access, is what is tested.
 */

const name = (r: RouteCase) => `${r.method} ${r.pattern}`
const bodyRoutes = HTTP_ROUTES.filter((r) => r.hasBody)
const idRoutes = HTTP_ROUTES.filter((r) => hasPathId(r.pattern))
/** Routes whose body has at least one required field. */
const requiredBodyRoutes = bodyRoutes.filter(
  (r) => r.body !== undefined && Object.keys(r.body).length > 0,
)

const HOSTILE_STRINGS = [
  "'; DROP TABLE tickets; --",
  '" OR 1=1 --',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '../../../../etc/passwd',
  '\u0000',
  'a\u0000b',
  '\u202Eevil\u202C',
  '𝕂𝕢𝕞𝕤 🧾🏦',
  'қ'.repeat(5000),
  '%00%ff%fe',
  '${jndi:ldap://x}',
  '__proto__',
  'constructor',
  ' ',
  '',
]

function expectClientError(response: TestResponse): void {
  expect(response.status).toBeGreaterThanOrEqual(400)
  expect(response.status).toBeLessThan(500)
  expect(errorCode(response)).toBeDefined()
}

/** Never a 5xx; any 4xx carries the error body. */
function expectNoServerError(response: TestResponse): void {
  expect(response.status).toBeLessThan(500)
  if (response.status >= 400) expect(errorCode(response)).toBeDefined()
}

describe('bad input on every route', () => {
  let http: TestHttp
  let admin: string
  beforeAll(async () => {
    http = startTestHttp()
    admin = await http.tokenFor('admin')
    http.given.signIn(AIDA, COUNTER_1)
    http.given.ticket()
    return () => http[Symbol.dispose]()
  })

  const send = (route: RouteCase, options: Parameters<TestHttp['request']>[2] = {}) =>
    http.request(route.method, pathOf(route.pattern), { token: admin, ...options })

  it.each(bodyRoutes.map((r) => [name(r), r] as const))(
    '%s: malformed JSON → 400',
    async (_, route) => {
      for (const rawBody of ['{', '{"a":', 'nul', "{'single': 1}", '{"a":1}}', '\u0000']) {
        const response = await send(route, {
          rawBody,
          headers: { 'content-type': 'application/json' },
        })
        expect(response.status).toBe(400)
        expect(errorCode(response)).toBe('MALFORMED_JSON')
      }
    },
  )

  it.each(bodyRoutes.map((r) => [name(r), r] as const))(
    '%s: wrong content type → 415',
    async (_, route) => {
      const response = await send(route, {
        rawBody: 'serviceId=cash',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      })
      expect(response.status).toBe(415)
      expect(errorCode(response)).toBe('UNSUPPORTED_MEDIA_TYPE')
      const plain = await send(route, {
        rawBody: 'hello',
        headers: { 'content-type': 'text/plain' },
      })
      expect(plain.status).toBe(415)
    },
  )

  it.each(bodyRoutes.map((r) => [name(r), r] as const))('%s: 1 MB body → 413', async (_, route) => {
    const response = await send(route, { body: { padding: 'x'.repeat(1024 * 1024) } })
    expect(response.status).toBe(413)
    expect(errorCode(response)).toBe('PAYLOAD_TOO_LARGE')
  })

  it.each(bodyRoutes.map((r) => [name(r), r] as const))(
    '%s: non-object JSON bodies → 400',
    async (_, route) => {
      for (const body of [null, 42, 'text', [], [route.body], true])
        expect((await send(route, { body })).status).toBe(400)
    },
  )

  it.each(requiredBodyRoutes.map((r) => [name(r), r] as const))(
    '%s: missing fields → 400 naming them',
    async (_, route) => {
      const response = await send(route, { body: {} })
      expect(response.status).toBe(400)
      expect(errorCode(response)).toBe('VALIDATION_FAILED')
      const field = Object.keys(route.body ?? {})[0] ?? ''
      expect((response.body as { error: { message: string } }).error.message).toContain(field)
    },
  )

  it.each(requiredBodyRoutes.map((r) => [name(r), r] as const))(
    '%s: wrong types → 400',
    async (_, route) => {
      for (const wrong of [12345, null, [], { nested: true }, 'x'.repeat(300), -1.5]) {
        const body = Object.fromEntries(Object.keys(route.body ?? {}).map((k) => [k, wrong]))
        const response = await send(route, { body })
        expect(response.status).toBe(400)
        expect(errorCode(response)).toBe('VALIDATION_FAILED')
      }
    },
  )

  it.each(bodyRoutes.map((r) => [name(r), r] as const))(
    '%s: unknown fields are refused → 400',
    async (_, route) => {
      const response = await send(route, { body: { ...route.body, unexpected: 1 } })
      expect(response.status).toBe(400)
    },
  )

  it.each(bodyRoutes.map((r) => [name(r), r] as const))(
    '%s: hostile strings in every field → 4xx or success, never 5xx',
    async (_, route) => {
      for (const hostile of HOSTILE_STRINGS) {
        const body = Object.fromEntries(
          Object.keys(route.body ?? { value: 1 }).map((k) => [k, hostile]),
        )
        expectNoServerError(await send(route, { body }))
        expectNoServerError(await send(route, { body: { ...route.body, [hostile]: hostile } }))
      }
    },
  )

  it.each(idRoutes.map((r) => [name(r), r] as const))(
    '%s: unknown and hostile ids in the path → 4xx',
    async (_, route) => {
      const ids = [
        'nope',
        '00000000-0000-7000-8000-0000deadbeef',
        ...HOSTILE_STRINGS.filter((s) => s !== ''),
      ]
      for (const id of ids) {
        const path = pathOf(route.pattern, { counterId: id, ticketId: id, id })
        const response = await http.request(route.method, path, { token: admin, body: route.body })
        // A PUT with a new valid slug creates that thing; everything else is refused.
        const isSlug = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(id)
        if (route.method === 'PUT' && isSlug) expectNoServerError(response)
        else expectClientError(response)
      }
    },
  )

  it('answers unknown routes and methods with 404 NOT_FOUND', async () => {
    for (const [method, path] of [
      ['GET', '/api/v1/nope'],
      ['DELETE', '/api/v1/register'],
      ['PATCH', '/api/admin/services/cash'],
      ['GET', '/api/v1/status/'],
      ['GET', `/api/${'%ff'.repeat(100)}`],
    ] as const) {
      const response = await http.request(method, path, { token: admin })
      expect(response.status).toBe(404)
      expect(errorCode(response)).toBe('NOT_FOUND')
    }
  })

  it('logged no unhandled error through all of the above', () => {
    const unhandled = http.httpLogLines.filter((l) => l['msg'] === 'unhandled error')
    expect(unhandled).toEqual([])
  })

  it('refuses invalid Idempotency-Key headers (400)', async () => {
    for (const key of ['short', 'x'.repeat(200), 'has space here', '<script>']) {
      const response = await http.request('POST', '/api/v1/register', {
        body: { serviceId: 'cash', language: 'ru' },
        headers: { 'idempotency-key': key },
      })
      expect(response.status).toBe(400)
      expect(errorCode(response)).toBe('VALIDATION_FAILED')
    }
  })
})

/** Values that look like the fields the API reads, mixed with arbitrary JSON. */
const FIELD_NAMES = [
  'serviceId',
  'language',
  'priorityClass',
  'phone',
  'phoneMasked',
  'followUpServiceIds',
  'login',
  'password',
  'pin',
  'operatorId',
  'reason',
  'ticketId',
  'outcome',
  'toServiceId',
  'toOperatorId',
  'keepPlace',
  'prefix',
  'name',
  'category',
  'dailyCap',
  'expectedServiceSeconds',
  'serviceTimeCv',
  'active',
  'label',
  'displayName',
  'skills',
  'id',
  'timeZone',
  'openingHours',
  'address',
  'role',
  'classes',
  'selfDeclarable',
  'maxRecalls',
  'recallCooldownSeconds',
]
const fieldValue = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    'cash',
    'loans',
    'kk',
    'ru',
    'en',
    'vip',
    'elderly',
    'regular',
    'served',
    'break',
    'c-01',
    'aida',
    'bolat',
    '+77011234567',
    '+7701***4567',
    '00000000-0000-7000-8000-000000000001',
    true,
    false,
    0,
    1,
    3,
    null,
    'Asia/Almaty',
    { kk: 'a', ru: 'b', en: 'c' },
  ),
  fc.constantFrom(...HOSTILE_STRINGS),
)
const arbitraryBody = fc.oneof(
  fc.dictionary(fc.constantFrom(...FIELD_NAMES), fieldValue, { maxKeys: 8 }),
  fc.jsonValue({ maxDepth: 3 }),
)

describe('arbitrary JSON bodies (fast-check)', () => {
  let http: TestHttp
  const tokens: { admin?: string } = {}
  beforeAll(async () => {
    http = startTestHttp()
    tokens.admin = await http.tokenFor('admin')
    http.given.signIn(AIDA, COUNTER_1)
    return () => http[Symbol.dispose]()
  })

  it.each(bodyRoutes.map((r) => [name(r), r] as const))(
    '%s never answers 5xx',
    async (_, route) => {
      await fc.assert(
        fc.asyncProperty(arbitraryBody, fc.boolean(), async (body, merged) => {
          const sent =
            merged && typeof body === 'object' && body !== null && !Array.isArray(body)
              ? { ...route.body, ...body }
              : body
          const response = await http.request(route.method, pathOf(route.pattern), {
            token: tokens.admin,
            body: sent,
          })
          expectNoServerError(response)
        }),
        { numRuns: 40 },
      )
    },
  )
})
