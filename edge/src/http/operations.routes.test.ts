import { describe, expect, it } from 'vitest'
import { AIDA, CASH, COUNTER_1 } from '../../test/given.js'
import { startTestHttp } from '../../test/test-http.js'
import { captureLog } from '../../test/test-runtime.js'
import { createHttpLogger, startHttpServer } from './app.js'
import { HTTP_ROUTES } from '../../test/http-routes.js'

describe('GET /health', () => {
  it('reports ok, the event count and the database', async () => {
    using http = startTestHttp()
    const response = await http.request('GET', '/health')
    expect(response.status).toBe(200)
    expect(response.body).toEqual({ ok: true, eventCount: http.runtime.eventCount(), db: 'ok' })
  })
})

describe('GET /metrics', () => {
  it('exposes queue gauges, ticket counters, the event log size and request durations', async () => {
    using http = startTestHttp()
    http.given.signIn(AIDA, COUNTER_1)
    await http.request('POST', '/api/v1/register', { body: { serviceId: CASH, language: 'ru' } })
    await http.request('POST', '/api/v1/register', { body: { serviceId: CASH, language: 'ru' } })
    http.given.run({ type: 'CallNext', counterId: COUNTER_1 })
    http.clock.advance(90_000)
    const response = await http.request('GET', '/metrics')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toContain('text/plain')
    const text = response.text
    expect(text).toContain('kqms_queue_waiting_tickets{service="cash"} 1')
    expect(text).toContain('kqms_queue_oldest_wait_seconds{service="cash"} 90')
    expect(text).toMatch(/kqms_queue_predicted_wait_seconds\{service="cash"\} \d+/)
    expect(text).toContain('kqms_tickets_issued_total{service="cash"} 2')
    expect(text).toContain('kqms_tickets_called_total{service="cash"} 1')
    expect(text).toContain(`kqms_event_log_events ${http.runtime.eventCount()}`)
    expect(text).toMatch(
      /kqms_http_request_duration_seconds_count\{method="POST",route="\/api\/v1\/register",status="201"\} 2/,
    )
  })
})

describe('GET /api/openapi.json', () => {
  it('is OpenAPI 3.1 and documents every route', async () => {
    using http = startTestHttp()
    const response = await http.request('GET', '/api/openapi.json')
    expect(response.status).toBe(200)
    const doc = response.body as {
      openapi: string
      paths: Record<string, Record<string, unknown>>
      components: { securitySchemes: Record<string, unknown> }
    }
    expect(doc.openapi).toBe('3.1.0')
    const documented = Object.entries(doc.paths)
      .flatMap(([path, operations]) =>
        Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`),
      )
      .sort()
    const routes = HTTP_ROUTES.map((r) => `${r.method} ${r.pattern}`).sort()
    expect(documented).toEqual(routes)
    expect(doc.components.securitySchemes).toHaveProperty('bearer')
  })
})

describe('GET /api/docs', () => {
  it('serves Swagger UI with its assets from the appliance, not a CDN', async () => {
    using http = startTestHttp()
    const page = await http.request('GET', '/api/docs')
    expect(page.status).toBe(200)
    expect(page.text).toContain('/api/openapi.json')
    expect(page.text).not.toContain('cdn.jsdelivr.net')
    const css = await http.request('GET', '/api/docs/assets/swagger-ui-dist/swagger-ui.css')
    expect(css.status).toBe(200)
    const js = await http.request('GET', '/api/docs/assets/swagger-ui-dist/swagger-ui-bundle.js')
    expect(js.status).toBe(200)
    expect(js.headers.get('content-type')).toContain('javascript')
    const other = await http.request('GET', '/api/docs/assets/swagger-ui-dist/package.json')
    expect(other.status).toBe(404)
  })
})

describe(startHttpServer.name, () => {
  it('serves the app on a free port and stops', async () => {
    using http = startTestHttp()
    const server = await startHttpServer({ app: http.app, port: 0, host: '127.0.0.1' })
    try {
      expect(server.port).toBeGreaterThan(0)
      const response = await fetch(`${server.url}/health`)
      expect(response.status).toBe(200)
      // The throttle sees the real client address through the node adapter.
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ login: 'nobody', password: 'x' }),
      })
      expect(login.status).toBe(401)
    } finally {
      await server.stop()
    }
  })
})

describe('request logging', () => {
  it('logs one line per request with its requestId, echoed as X-Request-Id, without tokens', async () => {
    using http = startTestHttp()
    const token = await http.tokenFor('manager')
    const response = await http.request('GET', '/api/v1/auth/me', { token })
    const requestId = response.headers.get('x-request-id')
    expect(requestId).toBeTruthy()
    const lines = http.httpLogLines.filter((l) => l['requestId'] === requestId)
    expect(lines).toEqual([
      expect.objectContaining({ module: 'http', route: '/api/v1/auth/me', status: 200 }),
    ])
    expect(JSON.stringify(http.httpLogLines)).not.toContain(token)
  })

  it('redacts phones, secrets and tokens from anything the HTTP layer logs', () => {
    const { log, lines } = captureLog()
    createHttpLogger(log).info(
      {
        phone: '+77011234567',
        body: { phone: '+77011234567', password: 'p4ss', pin: '1234', token: 't0k' },
        headers: { authorization: 'Bearer t0k' },
      },
      'something',
    )
    const line = JSON.stringify(lines)
    for (const secret of ['+77011234567', 'p4ss', '1234', 't0k']) expect(line).not.toContain(secret)
    expect(line).toContain('[redacted]')
  })
})
