import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { CloudDatabase } from '../src/db/open-database.js'
import { createTestCloud, driversToRun, openTestDatabase, type TestCloud } from './test-cloud.js'

/**
 * Every route of the OpenAPI document, as an administrator, a customer and anonymously, with
 * malformed JSON, wrong types, a huge body and hostile strings in the path, query and body: the
 * answer is always a 4xx with `{ error: { code, message } }` (or a success), never a 5xx.
 */
const HOSTILE_STRINGS = [
  "'; DROP TABLE branches; --",
  '<script>alert(1)</script>',
  '../../etc/passwd',
  '\u202Eevil\u202C',
  '😀'.repeat(300),
  'x'.repeat(20_000),
  '%00',
  '{{7*7}}',
  '-1',
  '1e309',
]

const BODIES: readonly { name: string; body: string; contentType?: string }[] = [
  { name: 'malformed JSON', body: '{"branchId": ' },
  { name: 'a JSON array', body: '[1,2,3]' },
  { name: 'a JSON string', body: '"hello"' },
  { name: 'null', body: 'null' },
  {
    name: 'wrong types',
    body: JSON.stringify({
      branchId: 12,
      serviceId: [],
      startsAt: {},
      phone: true,
      email: 5,
      code: null,
      password: 1,
    }),
  },
  {
    name: 'a NUL character',
    body: JSON.stringify({ email: 'a\u0000b', password: 'x', phone: '+7701\u0000' }),
  },
  { name: 'a deep object', body: '{"a":'.repeat(2000) + '1' + '}'.repeat(2000) },
  { name: 'a huge body', body: JSON.stringify({ padding: 'x'.repeat(200_000) }) },
  {
    name: 'not JSON',
    body: 'email=a&password=b',
    contentType: 'application/x-www-form-urlencoded',
  },
  ...HOSTILE_STRINGS.map((s, n) => ({
    name: `hostile strings #${n}`,
    body: JSON.stringify({
      branchId: s,
      serviceId: s,
      startsAt: s,
      phone: s,
      code: s,
      email: s,
      password: s,
      challengeId: s,
      displayName: s,
      url: s,
      language: s,
    }),
  })),
]

interface Operation {
  readonly method: string
  readonly template: string
  readonly hasBody: boolean
}

describe.each(driversToRun())('bad input on %s', (driver) => {
  let database: CloudDatabase
  let cloud: TestCloud
  let operations: Operation[]
  let tokens: Record<'admin' | 'customer' | 'anonymous', string | null>
  beforeAll(async () => {
    database = await openTestDatabase(driver)
    cloud = await createTestCloud(database)
    const doc = (await cloud.request('/api/openapi.json')).body as {
      paths: Record<string, Record<string, { requestBody?: unknown }>>
    }
    operations = Object.entries(doc.paths).flatMap(([template, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({
        method: method.toUpperCase(),
        template,
        hasBody: operation.requestBody !== undefined,
      })),
    )
    tokens = {
      admin: await cloud.staffToken('admin'),
      customer: await cloud.customerToken('+77015550000'),
      anonymous: null,
    }
  })
  afterAll(async () => {
    await database.close()
  })

  const expectClientError = (label: string, answer: { status: number; body: unknown }) => {
    expect({ label, status: answer.status }).toEqual({
      label,
      status: expect.toSatisfy((s: number) => s < 500),
    })
    if (answer.status >= 400)
      expect(answer.body, label).toMatchObject({
        error: { code: expect.any(String), message: expect.any(String) },
      })
  }

  it('knows the whole API (public, customer, appointments, admin)', () => {
    expect(operations.length).toBeGreaterThan(40)
  })

  it('answers hostile path parameters and queries with 4xx, never 5xx', async () => {
    for (const op of operations.filter((o) => o.template.includes('{') || o.method === 'GET')) {
      for (const hostile of HOSTILE_STRINGS) {
        const path = op.template.replace(/\{[^}]+\}/g, encodeURIComponent(hostile))
        const query = `?branchId=${encodeURIComponent(hostile)}&serviceId=${encodeURIComponent(hostile)}&date=2026-13-45&lat=abc&lon=999&limit=-5&city=${encodeURIComponent(hostile)}&from=x&to=y&before=NaN`
        for (const who of ['admin', 'customer'] as const) {
          const answer = await cloud.request(`${path}${query}`, {
            method: op.method,
            token: tokens[who],
          })
          expectClientError(`${op.method} ${path.slice(0, 80)} as ${who}`, answer)
        }
      }
    }
  })

  it('answers malformed, mistyped, huge and hostile bodies with 4xx, never 5xx', async () => {
    // Signing out would end the admin session the rest of the loop uses; it takes no body anyway.
    const withBody = operations.filter(
      (o) => ['POST', 'PUT', 'PATCH'].includes(o.method) && o.template !== '/api/admin/auth/logout',
    )
    expect(withBody.length).toBeGreaterThan(15)
    for (const op of withBody) {
      const path = op.template
        .replace('{branchId}', 'almaty-demo')
        .replace('{serviceId}', 'loan')
        .replace('{operatorId}', 'aigerim')
        .replace('{id}', '0190a0a0-0000-7000-8000-000000000000')
      for (const body of BODIES) {
        for (const who of ['admin', 'customer', 'anonymous'] as const) {
          const answer = await cloud.request(path, {
            method: op.method,
            token: tokens[who],
            body: body.body,
            headers: { 'content-type': body.contentType ?? 'application/json' },
          })
          expectClientError(`${op.method} ${path} with ${body.name} as ${who}`, answer)
          if (body.name === 'a huge body' && who !== 'anonymous') expect(answer.status).toBe(413)
          const ownApi =
            who === 'admin'
              ? path.startsWith('/api/admin/')
              : who === 'customer' && path.startsWith('/api/v1/')
          if (body.name === 'malformed JSON' && ownApi && op.hasBody)
            expect(answer.body, `${op.method} ${path}`).toMatchObject({
              error: { code: 'MALFORMED_JSON' },
            })
        }
      }
    }
  })

  it('still serves normally afterwards (nothing was dropped or corrupted)', async () => {
    const { status, body } = await cloud.request('/api/v1/branches')
    expect(status).toBe(200)
    expect((body as { branches: unknown[] }).branches).toHaveLength(6)
  })
})
