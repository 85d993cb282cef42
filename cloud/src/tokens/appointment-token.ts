/**
 * Signing of the appointment QR code (cloud only: the private key never leaves the cloud). The
 * claims schema, wire encoding and offline verification live in `@kqms/shared/appointment-token`
 * so the branch appliance verifies with the very same code; they are re-exported here.
 */
import { createPrivateKey, sign as cryptoSign, type KeyObject } from 'node:crypto'
import {
  APPOINTMENT_TOKEN_ALGORITHM as ALGORITHM,
  type AppointmentClaims,
  type JsonWebKey,
  toWirePayload,
} from '@kqms/shared/appointment-token'
import { base64url, calculateJwkThumbprint, exportJWK, generateKeyPair } from 'jose'

export {
  AppointmentClaims,
  CLOCK_SKEW_MS,
  type JsonWebKey,
  type VerifyFailureCode,
  type VerifyResult,
  verifyAppointmentToken,
} from '@kqms/shared/appointment-token'

/** A fresh Ed25519 signing key; `keyId` is its RFC 7638 thumbprint (also the JWS `kid`). */
export async function generateSigningKey(): Promise<{
  privateJwk: JsonWebKey
  publicJwk: JsonWebKey
  keyId: string
}> {
  const { privateKey, publicKey } = await generateKeyPair(ALGORITHM, {
    crv: 'Ed25519',
    extractable: true,
  })
  const publicJwk = await exportJWK(publicKey)
  const keyId = await calculateJwkThumbprint(publicJwk)
  return {
    privateJwk: { ...(await exportJWK(privateKey)), kid: keyId },
    publicJwk: { ...publicJwk, kid: keyId },
    keyId,
  }
}

/** Private keys by JWK object: a key is imported once, not per token. */
const IMPORTED = new WeakMap<JsonWebKey, KeyObject>()

function signingKeyOf(privateJwk: JsonWebKey): KeyObject {
  let key = IMPORTED.get(privateJwk)
  if (!key) {
    const { kty, crv, d, x } = privateJwk
    if (kty !== 'OKP' || crv !== 'Ed25519' || typeof d !== 'string' || typeof x !== 'string')
      throw new TypeError('The appointment signing key is not an Ed25519 private JWK')
    key = createPrivateKey({ key: { kty, crv, d, x }, format: 'jwk' })
    IMPORTED.set(privateJwk, key)
  }
  return key
}

/**
 * Signs appointment claims into a compact JWS (`header.payload.signature`, base64url). The work
 * is synchronous; invalid claims or a wrong key reject the promise.
 */
export function signAppointmentToken(
  claims: AppointmentClaims,
  key: { privateJwk: JsonWebKey; keyId: string },
): Promise<string> {
  return new Promise((resolve) => resolve(signCompact(claims, key)))
}

function signCompact(claims: AppointmentClaims, key: { privateJwk: JsonWebKey; keyId: string }) {
  const payload = toWirePayload(claims)
  // RFC 7515 compact serialisation, signed synchronously with Node's Ed25519 (RFC 8037): the
  // same bytes jose's CompactSign produces, without a WebCrypto job per token.
  const signingInput = `${base64url.encode(JSON.stringify({ alg: ALGORITHM, kid: key.keyId }))}.${base64url.encode(JSON.stringify(payload))}`
  const signature = cryptoSign(
    null,
    Buffer.from(signingInput, 'ascii'),
    signingKeyOf(key.privateJwk),
  )
  return `${signingInput}.${base64url.encode(signature)}`
}
