import { OpenAPIHono } from '@hono/zod-openapi'
import { ErrorBody, IdempotencyKey } from '@kqms/shared/api'
import { z } from 'zod'
import type { AppEnv } from './app-env.js'
import { onValidationResult } from './errors.js'

/** Helpers that keep route definitions short and their OpenAPI description complete. */

/** A router whose failed validations become 400 `VALIDATION_FAILED` naming the fields. */
export const createRouter = (): OpenAPIHono<AppEnv> =>
  new OpenAPIHono<AppEnv>({ defaultHook: onValidationResult })

export const jsonContent = <TSchema extends z.ZodType>(schema: TSchema, description: string) => ({
  description,
  content: { 'application/json': { schema } },
})

/** A JSON request body. Optional bodies may be omitted entirely (or sent as `{}`). */
export const jsonBody = <TSchema extends z.ZodType>(
  schema: TSchema,
  options: { required: boolean } = { required: true },
) => ({
  required: options.required,
  content: { 'application/json': { schema } },
})

const ERROR_DESCRIPTIONS = {
  400: 'Malformed JSON or invalid input (`VALIDATION_FAILED`, `MALFORMED_JSON`)',
  401: 'No valid session (`UNAUTHENTICATED`)',
  403: 'The role or counter does not allow it (`FORBIDDEN`, `PRIORITY_NOT_ALLOWED`)',
  404: 'Unknown id (`NOT_FOUND`)',
  409: 'The queue is not in a state that allows it, or the Idempotency-Key was used for another request',
  413: 'Body over the size limit (`PAYLOAD_TOO_LARGE`)',
  415: 'Body is not application/json (`UNSUPPORTED_MEDIA_TYPE`)',
  422: 'A configuration or service rule refuses it',
  429: 'Too many attempts (`TOO_MANY_ATTEMPTS`)',
} as const
type ErrorStatus = keyof typeof ERROR_DESCRIPTIONS

/** Error responses of a route, all with the one `ErrorBody`. */
export function errorResponses<TStatus extends ErrorStatus>(
  ...statuses: TStatus[]
): Record<TStatus, ReturnType<typeof jsonContent<typeof ErrorBody>>> {
  const entries = statuses.map((status) => [
    status,
    jsonContent(ErrorBody, ERROR_DESCRIPTIONS[status]),
  ])
  return Object.fromEntries(entries) as Record<
    TStatus,
    ReturnType<typeof jsonContent<typeof ErrorBody>>
  >
}

/** The errors any request with a body may get. */
export const BODY_ERRORS = [400, 413, 415] as const
/** The errors of a route behind a role. */
export const STAFF_ERRORS = [401, 403] as const

/** `Idempotency-Key` request header (optional: the appliance generates one when absent). */
export const IdempotencyHeaders = z.object({ 'idempotency-key': IdempotencyKey.optional() })

/** OpenAPI security requirement of staff routes. */
export const BEARER = [{ bearer: [] }]

/** OpenAPI security requirement of routes a device calls with its own credentials. */
export const DEVICE_AUTH = [{ device: [] }]

export function registerSecurityScheme(app: OpenAPIHono<AppEnv>): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    description: 'Session token from `POST /api/v1/auth/login`.',
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'device', {
    type: 'http',
    scheme: 'basic',
    description: 'An enrolled device: its device id as the user name, its secret as the password.',
  })
}
