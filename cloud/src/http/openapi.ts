import { OpenAPIHono } from '@hono/zod-openapi'
import { CloudErrorBody } from '@kqms/shared/cloud'
import type { z } from 'zod'
import type { AppEnv } from './app-env.js'
import { onValidationResult } from './errors.js'

/** A router whose failed validations become 400 `VALIDATION_FAILED` naming the fields. */
export const createRouter = (): OpenAPIHono<AppEnv> =>
  new OpenAPIHono<AppEnv>({ defaultHook: onValidationResult })

export const jsonContent = <TSchema extends z.ZodType>(schema: TSchema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

export const jsonBody = <TSchema extends z.ZodType>(schema: TSchema) => ({
  required: true,
  content: { 'application/json': { schema } },
})

const ERROR_DESCRIPTIONS = {
  400: 'Malformed JSON or invalid input (`VALIDATION_FAILED`, `MALFORMED_JSON`)',
  401: 'No valid session (`UNAUTHENTICATED`) or a wrong one-time code (`CODE_INVALID`)',
  403: 'The role or branch scope does not allow it (`FORBIDDEN`)',
  404: 'Unknown id (`NOT_FOUND`)',
  409: 'A conflict: slot full, appointment not changeable, duplicate',
  413: 'Body over the size limit (`PAYLOAD_TOO_LARGE`)',
  415: 'Body is not application/json (`UNSUPPORTED_MEDIA_TYPE`)',
  422: 'A configuration or service rule refuses it',
  429: 'Too many attempts (`TOO_MANY_ATTEMPTS`)',
  503: 'The branch is unreachable (`BRANCH_UNREACHABLE`)',
} as const
type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS

/** Error responses of a route, all with the one `CloudErrorBody`. */
export function errorResponses<TStatus extends ErrorStatus>(
  ...statuses: TStatus[]
): Record<TStatus, ReturnType<typeof jsonContent<typeof CloudErrorBody>>> {
  const entries = statuses.map((status) => [
    status,
    jsonContent(CloudErrorBody, ERROR_DESCRIPTIONS[status]),
  ])
  return Object.fromEntries(entries) as Record<
    TStatus,
    ReturnType<typeof jsonContent<typeof CloudErrorBody>>
  >
}

export const BODY_ERRORS = [400, 413, 415] as const
export const STAFF_ERRORS = [401, 403] as const

export const BEARER = [{ bearer: [] }]

export function registerSecurityScheme(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description:
      'Staff: token from `POST /api/admin/auth/totp` (or `login`). Customers: token from `POST /api/v1/auth/verify`.',
  })
}
