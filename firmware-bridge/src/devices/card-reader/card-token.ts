import { createHmac } from 'node:crypto'

/**
 * The only things that leave the card reader (design/devices.md §6.3, PCI DSS 3.4.1 and 3.5.1.1):
 * a keyed hash of the full PAN and its masked form. The PAN buffer stays with the caller.
 */

export const TOKEN_KEY_MIN_BYTES = 32

const HEX = /^(?:[0-9a-fA-F]{2})+$/
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/

/**
 * Decodes the managed token key (hex or base64/base64url, at least 32 bytes). The error never
 * quotes the secret.
 */
export function parseTokenKey(secret: string, keyId: string): Buffer {
  const text = secret.trim()
  let key: Buffer | null = null
  // All-hex text is hex (a 32-byte key in base64 has 43–44 characters, almost surely not all hex).
  if (HEX.test(text)) key = Buffer.from(text, 'hex')
  else if (BASE64.test(text))
    key = Buffer.from(text.replace(/-/g, '+').replace(/_/g, '/'), 'base64')
  if (key === null || key.length < TOKEN_KEY_MIN_BYTES) {
    key?.fill(0)
    throw new Error(
      `The card token key "${keyId}" must be at least ${TOKEN_KEY_MIN_BYTES} bytes, given as hex or base64`,
    )
  }
  return key
}

/** `HMAC-SHA-256(key, PAN)` in base64url: 43 characters. */
export function toCardToken(key: Uint8Array, pan: Uint8Array): string {
  return createHmac('sha256', key).update(pan).digest('base64url')
}

/** The first 6 and last 4 digits with a `*` for each digit between (13–19 digit PANs). */
export function toMaskedPan(pan: Uint8Array): string {
  const head = Buffer.from(pan.subarray(0, 6)).toString('latin1')
  const tail = Buffer.from(pan.subarray(pan.length - 4)).toString('latin1')
  return `${head}${'*'.repeat(pan.length - 10)}${tail}`
}
