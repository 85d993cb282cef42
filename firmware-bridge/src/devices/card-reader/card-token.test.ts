import { createHmac } from 'node:crypto'
import { CardEvent } from '@kqms/shared/mqtt'
import { describe, expect, it } from 'vitest'
import { parseTokenKey, toCardToken, toMaskedPan } from './card-token.js'

const KEY_HEX = '07'.repeat(32)
const pan = (text: string): Buffer => Buffer.from(text, 'latin1')

describe(toCardToken.name, () => {
  it('is HMAC-SHA-256 of the PAN in base64url, stable across calls', () => {
    const key = parseTokenKey(KEY_HEX, 'k1')
    const expected = createHmac('sha256', Buffer.alloc(32, 7))
      .update('4111111111111111')
      .digest('base64url')
    expect(toCardToken(key, pan('4111111111111111'))).toBe(expected)
    expect(toCardToken(key, pan('4111111111111111'))).toBe(
      'M-z6Gwuof0VHHdZLo2qb3nHgktXrSqas61w3EPAnwo4',
    )
    expect(toCardToken(key, pan('4111111111111111'))).toMatch(/^[A-Za-z0-9_-]{43}$/)
  })

  it('differs between cards and between keys', () => {
    const key = parseTokenKey(KEY_HEX, 'k1')
    const other = parseTokenKey('08'.repeat(32), 'k2')
    expect(toCardToken(key, pan('4111111111111111'))).not.toBe(
      toCardToken(key, pan('5500005555555559')),
    )
    expect(toCardToken(key, pan('4111111111111111'))).not.toBe(
      toCardToken(other, pan('4111111111111111')),
    )
  })
})

describe(parseTokenKey.name, () => {
  it('reads hex, base64 and base64url keys of the same bytes alike', () => {
    const raw = Buffer.from(Array.from({ length: 32 }, (_, index) => index * 7 + 250))
    const fromHex = parseTokenKey(raw.toString('hex'), 'k')
    expect(parseTokenKey(raw.toString('base64'), 'k')).toEqual(fromHex)
    expect(parseTokenKey(raw.toString('base64url'), 'k')).toEqual(fromHex)
  })

  it('refuses keys under 32 bytes without quoting them', () => {
    const short = 'ab'.repeat(31)
    expect(() => parseTokenKey(short, 'branch-key')).toThrow(
      /"branch-key" must be at least 32 bytes/,
    )
    try {
      parseTokenKey(short, 'branch-key')
    } catch (error) {
      expect(String(error)).not.toContain(short)
    }
    expect(() => parseTokenKey('not a key!', 'k')).toThrow(/at least 32 bytes/)
  })
})

describe(toMaskedPan.name, () => {
  it.each([
    ['4111111111111111', '411111******1111'],
    ['4222222222222', '422222***2222'],
    ['6212345678901234569', '621234*********4569'],
  ])('masks %s as %s, which the wire contract accepts', (number, masked) => {
    expect(toMaskedPan(pan(number))).toBe(masked)
    expect(CardEvent.shape.masked.safeParse(masked).success).toBe(true)
  })
})
