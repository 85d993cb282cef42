import { base64url, CompactSign, importJWK } from 'jose'
import QRCode from 'qrcode'
import { beforeAll, describe, expect, it } from 'vitest'
import {
  type AppointmentClaims,
  CLOCK_SKEW_MS,
  generateSigningKey,
  signAppointmentToken,
  verifyAppointmentToken,
} from './appointment-token.js'

type Key = Awaited<ReturnType<typeof generateSigningKey>>

const NOW = Date.parse('2026-03-12T04:00:00Z')
const claims: AppointmentClaims = {
  appointmentId: '0195f6a8-7c1e-7b3a-9d2f-4e5a6b7c8d9e',
  branchId: 'almaty-demo',
  serviceId: 'cash',
  startsAt: Date.parse('2026-03-12T05:30:00Z'),
  issuedAt: NOW,
  expiresAt: Date.parse('2026-03-12T06:00:00Z'),
  language: 'kk',
}

let key: Key
let otherKey: Key
beforeAll(async () => {
  key = await generateSigningKey()
  otherKey = await generateSigningKey()
})

const verify = (
  token: string,
  overrides: { branchId?: string; now?: number; publicJwks?: Key['publicJwk'][] } = {},
) =>
  verifyAppointmentToken(token, {
    publicJwks: overrides.publicJwks ?? [key.publicJwk],
    branchId: overrides.branchId ?? 'almaty-demo',
    now: overrides.now ?? NOW,
  })

/** A token with a given header and payload, signed by `signer` (or with a junk signature). */
async function craft(
  header: Record<string, unknown>,
  payload: unknown,
  signer?: Key,
): Promise<string> {
  const bytes = new TextEncoder().encode(JSON.stringify(payload))
  if (signer) {
    return new CompactSign(bytes)
      .setProtectedHeader({ alg: 'EdDSA', ...header })
      .sign(await importJWK(signer.privateJwk, 'EdDSA'))
  }
  return `${base64url.encode(JSON.stringify(header))}.${base64url.encode(bytes)}.${base64url.encode('sig')}`
}

const wire = {
  a: claims.appointmentId,
  b: 'almaty-demo',
  s: 'cash',
  t: 1773293400,
  l: 'kk',
  i: 1773288000,
  e: 1773295200,
}

describe(generateSigningKey.name, () => {
  it('makes an Ed25519 key pair whose id is the RFC 7638 thumbprint', () => {
    expect(key.publicJwk).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: key.keyId })
    expect(key.publicJwk).not.toHaveProperty('d')
    expect(key.privateJwk).toHaveProperty('d')
    expect(key.keyId).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(otherKey.keyId).not.toBe(key.keyId)
  })
})

describe(signAppointmentToken.name, () => {
  it('round-trips the claims through verification with the public key only', async () => {
    const token = await signAppointmentToken(claims, key)
    expect(await verify(token)).toEqual({ ok: true, claims })
  })

  it('produces exactly the compact JWS that jose signs (same header, payload and signature)', async () => {
    const token = await signAppointmentToken(claims, key)
    const [header, payload] = token.split('.')
    const expected = await craft(
      { kid: key.keyId },
      JSON.parse(new TextDecoder().decode(base64url.decode(payload ?? ''))) as unknown,
      key,
    )
    expect(token).toBe(expected)
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(header ?? '')))).toEqual({
      alg: 'EdDSA',
      kid: key.keyId,
    })
  })

  it('refuses a signing key that is not an Ed25519 private key', async () => {
    const { d: _d, ...publicOnly } = key.privateJwk
    await expect(
      signAppointmentToken(claims, { privateJwk: publicOnly, keyId: key.keyId }),
    ).rejects.toThrow(/Ed25519 private JWK/)
  })

  it('keeps the token short enough for a small QR code', async () => {
    const token = await signAppointmentToken(claims, key)
    // Header (alg + 43-character kid) and signature are fixed; the UUID travels as 22 characters.
    expect(token.length).toBeLessThanOrEqual(330)
    const qr = QRCode.create(token, { errorCorrectionLevel: 'M' })
    expect(qr.version).toBeLessThanOrEqual(13) // 69×69 modules: scans from a phone screen
  })

  it('carries UUID ids compactly and other ids as they are', async () => {
    const uuids = {
      ...claims,
      branchId: '0195f6a8-0000-7000-8000-00000000abcd',
      serviceId: 'CASH-01',
    }
    const token = await signAppointmentToken(uuids, key)
    expect(await verify(token, { branchId: uuids.branchId })).toEqual({ ok: true, claims: uuids })
  })

  it('refuses to sign claims that fail the schema', async () => {
    await expect(signAppointmentToken({ ...claims, language: 'de' as 'en' }, key)).rejects.toThrow()
    await expect(signAppointmentToken({ ...claims, serviceId: '~sneaky' }, key)).rejects.toThrow()
    await expect(signAppointmentToken({ ...claims, branchId: '' }, key)).rejects.toThrow()
  })
})

describe(verifyAppointmentToken.name, () => {
  it('picks the right key by kid among several trusted keys (rotation)', async () => {
    const token = await signAppointmentToken(claims, otherKey)
    expect(await verify(token, { publicJwks: [key.publicJwk, otherKey.publicJwk] })).toMatchObject({
      ok: true,
    })
  })

  it.each(['', 'not a token', 'a.b', 'a.b.c.d', '!!!.???.***', 'eyJhbGciOiJFZERTQSJ9.e30'])(
    'refuses %j as malformed',
    async (token) => {
      expect(await verify(token)).toEqual({ ok: false, code: 'TOKEN_MALFORMED' })
    },
  )

  it('refuses a header that is not JSON as malformed', async () => {
    const token = `${base64url.encode('{not json')}.${base64url.encode('{}')}.${base64url.encode('x')}`
    expect(await verify(token)).toEqual({ ok: false, code: 'TOKEN_MALFORMED' })
  })

  it('refuses an unsigned token (alg none)', async () => {
    const token = `${base64url.encode(JSON.stringify({ alg: 'none', kid: key.keyId }))}.${base64url.encode(JSON.stringify(wire))}.`
    expect(await verify(token)).toEqual({ ok: false, code: 'TOKEN_BAD_SIGNATURE' })
  })

  it('refuses another algorithm even with a trusted kid (HS256 with the public key as secret)', async () => {
    const token = await craft({ alg: 'HS256', kid: key.keyId }, wire)
    expect(await verify(token)).toEqual({ ok: false, code: 'TOKEN_BAD_SIGNATURE' })
  })

  it('refuses a token without kid', async () => {
    const token = await craft({ alg: 'EdDSA' }, wire)
    expect(await verify(token)).toEqual({ ok: false, code: 'TOKEN_BAD_SIGNATURE' })
  })

  it('refuses a token signed by a key the branch does not trust', async () => {
    const token = await signAppointmentToken(claims, otherKey)
    expect(await verify(token)).toEqual({ ok: false, code: 'TOKEN_BAD_SIGNATURE' })
  })

  it('refuses a token signed by another key that claims the trusted kid', async () => {
    const token = await signAppointmentToken(claims, {
      privateJwk: otherKey.privateJwk,
      keyId: key.keyId,
    })
    expect(await verify(token)).toEqual({ ok: false, code: 'TOKEN_BAD_SIGNATURE' })
  })

  it('refuses a tampered payload (another branch pasted in)', async () => {
    const [header, , signature] = (await signAppointmentToken(claims, key)).split('.')
    const forged = base64url.encode(JSON.stringify({ ...wire, b: 'astana-1' }))
    expect(await verify(`${header}.${forged}.${signature}`, { branchId: 'astana-1' })).toEqual({
      ok: false,
      code: 'TOKEN_BAD_SIGNATURE',
    })
  })

  it('refuses a tampered signature', async () => {
    const token = await signAppointmentToken(claims, key)
    const flipped = token.slice(0, -2) + (token.endsWith('AA') ? 'BA' : 'AA')
    expect(await verify(flipped)).toEqual({ ok: false, code: 'TOKEN_BAD_SIGNATURE' })
  })

  it('ignores a trusted-key list entry that is not a public Ed25519 key', async () => {
    const token = await signAppointmentToken(claims, key)
    expect(
      await verify(token, {
        publicJwks: [key.privateJwk, { kty: 'EC', crv: 'P-256', x: 'a', y: 'b' }],
      }),
    ).toEqual({
      ok: false,
      code: 'TOKEN_BAD_SIGNATURE',
    })
  })

  it.each([
    ['missing claims', { a: 'x', b: 'almaty-demo' }],
    ['an unknown language', { ...wire, l: 'de' }],
    ['a time as text', { ...wire, e: '1773295200' }],
    ['an extra claim', { ...wire, admin: true }],
    ['a payload that is not an object', [1, 2, 3]],
  ])('refuses a correctly signed token with %s as malformed', async (_name, payload) => {
    const token = await craft({ kid: key.keyId }, payload, key)
    expect(await verify(token)).toEqual({ ok: false, code: 'TOKEN_MALFORMED' })
  })

  it('refuses a token for another branch', async () => {
    const token = await signAppointmentToken(claims, key)
    expect(await verify(token, { branchId: 'astana-1' })).toEqual({
      ok: false,
      code: 'TOKEN_WRONG_BRANCH',
    })
  })

  it('refuses an expired token at and after expiresAt', async () => {
    const token = await signAppointmentToken(claims, key)
    expect(await verify(token, { now: claims.expiresAt - 1000 })).toMatchObject({ ok: true })
    expect(await verify(token, { now: claims.expiresAt })).toEqual({
      ok: false,
      code: 'TOKEN_EXPIRED',
    })
  })

  it('refuses a token issued in the future beyond the tolerated clock skew', async () => {
    const token = await signAppointmentToken(claims, key)
    expect(await verify(token, { now: NOW - CLOCK_SKEW_MS })).toMatchObject({ ok: true })
    expect(await verify(token, { now: NOW - CLOCK_SKEW_MS - 1000 })).toEqual({
      ok: false,
      code: 'TOKEN_NOT_YET_VALID',
    })
  })
})
