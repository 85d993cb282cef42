import { describe, expect, it } from 'vitest'
import { createKeyboardReportDecoder, toKeyboardReports } from './keyboard-report.js'

const report = (modifiers: number, ...keys: number[]): Uint8Array =>
  Uint8Array.of(modifiers, 0, ...[...keys, 0, 0, 0, 0, 0, 0].slice(0, 6))
const text = (codes: number[]): string => String.fromCharCode(...codes)

describe(createKeyboardReportDecoder.name, () => {
  it('types digits, letters and shifted sentinels; Enter is CR', () => {
    const decoder = createKeyboardReportDecoder()
    const typed = [
      report(0x02, 0x22), // shift+5 = %
      report(0),
      report(0x20, 0x05), // right shift + b = B
      report(0),
      report(0, 0x1e), // 1
      report(0),
      report(0, 0x33), // ;
      report(0),
      report(0x02, 0x38), // ?
      report(0),
      report(0, 0x28), // Enter
    ].flatMap((r) => decoder.decode(r))
    expect(text(typed)).toBe('%B1;?\r')
  })

  it('types a held key once and a second key pressed while it is held', () => {
    const decoder = createKeyboardReportDecoder()
    const typed = [report(0, 0x1e), report(0, 0x1e), report(0, 0x1e, 0x1f), report(0)].flatMap(
      (r) => decoder.decode(r),
    )
    expect(text(typed)).toBe('12')
  })

  it('ignores phantom (roll-over error) reports and short reports', () => {
    const decoder = createKeyboardReportDecoder()
    expect(decoder.decode(report(0, 1, 1, 1, 1, 1, 1))).toEqual([])
    expect(decoder.decode(Uint8Array.of(0, 0, 0x1e))).toEqual([])
  })

  it('decodes what toKeyboardReports encodes', () => {
    const decoder = createKeyboardReportDecoder()
    const swipe = '%B4111111111111111^TEST/CARD^3012101?;4111111111111111=3012?\r'
    expect(text(toKeyboardReports(swipe).flatMap((r) => decoder.decode(r)))).toBe(swipe)
  })
})
