import { createErrorHandler } from '@kqms/server-kit/http-errors'
import type { AppEnv } from './app-env.js'

export {
  describeIssues,
  handleNotFound,
  HttpError,
  onValidationResult,
  payloadTooLarge,
  STATUS_BY_CODE,
} from '@kqms/server-kit/http-errors'

/** The appliance's `onError`: domain and HTTP errors as `{ error: { code, message } }`, else 500. */
export const handleError = createErrorHandler<AppEnv>()
