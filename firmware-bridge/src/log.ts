import pino, { type Logger } from 'pino'

/**
 * Fields that may hold secrets or card data; pino replaces them wherever they appear. Drivers never
 * log a card number in the first place (the card reader scrubs before logging); this is the net.
 */
export const REDACTED_PATHS = [
  'password',
  '*.password',
  '*.*.password',
  'passwordFile',
  'secret',
  '*.secret',
  'secrets',
  '*.secrets',
  'token',
  '*.token',
  'pan',
  '*.pan',
  'track',
  '*.track',
  'cardNumber',
  '*.cardNumber',
  'phone',
  '*.phone',
]

export function createLogger(options: {
  level: string
  destination?: pino.DestinationStream
}): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'kqms-bridge' },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  )
}
