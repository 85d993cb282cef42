/**
 * The appointment QR code: an Ed25519-signed JWS (compact form) that a branch appliance verifies
 * offline with the cloud's public keys only. Claims use one-letter names and seconds so the token
 * stays short enough for a low-density QR code on a phone screen or a printed letter.
 *
 * This module is pure (no clock, no node:*): the claims schema, the wire (compact-claim) encoding
 * and offline verification, shared by the cloud (which signs, cloud/src/tokens) and the branch
 * appliance (which verifies at the kiosk).
 */
import {
  base64url,
  calculateJwkThumbprint,
  compactVerify,
  decodeProtectedHeader,
  importJWK,
  type JWK,
} from 'jose'
import { z } from 'zod'

/** A JSON Web Key (RFC 7517) as jose reads and writes it. */
export type JsonWebKey = JWK

/** Signatures are EdDSA over Ed25519 only; anything else in the header is refused. */
export const APPOINTMENT_TOKEN_ALGORITHM = 'EdDSA'
const ALGORITHM = APPOINTMENT_TOKEN_ALGORITHM

/** The longest token a verifier reads: a real one is ~250 characters; anything far longer is junk. */
export const MAX_APPOINTMENT_TOKEN_LENGTH = 2048
/** Clock skew tolerated between the cloud and a branch appliance before a token is "not yet valid". */
export const CLOCK_SKEW_MS = 5 * 60_000

/** An id in a token: anything printable but a leading `~` (which marks a compacted UUID). */
const TokenId = z
  .string()
  .regex(/^[^~\s][^\s]{0,63}$/, 'an id of 1…64 characters, not starting with ~')

export const AppointmentClaims = z.object({
  appointmentId: TokenId,
  branchId: TokenId,
  serviceId: TokenId,
  /** UTC ms (carried at whole-second precision). */
  startsAt: z.number().int().nonnegative(),
  expiresAt: z.number().int().nonnegative(),
  issuedAt: z.number().int().nonnegative(),
  language: z.enum(['kk', 'ru', 'en']),
})
export type AppointmentClaims = z.infer<typeof AppointmentClaims>

/** The wire payload: one-letter names (i = issued at, e = expires at), times in whole seconds. */
const WireId = z.string().regex(/^(?:~[A-Za-z0-9_-]{22}|[^~\s][^\s]{0,63})$/)
export const WirePayload = z.strictObject({
  a: WireId,
  b: WireId,
  s: WireId,
  t: z.number().int().nonnegative(),
  l: z.enum(['kk', 'ru', 'en']),
  i: z.number().int().nonnegative(),
  e: z.number().int().nonnegative(),
})

export const PublicEd25519Jwk = z.looseObject({
  kty: z.literal('OKP'),
  crv: z.literal('Ed25519'),
  x: z.string().min(1),
  /** A public key never carries its private part. */
  d: z.never().optional(),
})

export type VerifyFailureCode =
  | 'TOKEN_MALFORMED'
  | 'TOKEN_BAD_SIGNATURE'
  | 'TOKEN_EXPIRED'
  | 'TOKEN_NOT_YET_VALID'
  | 'TOKEN_WRONG_BRANCH'

export type VerifyResult =
  { ok: true; claims: AppointmentClaims } | { ok: false; code: VerifyFailureCode }

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** A canonical (lowercase) UUID travels as `~` + its 16 bytes in base64url: 23 characters, not 36. */
export function toWireId(id: string): string {
  if (!UUID.test(id)) return id
  const hex = id.replaceAll('-', '')
  const bytes = Uint8Array.from({ length: 16 }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16))
  return `~${base64url.encode(bytes)}`
}

export function fromWireId(wire: string): string {
  if (!wire.startsWith('~')) return wire
  const hex = [...base64url.decode(wire.slice(1))]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join('')
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
}

/** Claims in their compact wire form (one-letter names, whole seconds, compacted UUIDs). */
export function toWirePayload(claims: AppointmentClaims): z.infer<typeof WirePayload> {
  const c = AppointmentClaims.parse(claims)
  const toSeconds = (ms: number) => Math.floor(ms / 1000)
  return {
    a: toWireId(c.appointmentId),
    b: toWireId(c.branchId),
    s: toWireId(c.serviceId),
    t: toSeconds(c.startsAt),
    l: c.language,
    i: toSeconds(c.issuedAt),
    e: toSeconds(c.expiresAt),
  }
}

/**
 * The cloud's published key set (`GET /api/v1/appointments/keys`), as a branch reads it from its
 * configuration: Ed25519 public keys only; a private part (`d`) is refused.
 */
export const AppointmentPublicKeySet = z.object({
  keys: z.array(PublicEd25519Jwk).max(32),
})
export type AppointmentPublicKeySet = z.infer<typeof AppointmentPublicKeySet>

/**
 * Verifies a token at a branch with public keys only (no network). The key is chosen by the
 * header's `kid` (the RFC 7638 thumbprint of each given key, computed here, so a forged `kid`
 * cannot select a key it does not match).
 *
 * Refusals, in the order checked:
 * - `TOKEN_MALFORMED`: longer than MAX_APPOINTMENT_TOKEN_LENGTH, not three base64url parts, unreadable header, or claims that fail the schema;
 * - `TOKEN_BAD_SIGNATURE`: `alg` other than EdDSA (including `none`), no `kid` or an unknown one
 *   (signed by a key this branch does not trust), or a signature that does not match the bytes;
 * - `TOKEN_WRONG_BRANCH`: issued for another branch;
 * - `TOKEN_NOT_YET_VALID`: issued more than CLOCK_SKEW_MS in the future of `now`;
 * - `TOKEN_EXPIRED`: `now` at or after `expiresAt`.
 */
export async function verifyAppointmentToken(
  token: string,
  input: { publicJwks: readonly JsonWebKey[]; branchId: string; now: number },
): Promise<VerifyResult> {
  if (token.length > MAX_APPOINTMENT_TOKEN_LENGTH) return { ok: false, code: 'TOKEN_MALFORMED' }
  if (!/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(token)) {
    return { ok: false, code: 'TOKEN_MALFORMED' }
  }
  let header: ReturnType<typeof decodeProtectedHeader>
  try {
    header = decodeProtectedHeader(token)
  } catch {
    return { ok: false, code: 'TOKEN_MALFORMED' }
  }
  if (header.alg !== ALGORITHM || typeof header.kid !== 'string') {
    return { ok: false, code: 'TOKEN_BAD_SIGNATURE' }
  }
  const publicJwk = await findKey(input.publicJwks, header.kid)
  if (!publicJwk) return { ok: false, code: 'TOKEN_BAD_SIGNATURE' }

  let payloadBytes: Uint8Array
  try {
    const publicKey = await importJWK(publicJwk, ALGORITHM)
    ;({ payload: payloadBytes } = await compactVerify(token, publicKey, {
      algorithms: [ALGORITHM],
    }))
  } catch {
    return { ok: false, code: 'TOKEN_BAD_SIGNATURE' }
  }

  const claims = parsePayload(payloadBytes)
  if (!claims) return { ok: false, code: 'TOKEN_MALFORMED' }
  if (claims.branchId !== input.branchId) return { ok: false, code: 'TOKEN_WRONG_BRANCH' }
  if (input.now + CLOCK_SKEW_MS < claims.issuedAt) return { ok: false, code: 'TOKEN_NOT_YET_VALID' }
  if (input.now >= claims.expiresAt) return { ok: false, code: 'TOKEN_EXPIRED' }
  return { ok: true, claims }
}

function parsePayload(bytes: Uint8Array): AppointmentClaims | undefined {
  let json: unknown
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes))
  } catch {
    return undefined
  }
  const parsed = WirePayload.safeParse(json)
  if (!parsed.success) return undefined
  const p = parsed.data
  return {
    appointmentId: fromWireId(p.a),
    branchId: fromWireId(p.b),
    serviceId: fromWireId(p.s),
    startsAt: p.t * 1000,
    language: p.l,
    issuedAt: p.i * 1000,
    expiresAt: p.e * 1000,
  }
}

async function findKey(jwks: readonly JsonWebKey[], kid: string): Promise<JsonWebKey | undefined> {
  for (const jwk of jwks) {
    const parsed = PublicEd25519Jwk.safeParse(jwk)
    if (!parsed.success) continue
    const publicOnly = { kty: 'OKP', crv: 'Ed25519', x: parsed.data.x }
    if ((await calculateJwkThumbprint(publicOnly)) === kid) return publicOnly
  }
  return undefined
}
