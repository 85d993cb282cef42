/**
 * Business-rule violations. Adding a code is an API change: the HTTP layer maps every code to a
 * status through a `Record<DomainErrorCode, …>`, so a new code fails the build until it is mapped.
 */
export const DOMAIN_ERROR_CODES = [
  'NOT_FOUND',
  'SERVICE_CLOSED',
  'SERVICE_NOT_OFFERED',
  'DAILY_CAP_REACHED',
  'COUNTER_CLOSED',
  'COUNTER_BUSY',
  'OPERATOR_NOT_SIGNED_IN',
  'OPERATOR_BUSY',
  'INVALID_TRANSITION',
  'RECALL_TOO_SOON',
  'PRIORITY_NOT_ALLOWED',
  'CONFLICT',
  'INVALID_CONFIGURATION',
] as const
export type DomainErrorCode = (typeof DOMAIN_ERROR_CODES)[number]

export class DomainError extends Error {
  override readonly name = 'DomainError'
  readonly code: DomainErrorCode
  constructor(code: DomainErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.code = code
  }
}

export const isDomainError = (e: unknown): e is DomainError =>
  e instanceof Error && e.name === 'DomainError'
