import { base64url, calculateJwkThumbprint, CompactSign, exportJWK, generateKeyPair } from 'jose'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  type AppointmentClaims,
  AppointmentPublicKeySet,
  CLOCK_SKEW_MS,
  type JsonWebKey,
  MAX_APPOINTMENT_TOKEN_LENGTH,
  toWirePayload,
  verifyAppointmentToken,
} from './appointment-token.js'

/** A signer built from jose alone: the shared verifier must accept any RFC 7515/8037 signer. */
interface Signer {
  publicJwk: JsonWebKey
  sign(claims: AppointmentClaims, header?: Record<string, unknown>): Promise<string>
}

async function signer(): Promise<Signer> {
  const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
  const publicJwk = await exportJWK(publicKey)
  const kid = await calculateJwkThumbprint(publicJwk)
  return {
    publicJwk,
    sign: (claims, header = {}) =>
      new CompactSign(new TextEncoder().encode(JSON.stringify(toWirePayload(claims))))
        .setProtectedHeader({ alg: 'EdDSA', kid, ...header })
        .sign(privateKey),
  }
}

const NOW = Date.parse('2026-03-12T04:00:00Z')
const claims: AppointmentClaims = {
  appointmentId: '0195f6a8-7c1e-7b3a-9d2f-4e5a6b7c8d9e',
  branchId: 'almaty-demo',
  serviceId: 'cash',
  startsAt: Date.parse('2026-03-12T05:30:00Z'),
  issuedAt: NOW,
  expiresAt: Date.parse('2026-03-12T06:00:00Z'),
  language: 'ru',
}

let cloud: Signer
let stranger: Signer
beforeAll(async () => {
  cloud = await signer()
  stranger = await signer()
})

const verify = (token: string, at = NOW, branchId = 'almaty-demo') =>
  verifyAppointmentToken(token, { publicJwks: [cloud.publicJwk], branchId, now: at })

describe(verifyAppointmentToken.name, () => {
  it('returns the claims of a genuine token, UUIDs restored from their compact form', async () => {
    const token = await cloud.sign(claims)
    expect(token).not.toContain(claims.appointmentId)
    expect(await verify(token)).toEqual({ ok: true, claims })
  })

  it('refuses a signature by a key the branch does not trust, and a forged kid', async () => {
    expect(await verify(await stranger.sign(claims))).toEqual({
      ok: false,
      code: 'TOKEN_BAD_SIGNATURE',
    })
    const cloudKid = await calculateJwkThumbprint(cloud.publicJwk)
    expect(await verify(await stranger.sign(claims, { kid: cloudKid }))).toEqual({
      ok: false,
      code: 'TOKEN_BAD_SIGNATURE',
    })
  })

  it('refuses a tampered payload and an unsigned (alg: none) token', async () => {
    const [header, , signature] = (await cloud.sign(claims)).split('.')
    const forged = base64url.encode(JSON.stringify({ ...toWirePayload(claims), b: 'astana-01' }))
    expect(await verify(`${header}.${forged}.${signature}`)).toEqual({
      ok: false,
      code: 'TOKEN_BAD_SIGNATURE',
    })
    const none = `${base64url.encode('{"alg":"none"}')}.${forged}.`
    expect(await verify(none)).toEqual({ ok: false, code: 'TOKEN_BAD_SIGNATURE' })
  })

  it('refuses another branch, an expired token and one issued beyond the clock skew', async () => {
    const token = await cloud.sign(claims)
    expect(await verify(token, NOW, 'astana-01')).toEqual({
      ok: false,
      code: 'TOKEN_WRONG_BRANCH',
    })
    expect(await verify(token, claims.expiresAt)).toEqual({ ok: false, code: 'TOKEN_EXPIRED' })
    expect((await verify(token, NOW - CLOCK_SKEW_MS)).ok).toBe(true)
    expect(await verify(token, NOW - CLOCK_SKEW_MS - 1000)).toEqual({
      ok: false,
      code: 'TOKEN_NOT_YET_VALID',
    })
  })

  it('calls junk, oversize and schema-breaking tokens malformed without throwing', async () => {
    for (const junk of ['', 'a.b', 'a.b.c.d', '<script>', 'Ж.Ж.Ж', 'a'.repeat(10_000)])
      expect(await verify(junk)).toEqual({ ok: false, code: 'TOKEN_MALFORMED' })
    const huge = `${'A'.repeat(MAX_APPOINTMENT_TOKEN_LENGTH)}.B.C`
    expect(await verify(huge)).toEqual({ ok: false, code: 'TOKEN_MALFORMED' })
    const { privateKey, publicKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
    const publicJwk = await exportJWK(publicKey)
    const kid = await calculateJwkThumbprint(publicJwk)
    const wrongShape = await new CompactSign(new TextEncoder().encode('{"a":1}'))
      .setProtectedHeader({ alg: 'EdDSA', kid })
      .sign(privateKey)
    expect(
      await verifyAppointmentToken(wrongShape, { publicJwks: [publicJwk], branchId: 'x', now: 0 }),
    ).toEqual({ ok: false, code: 'TOKEN_MALFORMED' })
  })

  it('ignores a key in the trusted list that carries a private part', async () => {
    const token = await cloud.sign(claims)
    const leaked = { ...cloud.publicJwk, d: 'not-a-public-key' }
    expect(
      await verifyAppointmentToken(token, {
        publicJwks: [leaked],
        branchId: 'almaty-demo',
        now: NOW,
      }),
    ).toEqual({ ok: false, code: 'TOKEN_BAD_SIGNATURE' })
  })
})

describe('AppointmentPublicKeySet', () => {
  it('accepts the cloud keys document and refuses private keys or other curves', () => {
    const key = { kty: 'OKP', crv: 'Ed25519', x: 'abc', kid: 'k', alg: 'EdDSA', use: 'sig' }
    expect(AppointmentPublicKeySet.safeParse({ keys: [key] }).success).toBe(true)
    expect(AppointmentPublicKeySet.safeParse({ keys: [{ ...key, d: 'x' }] }).success).toBe(false)
    expect(AppointmentPublicKeySet.safeParse({ keys: [{ ...key, crv: 'P-256' }] }).success).toBe(
      false,
    )
    expect(AppointmentPublicKeySet.safeParse([key]).success).toBe(false)
  })
})
