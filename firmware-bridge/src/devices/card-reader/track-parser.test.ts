import { describe, expect, it } from 'vitest'
import { toSwipeText } from '../../simulators/card-swipe/card-swipe.simulator.js'
import { isLuhnValid, parseSwipe } from './track-parser.js'

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const swipe = (pan: string, options?: Parameters<typeof toSwipeText>[1]): Uint8Array =>
  bytes(toSwipeText(pan, { terminator: '', ...options }))

const TEST_PANS = [
  '4111111111111111',
  '5500005555555559',
  '4000056655665556',
  '6212345678901234569', // 19 digits
  '4222222222222', // 13 digits
]

describe(parseSwipe.name, () => {
  it.each(TEST_PANS)('extracts the PAN %s from Track 1 + Track 2, either track alone', (pan) => {
    for (const tracks of ['both', 'track1', 'track2'] as const) {
      const result = parseSwipe(swipe(pan, { tracks }))
      expect(result.kind).toBe('card')
      if (result.kind === 'card') expect(result.pan.toString('latin1')).toBe(pan)
    }
  })

  it('refuses a number whose check digit is wrong', () => {
    expect(parseSwipe(swipe('4111111111111112'))).toEqual({ kind: 'rejected', reason: 'luhn' })
  })

  it('refuses numbers shorter than 13 or longer than 19 digits', () => {
    expect(parseSwipe(bytes(';411111111116=3012?'))).toEqual({
      kind: 'rejected',
      reason: 'pan-length',
    })
    expect(parseSwipe(bytes(';41111111111111111113=3012?'))).toEqual({
      kind: 'rejected',
      reason: 'pan-length',
    })
  })

  it('refuses a track cut short (no separator or no end sentinel)', () => {
    expect(parseSwipe(bytes(';4111111111111111=3012101'))).toEqual({
      kind: 'rejected',
      reason: 'partial',
    })
    expect(parseSwipe(bytes(';41111111'))).toEqual({ kind: 'rejected', reason: 'partial' })
    expect(parseSwipe(bytes('%B4111111111111111^TEST'))).toEqual({
      kind: 'rejected',
      reason: 'partial',
    })
    expect(parseSwipe(bytes(';'))).toEqual({ kind: 'rejected', reason: 'partial' })
  })

  it('reports the reader’s own error marks as read errors', () => {
    expect(parseSwipe(bytes('%E?;E?'))).toEqual({ kind: 'rejected', reason: 'read-error' })
  })

  it('takes the good track when the other one failed', () => {
    const result = parseSwipe(bytes('%E?;4111111111111111=30121010000000000000?'))
    expect(result.kind === 'card' && result.pan.toString('latin1')).toBe('4111111111111111')
  })

  it('refuses tracks that disagree', () => {
    const text = '%B4111111111111111^TEST/CARD^3012101?;5500005555555559=3012101?'
    expect(parseSwipe(bytes(text))).toEqual({ kind: 'rejected', reason: 'mismatch' })
  })

  it('refuses garbage, barcodes and non-digit PAN fields', () => {
    expect(parseSwipe(bytes('hello world'))).toEqual({ kind: 'rejected', reason: 'no-track' })
    expect(parseSwipe(Uint8Array.of(0xff, 0x00, 0x80, 0x13))).toEqual({
      kind: 'rejected',
      reason: 'no-track',
    })
    expect(parseSwipe(bytes(';41111111x1111111=3012?'))).toEqual({
      kind: 'rejected',
      reason: 'malformed',
    })
    expect(parseSwipe(bytes('%A4111111111111111^X^3012?'))).toEqual({
      kind: 'rejected',
      reason: 'malformed',
    })
  })
})

describe(isLuhnValid.name, () => {
  it('accepts valid check digits and refuses every single-digit change of one', () => {
    expect(isLuhnValid(bytes('79927398713'))).toBe(true)
    for (let digit = 0; digit <= 9; digit += 1) {
      if (digit !== 3) expect(isLuhnValid(bytes(`7992739871${digit}`))).toBe(false)
    }
  })
})
