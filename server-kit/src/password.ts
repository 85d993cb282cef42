import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'

/**
 * Staff secrets (passwords and PINs) are stored as `scrypt$N$r$p$salt$hash` (salt and hash in
 * base64url), so the cost can be raised later without invalidating stored hashes.
 */
const COST = { N: 16_384, r: 8, p: 1 } as const
const KEY_LENGTH = 32
const SALT_BYTES = 16

function derive(secret: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, KEY_LENGTH, options, (error, key) => {
      if (error) reject(new Error('scrypt failed', { cause: error }))
      else resolve(key)
    })
  })
}

export async function hashSecret(secret: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(secret, salt, COST)
  return [
    'scrypt',
    COST.N,
    COST.r,
    COST.p,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$')
}

interface ParsedHash {
  readonly options: ScryptOptions
  readonly salt: Buffer
  readonly key: Buffer
}

function parseHash(encoded: string): ParsedHash | null {
  const [scheme, n, r, p, salt, key, ...rest] = encoded.split('$')
  if (scheme !== 'scrypt' || rest.length > 0 || salt === undefined || key === undefined) return null
  const [N, R, P] = [Number(n), Number(r), Number(p)]
  const isPowerOfTwo = Number.isInteger(N) && N > 1 && N <= 2 ** 20 && (N & (N - 1)) === 0
  if (
    !isPowerOfTwo ||
    !Number.isInteger(R) ||
    R < 1 ||
    R > 32 ||
    !Number.isInteger(P) ||
    P < 1 ||
    P > 16
  )
    return null
  return {
    options: { N, r: R, p: P, maxmem: 256 * N * R + 1024 * 1024 },
    salt: Buffer.from(salt, 'base64url'),
    key: Buffer.from(key, 'base64url'),
  }
}

/** Constant-time check of a secret against its stored hash; a malformed hash never matches. */
export async function verifySecret(secret: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded)
  if (parsed?.key.length !== KEY_LENGTH) return false
  const key = await derive(secret, parsed.salt, parsed.options)
  return timingSafeEqual(key, parsed.key)
}

/** Hash of a random secret nobody knows: verified against when the login is unknown (equal timing). */
const UNKNOWN_USER_HASH =
  'scrypt$16384$8$1$SGG2-9Lg2z2IGHr1ESYcjQ$QHPC_rS3SsUjc7eN4iG0pcxV1mUFFp1fmeEf-rPA180'

export async function burnVerification(secret: string): Promise<void> {
  await verifySecret(secret, UNKNOWN_USER_HASH)
}
