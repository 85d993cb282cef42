import {
  AdminAppointmentListResponse,
  AdminBranch,
  AdminBranchListResponse,
  AdminOperatorListResponse,
  AnalyticsResponse,
  ApplianceListResponse,
  AuditListResponse,
  BranchConfigurationResponse,
  BranchListResponse,
  CloudErrorBody,
  ConfigVersionListResponse,
  ConfigurationResponse,
  DeviceListResponse,
  PublishResponse,
  QueuesResponse,
  SlotsResponse,
  StaffLoginResponse,
  StaffMeResponse,
  StaffSessionView,
  StaffUserListResponse,
  StaffUserView,
  type CreateStaffUserRequest,
  type PutServiceOverrideRequest,
  type UpdateStaffUserRequest,
} from '@kqms/shared/cloud'
import { z } from 'zod'

/**
 * The console's HTTP client: one function per cloud route it uses, every answer parsed with its
 * schema from `@kqms/shared/cloud`, so a changed contract breaks the build and a wrong payload
 * fails here, loudly, instead of deep in a view.
 */

export class ApiError extends Error {
  override readonly name = 'ApiError'
  readonly status: number
  /** The API's error code (`CODE_INVALID`…); `NETWORK` when the cloud was not reached. */
  readonly code: string
  constructor(input: { status: number; code: string; message: string }) {
    super(input.message)
    this.status = input.status
    this.code = input.code
  }
}

export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError

interface RequestInput {
  readonly method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly body?: unknown
  readonly query?: Readonly<Record<string, string | number | undefined>>
}

export interface ApiOptions {
  /** The staff session token, read on every request. */
  readonly token: () => string | null
  /** Called when the cloud answers 401 on an authenticated route (session expired or revoked). */
  readonly onUnauthenticated: () => void
}

const NoContent = z.unknown()

export function createApi(options: ApiOptions) {
  async function request<TSchema extends z.ZodType>(
    path: string,
    schema: TSchema,
    input: RequestInput = {},
  ): Promise<z.infer<TSchema>> {
    const headers: Record<string, string> = { accept: 'application/json' }
    const token = options.token()
    if (token) headers['authorization'] = `Bearer ${token}`
    if (input.body !== undefined) headers['content-type'] = 'application/json'
    const search = new URLSearchParams()
    for (const [key, value] of Object.entries(input.query ?? {})) {
      if (value !== undefined) search.set(key, String(value))
    }
    const url = search.size > 0 ? `${path}?${search.toString()}` : path
    let response: Response
    try {
      response = await fetch(url, {
        method: input.method ?? 'GET',
        headers,
        body: input.body === undefined ? null : JSON.stringify(input.body),
      })
    } catch (cause) {
      throw new ApiError({ status: 0, code: 'NETWORK', message: String(cause) })
    }
    const text = await response.text()
    let json: unknown = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      json = null
    }
    if (!response.ok) {
      if (response.status === 401 && token) options.onUnauthenticated()
      const body = CloudErrorBody.safeParse(json)
      throw new ApiError({
        status: response.status,
        code: body.success ? body.data.error.code : `HTTP_${response.status}`,
        message: body.success ? body.data.error.message : response.statusText,
      })
    }
    const parsed = schema.safeParse(json)
    if (!parsed.success) {
      throw new ApiError({
        status: response.status,
        code: 'BAD_RESPONSE',
        message: `${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
      })
    }
    return parsed.data
  }

  const admin = '/api/admin'
  return {
    login: (body: { email: string; password: string }) =>
      request(`${admin}/auth/login`, StaffLoginResponse, { method: 'POST', body }),
    verifyTotp: (body: { challengeId: string; code: string }) =>
      request(`${admin}/auth/totp`, StaffSessionView, { method: 'POST', body }),
    me: () => request(`${admin}/auth/me`, StaffMeResponse),
    logout: () => request(`${admin}/auth/logout`, NoContent, { method: 'POST' }),

    branches: () => request(`${admin}/branches`, AdminBranchListResponse),
    branch: (branchId: string) =>
      request(`${admin}/branches/${encodeURIComponent(branchId)}`, AdminBranch),
    /** Public list with live figures (waiting, expected wait): null until a branch syncs. */
    publicBranches: () =>
      request('/api/v1/branches', BranchListResponse, { query: { limit: 100 } }),
    queues: (branchId: string) =>
      request('/api/v1/queues', QueuesResponse, { query: { branchId } }),

    slots: (query: { branchId: string; serviceId: string; date: string }) =>
      request('/api/v1/appointments/slots', SlotsResponse, { query }),
    appointments: (query: { branchId: string; date: string }) =>
      request(`${admin}/appointments`, AdminAppointmentListResponse, { query }),

    configuration: () => request(`${admin}/configuration`, ConfigurationResponse),
    branchConfiguration: (branchId: string) =>
      request(
        `${admin}/configuration/branches/${encodeURIComponent(branchId)}`,
        BranchConfigurationResponse,
      ),
    putServiceOverride: (input: {
      branchId: string
      serviceId: string
      body: PutServiceOverrideRequest
    }) =>
      request(
        `${admin}/configuration/branches/${encodeURIComponent(input.branchId)}/services/${encodeURIComponent(input.serviceId)}`,
        NoContent,
        { method: 'PUT', body: input.body },
      ),
    publish: (branchId: string) =>
      request(
        `${admin}/configuration/branches/${encodeURIComponent(branchId)}/publish`,
        PublishResponse,
        { method: 'POST' },
      ),
    versions: (branchId: string) =>
      request(
        `${admin}/configuration/branches/${encodeURIComponent(branchId)}/versions`,
        ConfigVersionListResponse,
      ),

    users: () => request(`${admin}/users`, StaffUserListResponse),
    createUser: (body: CreateStaffUserRequest) =>
      request(`${admin}/users`, StaffUserView, { method: 'POST', body }),
    updateUser: (input: { id: string; body: UpdateStaffUserRequest }) =>
      request(`${admin}/users/${encodeURIComponent(input.id)}`, StaffUserView, {
        method: 'PATCH',
        body: input.body,
      }),

    operators: (branchId?: string) =>
      request(`${admin}/operators`, AdminOperatorListResponse, { query: { branchId } }),
    appliances: (branchId?: string) =>
      request(`${admin}/appliances`, ApplianceListResponse, { query: { branchId } }),
    devices: (branchId?: string) =>
      request(`${admin}/devices`, DeviceListResponse, { query: { branchId } }),
    analytics: (query: { from: string; to: string; branchId?: string }) =>
      request(`${admin}/analytics`, AnalyticsResponse, { query }),
    audit: (query: { entity?: string; limit?: number; before?: number }) =>
      request(`${admin}/audit`, AuditListResponse, { query }),
  }
}

export type Api = ReturnType<typeof createApi>
