import pino, { type Logger } from 'pino'

/** Fields that may hold personal data or secrets; pino replaces them wherever they appear. */
export const REDACTED_PATHS = [
  'phone',
  '*.phone',
  'password',
  '*.password',
  'code',
  '*.code',
  'secret',
  '*.secret',
  'token',
  '*.token',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
]

export function createLogger(options: {
  level: string
  destination?: pino.DestinationStream
}): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'kqms-cloud' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  )
}
