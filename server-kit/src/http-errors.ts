import type { HttpErrorCode } from '@kqms/shared/api'
import { isDomainError, type DomainErrorCode } from '@kqms/shared/errors'
import type { Context, ErrorHandler, NotFoundHandler } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { z } from 'zod'

/**
 * The HTTP error shape both services answer with, `{ error: { code, message } }` and a 4xx, and
 * the one place that maps domain and HTTP error codes to statuses (the appliance and the cloud use
 * it; the cloud adds its own codes through `createErrorHandler({ before })`).
 */

/** What the error handler needs of a request's context: its logger (with the request id). */
export interface ErrorEnv {
  Variables: { log: { error(fields: object, message: string): void } }
}

/** The only place that knows HTTP statuses for domain errors: a new code fails the build here. */
export const STATUS_BY_CODE: Record<DomainErrorCode, ContentfulStatusCode> = {
  NOT_FOUND: 404,
  SERVICE_CLOSED: 409,
  SERVICE_NOT_OFFERED: 422,
  DAILY_CAP_REACHED: 409,
  COUNTER_CLOSED: 409,
  COUNTER_BUSY: 409,
  OPERATOR_NOT_SIGNED_IN: 409,
  OPERATOR_BUSY: 409,
  INVALID_TRANSITION: 409,
  RECALL_TOO_SOON: 409,
  PRIORITY_NOT_ALLOWED: 403,
  CONFLICT: 409,
  INVALID_CONFIGURATION: 422,
}

const STATUS_BY_HTTP_CODE: Record<HttpErrorCode, ContentfulStatusCode> = {
  VALIDATION_FAILED: 400,
  MALFORMED_JSON: 400,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  METHOD_NOT_ALLOWED: 405,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  TOO_MANY_ATTEMPTS: 429,
  INTERNAL: 500,
}

/** A request the HTTP layer refuses before any use case runs (bad input, auth, throttling). */
export class HttpError extends Error {
  override readonly name = 'HttpError'
  readonly code: HttpErrorCode
  /** Seconds after which a throttled client may retry (sent as `Retry-After`). */
  readonly retryAfterSeconds: number | null
  constructor(code: HttpErrorCode, message: string, options?: { retryAfterSeconds?: number }) {
    super(message)
    this.code = code
    this.retryAfterSeconds = options?.retryAfterSeconds ?? null
  }
}

const MAX_MESSAGE_LENGTH = 600

/** `{ error: { code, message } }`, the message cut to a readable length. */
export const errorBody = <Code extends string>(
  code: Code,
  message: string,
): { error: { code: Code; message: string } } => ({
  error: {
    code,
    message:
      message.length > MAX_MESSAGE_LENGTH ? `${message.slice(0, MAX_MESSAGE_LENGTH)}…` : message,
  },
})

/** `body.serviceId: Invalid input; body.language: …`: every failing field, named. */
export function describeIssues(error: z.ZodError, target: string): string {
  const issues = error.issues.slice(0, 10).map((issue) => {
    const path = issue.path.map(String).join('.')
    return `${path === '' ? target : `${target}.${path}`}: ${issue.message}`
  })
  const more = error.issues.length > 10 ? ` (and ${error.issues.length - 10} more)` : ''
  return `Invalid request: ${issues.join('; ')}${more}`
}

const TARGET_NAMES: Record<string, string> = {
  json: 'body',
  param: 'path',
  query: 'query',
  header: 'header',
}

/** `defaultHook` of every OpenAPI route: a failed zod parse is a 400 naming the fields. */
export function onValidationResult(
  result: { success: true } | { success: false; error: z.ZodError; target: string },
): void {
  if (!result.success)
    throw new HttpError(
      'VALIDATION_FAILED',
      describeIssues(result.error, TARGET_NAMES[result.target] ?? result.target),
    )
}

/** Hono's own exceptions (malformed JSON, media type gate, body limit) in our error shape. */
function fromHttpException(error: HTTPException): {
  code: HttpErrorCode | 'NOT_FOUND'
  message: string
  status: ContentfulStatusCode
} {
  const as = (code: HttpErrorCode, message: string) => ({
    code,
    message,
    status: STATUS_BY_HTTP_CODE[code],
  })
  switch (error.status) {
    case 400:
      return error.message.toLowerCase().includes('json')
        ? as('MALFORMED_JSON', 'The request body is not valid JSON')
        : as('VALIDATION_FAILED', error.message || 'Bad request')
    case 401:
      return as('UNAUTHENTICATED', 'Sign in first')
    case 403:
      return as('FORBIDDEN', 'Not allowed')
    case 404:
      return { code: 'NOT_FOUND', message: 'Not found', status: STATUS_BY_CODE.NOT_FOUND }
    case 405:
      return as('METHOD_NOT_ALLOWED', 'Method not allowed')
    case 413:
      return as('PAYLOAD_TOO_LARGE', 'The request body is too large')
    case 415:
      return as('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json')
    case 429:
      return as('TOO_MANY_ATTEMPTS', 'Too many requests')
    default:
      return as('VALIDATION_FAILED', error.message || 'Bad request')
  }
}

/**
 * The one `onError`: domain and HTTP errors become `{ error: { code, message } }`; the rest 500
 * (logged with the request id). `before` handles a service's own error types first.
 */
export function createErrorHandler<E extends ErrorEnv>(
  options: { before?: (error: Error, c: Context<E>) => Response | undefined } = {},
): ErrorHandler<E> {
  return (error, c) => {
    const handled = options.before?.(error, c)
    if (handled !== undefined) return handled
    if (isDomainError(error))
      return c.json(errorBody(error.code, error.message), STATUS_BY_CODE[error.code])
    if (error instanceof HttpError) {
      if (error.retryAfterSeconds !== null) c.header('Retry-After', String(error.retryAfterSeconds))
      return c.json(errorBody(error.code, error.message), STATUS_BY_HTTP_CODE[error.code])
    }
    if (error instanceof HTTPException && error.status < 500) {
      const { code, message, status } = fromHttpException(error)
      return c.json(errorBody(code, message), status)
    }
    const { log } = c.var as ErrorEnv['Variables'] // the request logger carries the request id
    log.error({ err: error }, 'unhandled error')
    return c.json(errorBody('INTERNAL', 'Internal error'), 500)
  }
}

export const handleNotFound: NotFoundHandler = (c: Context) =>
  c.json(errorBody('NOT_FOUND', `No route ${c.req.method} ${c.req.path}`), 404)

/** The response of `bodyLimit` when a body is over `maxBodyBytes`. */
export function payloadTooLarge(maxBodyBytes: number): never {
  throw new HttpError('PAYLOAD_TOO_LARGE', `The request body is over ${maxBodyBytes} bytes`)
}
