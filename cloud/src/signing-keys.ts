import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import type { CloudDb } from './db/open-database.js'
import { signingKeys } from './db/schema.js'
import { generateSigningKey } from './tokens/appointment-token.js'
import type { SigningKey } from './usecases/ports.js'

const KEY_FILE = 'appointment-signing-key.json'

const StoredKey = z.object({
  keyId: z.string().min(1),
  privateJwk: z.looseObject({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    d: z.string(),
    x: z.string(),
  }),
  publicJwk: z.looseObject({ kty: z.literal('OKP'), crv: z.literal('Ed25519'), x: z.string() }),
})

/**
 * The Ed25519 key that signs appointment QR tokens: its private half in `keysDir` (0600, created
 * on first start), its public half in `signing_keys` so `GET /api/v1/appointments/keys` (and sync)
 * hand it to branches. `keysDir: null` keeps a fresh key in memory (tests).
 */
export async function loadSigningKey(input: {
  keysDir: string | null
  db: CloudDb
  now: number
}): Promise<SigningKey> {
  let key: SigningKey
  if (input.keysDir === null) {
    key = await generateSigningKey()
  } else {
    const file = join(input.keysDir, KEY_FILE)
    let text: string | null = null
    try {
      text = readFileSync(file, 'utf8')
    } catch {
      text = null
    }
    if (text === null) {
      key = await generateSigningKey()
      mkdirSync(input.keysDir, { recursive: true, mode: 0o700 })
      writeFileSync(file, JSON.stringify(key, null, 2), { mode: 0o600, flag: 'wx' })
    } else {
      const parsed = StoredKey.safeParse(JSON.parse(text))
      if (!parsed.success)
        throw new Error(`${file} is not a valid signing key file`, { cause: parsed.error })
      key = parsed.data
    }
  }
  await input.db
    .insert(signingKeys)
    .values({ keyId: key.keyId, publicJwk: key.publicJwk, createdAt: input.now })
    .onConflictDoNothing()
  return key
}
