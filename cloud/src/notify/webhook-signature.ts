import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * Webhook signatures for integrators: `X-KQMS-Signature: sha256=<hex HMAC-SHA-256>` over
 * `<timestamp>.<raw body>` with the webhook's secret, and `X-KQMS-Timestamp` in Unix seconds.
 * Receivers recompute the HMAC and refuse stale timestamps (replay protection).
 */
export const SIGNATURE_HEADER = 'x-kqms-signature'
export const TIMESTAMP_HEADER = 'x-kqms-timestamp'

export function signWebhook(input: {
  secret: string
  timestampSeconds: number
  body: string
}): string {
  const mac = createHmac('sha256', input.secret)
    .update(`${input.timestampSeconds}.${input.body}`, 'utf8')
    .digest('hex')
  return `sha256=${mac}`
}

/** What an integrator does on receipt: constant-time compare and a freshness window. */
export function verifyWebhookSignature(input: {
  secret: string
  signature: string
  timestampSeconds: number
  body: string
  nowSeconds: number
  toleranceSeconds?: number
}): boolean {
  if (Math.abs(input.nowSeconds - input.timestampSeconds) > (input.toleranceSeconds ?? 300))
    return false
  const expected = Buffer.from(signWebhook(input))
  const given = Buffer.from(input.signature)
  return expected.length === given.length && timingSafeEqual(expected, given)
}
