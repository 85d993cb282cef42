import { describe, expect, it } from 'vitest'
import { hashSecret, verifySecret } from './password.js'

describe(hashSecret.name, () => {
  it('encodes scrypt$N$r$p$salt$hash with a fresh salt each time', async () => {
    const a = await hashSecret('s3cret-pass')
    const b = await hashSecret('s3cret-pass')
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
    expect(a).not.toBe(b)
  })
})

describe(verifySecret.name, () => {
  it('accepts the secret and refuses another', async () => {
    const hash = await hashSecret('1234')
    expect(await verifySecret('1234', hash)).toBe(true)
    expect(await verifySecret('1235', hash)).toBe(false)
  })

  it('never matches a malformed or hostile hash', async () => {
    for (const hash of [
      '',
      'plain',
      'scrypt$16384$8$1$c2FsdA',
      'scrypt$3$8$1$c2FsdA$aGFzaA',
      'scrypt$1073741824$8$1$c2FsdA$aGFzaA',
      'scrypt$16384$99$1$c2FsdA$aGFzaA',
      'bcrypt$16384$8$1$c2FsdA$aGFzaA',
      'scrypt$16384$8$1$c2FsdA$aGFzaA$extra',
    ])
      expect(await verifySecret('x', hash)).toBe(false)
  })
})
