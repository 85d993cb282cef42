import { createErrorHandler, errorBody } from '@kqms/server-kit/http-errors'
import { isCloudError, type CloudErrorCode } from '@kqms/shared/cloud'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { AppEnv } from './app-env.js'

export {
  describeIssues,
  handleNotFound,
  HttpError,
  onValidationResult,
  payloadTooLarge,
  STATUS_BY_CODE,
} from '@kqms/server-kit/http-errors'

export const STATUS_BY_CLOUD_CODE: Record<CloudErrorCode, ContentfulStatusCode> = {
  BRANCH_UNREACHABLE: 503,
  SLOT_FULL: 409,
  SLOT_NOT_OFFERED: 422,
  APPOINTMENT_NOT_CHANGEABLE: 409,
  CODE_INVALID: 401,
}

/** The cloud's `onError`: its own codes (with their extra fields) first, then the shared mapping. */
export const handleError = createErrorHandler<AppEnv>({
  before: (error, c) =>
    isCloudError(error)
      ? c.json(
          { ...errorBody(error.code, error.message), ...error.extra },
          STATUS_BY_CLOUD_CODE[error.code],
        )
      : undefined,
})
