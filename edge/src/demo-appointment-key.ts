import { createHash, createPrivateKey, createPublicKey } from 'node:crypto'
import type { JsonWebKey } from '@kqms/shared/appointment-token'

/**
 * DEMO ONLY. An Ed25519 key pair derived from the branch id, so `EDGE_DEMO=true pnpm start` can
 * check in appointment QR codes without a cloud. Anyone can derive this key: a real appliance
 * never trusts it (it is used only with EDGE_DEMO and no EDGE_APPOINTMENT_KEYS_FILE).
 */
export function demoAppointmentKey(branchId: string): {
  privateJwk: JsonWebKey
  publicJwk: JsonWebKey
  keyId: string
} {
  const seed = createHash('sha256').update(`kqms-demo-appointment-key:${branchId}`).digest()
  // PKCS#8 DER of an Ed25519 private key is a fixed 16-byte prefix followed by the 32-byte seed.
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed])
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' })
  const { x } = createPublicKey(privateKey).export({ format: 'jwk' })
  const { d } = privateKey.export({ format: 'jwk' })
  if (typeof x !== 'string' || typeof d !== 'string') throw new Error('Ed25519 JWK export failed')
  // RFC 7638 thumbprint: sha256 of the required members in lexicographic order, base64url.
  const keyId = createHash('sha256')
    .update(JSON.stringify({ crv: 'Ed25519', kty: 'OKP', x }))
    .digest('base64url')
  return {
    privateJwk: { kty: 'OKP', crv: 'Ed25519', x, d, kid: keyId },
    publicJwk: { kty: 'OKP', crv: 'Ed25519', x, kid: keyId },
    keyId,
  }
}
