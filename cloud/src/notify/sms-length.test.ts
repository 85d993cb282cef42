import { describe, expect, it } from 'vitest'
import { isGsm7, smsLength } from './sms-length.js'

describe(smsLength.name, () => {
  it('counts plain Latin text as GSM-7: 160 in one segment, 153 per part after that', () => {
    expect(smsLength('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 })
    expect(smsLength('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 })
    expect(smsLength('a'.repeat(306)).segments).toBe(2)
    expect(smsLength('a'.repeat(307)).segments).toBe(3)
  })

  it('counts GSM-7 extension characters (€ [ ] { } ^ ~ | \\) as two septets', () => {
    expect(smsLength('€'.repeat(80))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 })
    expect(smsLength(`${'a'.repeat(159)}€`).segments).toBe(2)
  })

  it('counts Russian as UCS-2: 70 in one segment, 67 per part after that', () => {
    expect(smsLength('я'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 })
    expect(smsLength('я'.repeat(71)).segments).toBe(2)
    expect(smsLength('я'.repeat(134)).segments).toBe(2)
    expect(smsLength('я'.repeat(135)).segments).toBe(3)
  })

  it('turns a whole Latin message into UCS-2 for one Kazakh letter', () => {
    const text = `${'a'.repeat(100)}ң`
    expect(isGsm7(text)).toBe(false)
    expect(smsLength(text)).toEqual({ encoding: 'UCS-2', units: 101, segments: 2 })
  })

  it('counts an emoji as two UCS-2 units', () => {
    expect(smsLength('🙂').units).toBe(2)
  })

  it('knows the Greek capitals and accented letters of the GSM alphabet', () => {
    expect(isGsm7('ΔΦΓΛΩΠΨΣΘΞ éèÄÖÑÜ¿¡£¥§')).toBe(true)
    expect(isGsm7('ÁÊ')).toBe(false)
    expect(isGsm7('…')).toBe(false)
  })

  it('is zero segments for an empty message', () => {
    expect(smsLength('').segments).toBe(0)
  })
})
