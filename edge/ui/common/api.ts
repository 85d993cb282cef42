import {
  BranchList,
  BranchLive,
  CheckInResponse,
  CallResult,
  CounterStateList,
  CounterView,
  DeviceList,
  ErrorBody,
  LoginResponse,
  OperatorList,
  OperatorView,
  PairingCodeView,
  PairResponse,
  PrintTicketResponse,
  QueueList,
  StatusView,
  TicketView,
  type CheckInRequest,
  type CreatePairingCodeRequest,
  type FinishRequest,
  type LoginRequest,
  type OperatorUpdate,
  type PauseRequest,
  type RegisterRequest,
  type TransferRequest,
} from '@kqms/shared/api'
import type { CounterId, OperatorId, TicketId } from '@kqms/shared/domain'
import { CounterState, NowServing } from '@kqms/shared/mqtt'
import type { z } from 'zod'

/**
 * The web apps' HTTP client: one function per route of the appliance's API, every response parsed
 * with its schema from `@kqms/shared/api` (a changed contract breaks the build, a wrong payload
 * fails loudly here instead of deep in a view).
 */

export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly status: number
  /** The API's error code (`SERVICE_CLOSED`…), `NETWORK` when the appliance was not reached. */
  readonly code: string
  /** The error response's JSON as received (some routes add details, e.g. a check-in refusal). */
  readonly body: unknown
  constructor(input: { status: number; code: string; message: string; body?: unknown }) {
    super(input.message)
    this.status = input.status
    this.code = input.code
    this.body = input.body ?? null
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError

interface RequestInput {
  readonly method?: 'GET' | 'POST' | 'PUT'
  readonly body?: unknown
  readonly idempotencyKey?: string
  /** An `Authorization` header of its own (a device's Basic credentials). */
  readonly authorization?: string
}

export interface ApiClientOptions {
  /** Origin of the appliance; default: the page's own. */
  readonly baseUrl?: string
  /** The staff session token, read on every request. */
  readonly token?: () => string | null
  /** Called when the appliance answers 401 (the session expired). */
  readonly onUnauthenticated?: () => void
}

/** A random key that makes a retried POST safe (the appliance returns the first result). */
export function newIdempotencyKey(prefix = 'ui'): string {
  const random = crypto.getRandomValues(new Uint8Array(12))
  return `${prefix}-${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}`
}

export function createApi(options: ApiClientOptions = {}) {
  const base = options.baseUrl ?? ''

  async function request<TSchema extends z.ZodType>(
    path: string,
    schema: TSchema,
    input: RequestInput = {},
  ): Promise<z.infer<TSchema>> {
    const headers: Record<string, string> = { accept: 'application/json' }
    const token = options.token?.()
    if (input.authorization) headers['authorization'] = input.authorization
    else if (token) headers['authorization'] = `Bearer ${token}`
    if (input.body !== undefined) headers['content-type'] = 'application/json'
    if (input.idempotencyKey) headers['idempotency-key'] = input.idempotencyKey
    let response: Response
    try {
      response = await fetch(`${base}${path}`, {
        method: input.method ?? 'GET',
        headers,
        body: input.body === undefined ? undefined : JSON.stringify(input.body),
        cache: 'no-store',
      })
    } catch (error) {
      throw new ApiError({
        status: 0,
        code: 'NETWORK',
        message: error instanceof Error ? error.message : 'network error',
      })
    }
    const json: unknown = await response.json().catch(() => null)
    if (!response.ok) {
      const body = ErrorBody.safeParse(json)
      if (response.status === 401) options.onUnauthenticated?.()
      throw new ApiError({
        status: response.status,
        code: body.success ? body.data.error.code : `HTTP_${response.status}`,
        message: body.success ? body.data.error.message : response.statusText,
        body: json,
      })
    }
    return schema.parse(json)
  }

  const post = <TSchema extends z.ZodType>(path: string, schema: TSchema, body: unknown = {}) =>
    request(path, schema, { method: 'POST', body, idempotencyKey: newIdempotencyKey() })

  const counter = (id: CounterId) => `/api/v1/counters/${encodeURIComponent(id)}`

  return {
    // public
    branches: () => request('/api/v1/branches', BranchList),
    queues: () => request('/api/v1/queues', QueueList),
    register: (body: RegisterRequest, idempotencyKey: string) =>
      request('/api/v1/register', TicketView, { method: 'POST', body, idempotencyKey }),
    status: (ticketId: string) =>
      request(`/api/v1/status/${encodeURIComponent(ticketId)}`, StatusView),
    nowServing: () => request('/api/v1/hall/now-serving', NowServing),
    counterState: (id: CounterId) => request(`${counter(id)}/state`, CounterState),
    /** Prints a ticket on the kiosk's printer, authenticated as the kiosk device. */
    print: (ticketId: TicketId, device: { deviceId: string; secret: string }) =>
      request(`/api/v1/tickets/${encodeURIComponent(ticketId)}/print`, PrintTicketResponse, {
        method: 'POST',
        body: {},
        authorization: `Basic ${btoa(`${device.deviceId}:${device.secret}`)}`,
      }),
    /** Checks in an appointment QR code, authenticated as the kiosk device (verified offline). */
    checkIn: (body: CheckInRequest, device: { deviceId: string; secret: string }) =>
      request('/api/v1/appointments/check-in', CheckInResponse, {
        method: 'POST',
        body,
        authorization: `Basic ${btoa(`${device.deviceId}:${device.secret}`)}`,
      }),
    pair: (code: string) =>
      request('/api/v1/devices/pair', PairResponse, { method: 'POST', body: { code } }),

    // staff
    login: (body: LoginRequest) =>
      request('/api/v1/auth/login', LoginResponse, { method: 'POST', body }),
    counters: () => request('/api/v1/counters', CounterStateList),
    counterView: (id: CounterId) => request(counter(id), CounterView),
    signIn: (id: CounterId) => post(`${counter(id)}/sign-in`, CounterView),
    signOut: (id: CounterId) => post(`${counter(id)}/sign-out`, CounterView),
    callNext: (id: CounterId) => post(`${counter(id)}/call-next`, CallResult),
    call: (id: CounterId, ticketId: TicketId) =>
      post(`${counter(id)}/call`, CallResult, { ticketId }),
    recall: (id: CounterId) => post(`${counter(id)}/recall`, CounterView),
    start: (id: CounterId) => post(`${counter(id)}/start`, CounterView),
    finish: (id: CounterId, body: FinishRequest) =>
      post(`${counter(id)}/finish`, CounterView, body),
    noShow: (id: CounterId) => post(`${counter(id)}/no-show`, CounterView),
    transfer: (id: CounterId, body: TransferRequest) =>
      post(`${counter(id)}/transfer`, CounterView, body),
    park: (id: CounterId) => post(`${counter(id)}/park`, CounterView),
    resumeParked: (id: CounterId, ticketId: TicketId) =>
      post(`${counter(id)}/resume-parked`, CallResult, { ticketId }),
    pause: (id: CounterId, body: PauseRequest) => post(`${counter(id)}/pause`, CounterView, body),
    resume: (id: CounterId) => post(`${counter(id)}/resume`, CounterView),

    // manager
    live: () => request('/api/admin/live', BranchLive),
    operators: () => request('/api/admin/operators', OperatorList),
    putOperator: (id: OperatorId, body: OperatorUpdate) =>
      request(`/api/admin/operators/${encodeURIComponent(id)}`, OperatorView, {
        method: 'PUT',
        body,
        idempotencyKey: newIdempotencyKey(),
      }),
    devices: () => request('/api/admin/devices', DeviceList),
    createPairingCode: (body: CreatePairingCodeRequest) =>
      request('/api/admin/devices/pairing-codes', PairingCodeView, { method: 'POST', body }),
  }
}

export type Api = ReturnType<typeof createApi>

/** The message to show for a failed call, in the words of the API. */
export function errorMessage(error: unknown): string {
  if (isApiError(error)) return error.code === 'NETWORK' ? error.message : `${error.message}`
  return error instanceof Error ? error.message : String(error)
}
