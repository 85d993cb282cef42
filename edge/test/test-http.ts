import type { Role } from '@kqms/shared/api'
import type { AppointmentCheckInConfig } from '../src/config.js'
import type { OperatorId } from '@kqms/shared/domain'
import {
  createHttpApp,
  createMetrics,
  DEFAULT_HTTP_CONFIG,
  type HttpConfig,
} from '../src/http/app.js'
import { createUser } from '../src/http/auth/users.js'
import type { Metrics } from '../src/http/metrics.js'
import { AIDA, BOLAT } from './given.js'
import { captureLog, startTestRuntime, type TestRuntime } from './test-runtime.js'

export const PUBLIC_BASE_URL = 'http://kqms.test:8080'

export interface RequestOptions {
  /** A JSON value (serialized) or a raw string body (sent as is). */
  readonly body?: unknown
  readonly rawBody?: string
  readonly token?: string
  readonly headers?: Record<string, string>
  /** Client address seen by the login throttle. */
  readonly ip?: string
}

/** A response with its JSON body read once. */
export interface TestResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: unknown
  readonly text: string
}

export interface TestHttp extends TestRuntime {
  readonly app: ReturnType<typeof createHttpApp>
  readonly metrics: Metrics
  readonly httpLogLines: Record<string, unknown>[]
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>
  /** A bearer token of a new staff account with this role (operators work as Aida, or `operatorId`). */
  tokenFor(
    role: Role,
    options?: { operatorId?: OperatorId | null; login?: string },
  ): Promise<string>
}

const SECRETS: Record<Role, string> = {
  operator: '4321',
  manager: 'manager-secret-1',
  admin: 'admin-secret-123',
}

/**
 * The HTTP app on a real `:memory:` SQLite queue runtime with a fake clock and ids, the test
 * branch configured (`given.branch()`). Requests go through `app.request()`, no socket.
 */
export function startTestHttp(
  options: { config?: Partial<HttpConfig>; appointments?: AppointmentCheckInConfig } = {},
): TestHttp {
  const runtime = startTestRuntime()
  runtime.given.branch()
  const { log, lines } = captureLog()
  const metrics = createMetrics()
  const app = createHttpApp({
    clock: runtime.clock,
    ids: runtime.ids,
    log,
    runtime: runtime.runtime,
    db: runtime.database,
    metrics,
    config: { ...DEFAULT_HTTP_CONFIG, publicBaseUrl: PUBLIC_BASE_URL, ...options.config },
    ...(options.appointments ? { appointments: options.appointments } : {}),
  })
  let accounts = 0

  const request = async (
    method: string,
    path: string,
    input: RequestOptions = {},
  ): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...input.headers }
    let body: string | undefined
    if (input.rawBody !== undefined) body = input.rawBody
    else if (input.body !== undefined) {
      body = JSON.stringify(input.body)
      headers['content-type'] ??= 'application/json'
    }
    if (input.token !== undefined) headers['authorization'] = `Bearer ${input.token}`
    const env = { incoming: { socket: { remoteAddress: input.ip ?? '192.0.2.10' } } }
    const response = await app.request(path, { method, headers, body }, env)
    const text = await response.text()
    let parsed: unknown = undefined
    try {
      parsed = JSON.parse(text)
    } catch {
      parsed = undefined
    }
    return { status: response.status, headers: response.headers, body: parsed, text }
  }

  const tokenFor: TestHttp['tokenFor'] = async (role, extra = {}) => {
    accounts++
    const login = extra.login ?? `${role}-${accounts}`
    const operatorId =
      extra.operatorId !== undefined ? extra.operatorId : role === 'operator' ? AIDA : null
    await createUser(
      { database: runtime.database, clock: runtime.clock, ids: runtime.ids },
      { login, displayName: `${role} ${accounts}`, role, secret: SECRETS[role], operatorId },
    )
    const credentials =
      role === 'operator' ? { login, pin: SECRETS[role] } : { login, password: SECRETS[role] }
    const response = await request('POST', '/api/v1/auth/login', {
      body: credentials,
      ip: `198.51.100.${accounts}`,
    })
    const token = (response.body as { token?: unknown } | undefined)?.token
    if (response.status !== 200 || typeof token !== 'string')
      throw new Error(`tokenFor(${role}): login failed with ${response.status} ${response.text}`)
    return token
  }

  return { ...runtime, app, metrics, httpLogLines: lines, request, tokenFor }
}

export { AIDA, BOLAT }

/** `{ error: { code, message } }`'s code, or undefined when the body is not an error body. */
export function errorCode(response: TestResponse): string | undefined {
  const body = response.body as { error?: { code?: unknown; message?: unknown } } | undefined
  return typeof body?.error?.code === 'string' && typeof body.error.message === 'string'
    ? body.error.code
    : undefined
}
